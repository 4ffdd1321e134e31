ecu-csum csum/edc16-512k.bin.gz
