ecu-cmp reads/base.bin reads/no-such-read.bin
