ecu-cmp reads/base.bin reads/base.hex reads/base.s19 reads/base.hex.gz
