ecu-csum --fix csum/edc16-512k-bad.bin.gz
