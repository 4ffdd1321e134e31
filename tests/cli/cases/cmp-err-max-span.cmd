ecu-cmp --max-span 1K reads/base.bin reads/same.bin
