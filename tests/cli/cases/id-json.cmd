ecu-id --json id/me7-pair.bin.gz id/vin.bin.gz
