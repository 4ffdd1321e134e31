ecu-csum --json csum/edc16-512k.bin.gz
