ecu-cmp -l reads/base.bin reads/few.bin
