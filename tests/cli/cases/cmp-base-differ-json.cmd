ecu-cmp --json reads/base.hex reads/base-hi.hex
