ecu-cmp --no-diagnose reads/base.bin reads/stuck.bin
