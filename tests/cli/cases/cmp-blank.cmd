ecu-cmp reads/base.bin reads/blank.bin
