ecu-cmp reads/base.bin reads/stuck.bin
