ecu-id id/blank.bin.gz
