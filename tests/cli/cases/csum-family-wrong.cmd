ecu-csum --family bosch-me7-volvo csum/edc16-512k.bin.gz
