ecu-csum csum/volvo-me7-1m.bin.gz
