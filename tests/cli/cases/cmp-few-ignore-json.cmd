ecu-cmp --json --ignore 291:292 --ignore 24K:0x6001 --ignore 0x6010:0x6020 reads/base.bin reads/few.bin
