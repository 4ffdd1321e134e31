ecu-csum csum/volvo-me7-1m-bad.bin.gz
