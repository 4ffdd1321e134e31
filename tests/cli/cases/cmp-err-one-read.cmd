ecu-cmp reads/base.bin
