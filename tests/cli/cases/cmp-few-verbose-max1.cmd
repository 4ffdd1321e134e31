ecu-cmp -v --max 1 reads/base.bin reads/few.bin
