ecu-cmp reads/base.bin reads/empty.bin
