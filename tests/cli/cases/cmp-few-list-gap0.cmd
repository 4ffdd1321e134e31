ecu-cmp -l --gap 0 reads/base.bin reads/few.bin
