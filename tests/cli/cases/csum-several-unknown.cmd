ecu-csum csum/edc16-2m.bin.gz reads/base.bin csum/volvo-me7-512k.bin.gz
