ecu-cmp --ignore 0xE000:64K reads/base.bin reads/trunc.bin
