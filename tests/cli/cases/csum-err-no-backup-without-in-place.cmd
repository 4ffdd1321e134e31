ecu-csum --no-backup csum/edc16-512k-bad.bin.gz
