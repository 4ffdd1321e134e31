ecu-cmp reads/concat.hex reads/base.bin
