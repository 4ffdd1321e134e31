ecu-cmp reads/base.bin reads/trunc.bin
