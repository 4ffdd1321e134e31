ecu-cmp --json reads/base.bin reads/few.bin
