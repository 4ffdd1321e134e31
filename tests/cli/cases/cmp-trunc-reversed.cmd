ecu-cmp reads/trunc.bin reads/base.bin
