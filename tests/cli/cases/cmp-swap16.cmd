ecu-cmp reads/base.bin reads/swap16.bin
