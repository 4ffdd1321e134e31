ecu-csum --json csum/missing.bin csum/edc16-512k.bin.gz
