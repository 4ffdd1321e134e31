ecu-cmp reads reads/base.bin
