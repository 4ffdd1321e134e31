ecu-csum csum/keihin-m32r-256k.bin.gz
