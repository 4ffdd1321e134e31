ecu-id id/vin.bin.gz
