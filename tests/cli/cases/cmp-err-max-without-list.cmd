ecu-cmp --max 1 reads/base.bin reads/few.bin
