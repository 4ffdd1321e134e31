ecu-id id/me7-pair.bin.gz
