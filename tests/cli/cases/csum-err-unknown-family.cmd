ecu-csum --family bosch-nonesuch csum/edc16-512k.bin.gz
