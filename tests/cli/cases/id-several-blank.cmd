ecu-id id/vin.bin.gz id/blank.bin.gz
