ecu-csum csum/edc16-2m-bad.bin.gz
