ecu-cmp reads/base.bin reads/same.bin reads/stuck.bin
