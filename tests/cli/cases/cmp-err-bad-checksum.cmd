ecu-cmp reads/bad-checksum.hex reads/base.bin
