ecu-csum -v csum/edc16-2m.bin.gz
