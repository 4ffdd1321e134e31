ecu-cmp -l --max 1 reads/base.bin reads/few.bin
