ecu-cmp --ignore 0x6000:0x6001 reads/base.bin reads/few.bin
