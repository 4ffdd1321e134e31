ecu-cmp --json reads/base.bin reads/shift.bin
