ecu-cmp reads/base.bin reads/shift.bin
