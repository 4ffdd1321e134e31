ecu-cmp reads/base.hex reads/base-hi.hex
