ecu-cmp reads/base.bin reads/few.bin
