ecu-csum -q csum/edc16-2m-bad.bin.gz
