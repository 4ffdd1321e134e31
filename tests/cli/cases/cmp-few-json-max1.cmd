ecu-cmp --json --max 1 reads/base.bin reads/few.bin
