ecu-id --match id/me7-a.bin.gz id/me7-a-tuned.bin.gz
