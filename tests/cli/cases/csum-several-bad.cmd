ecu-csum csum/edc16-512k.bin.gz reads/base.bin csum/volvo-me7-1m-bad.bin.gz csum/volvo-me7-512k.bin.gz
