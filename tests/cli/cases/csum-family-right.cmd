ecu-csum --family bosch-me7-volvo csum/volvo-me7-512k.bin.gz
