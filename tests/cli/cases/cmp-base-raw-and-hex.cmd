ecu-cmp reads/base.bin reads/base-hi.hex
