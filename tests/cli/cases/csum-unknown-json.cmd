ecu-csum --json reads/base.bin
