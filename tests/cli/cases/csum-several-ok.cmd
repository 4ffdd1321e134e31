ecu-csum csum/edc16-2m.bin.gz csum/edc16-512k.bin.gz csum/volvo-me7-1m.bin.gz csum/volvo-me7-512k.bin.gz
