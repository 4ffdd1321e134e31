ecu-cmp --json reads/base.bin reads/trunc.bin
