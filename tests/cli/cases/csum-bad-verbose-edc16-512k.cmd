ecu-csum -v csum/edc16-512k-bad.bin.gz
