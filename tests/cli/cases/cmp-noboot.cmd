ecu-cmp reads/base.bin reads/noboot.bin
