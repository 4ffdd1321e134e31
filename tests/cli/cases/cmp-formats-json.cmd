ecu-cmp --json reads/base.hex.gz reads/base.s19
