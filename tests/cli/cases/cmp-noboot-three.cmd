ecu-cmp reads/noboot.bin reads/base.bin reads/same.bin
