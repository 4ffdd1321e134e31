ecu-id --match id/me7-a.bin.gz id/vin.bin.gz
