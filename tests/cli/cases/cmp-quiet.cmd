ecu-cmp -q reads/base.bin reads/few.bin
