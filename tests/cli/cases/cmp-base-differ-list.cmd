ecu-cmp -l reads/base.hex reads/base-hi.hex
