ecu-csum csum/keihin-m16c-64k.bin.gz
