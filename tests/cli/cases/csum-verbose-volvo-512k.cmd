ecu-csum --verbose csum/volvo-me7-512k.bin.gz
