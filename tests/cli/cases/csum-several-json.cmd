ecu-csum --json reads/base.bin csum/edc16-512k-bad.bin.gz
