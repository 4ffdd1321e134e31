ecu-cmp --json reads/base.bin reads/blank.bin
