ecu-cmp --json reads/base.bin reads/swap16.bin
