ecu-id --find-original id/me7-pair.bin.gz id/originals
