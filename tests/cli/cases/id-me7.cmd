ecu-id id/me7-a.bin.gz
