ecu-csum --json csum/volvo-me7-512k.bin.gz
