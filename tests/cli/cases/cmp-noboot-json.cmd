ecu-cmp --json reads/base.bin reads/noboot.bin
