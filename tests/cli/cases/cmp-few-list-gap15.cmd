ecu-cmp -l --gap 15 reads/base.bin reads/few.bin
