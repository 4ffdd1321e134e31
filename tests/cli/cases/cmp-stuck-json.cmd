ecu-cmp --json reads/base.bin reads/stuck.bin
