ecu-id id/edc15.bin.gz
