ecu-cmp --json reads/base.bin reads/same.bin reads/stuck.bin
