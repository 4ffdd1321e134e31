ecu-cmp -v reads/base.bin reads/few.bin
