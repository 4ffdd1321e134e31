ecu-cmp reads/base.bin reads/same.bin
