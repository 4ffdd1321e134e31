ecu-id --find-original id/me7-a-tuned.bin.gz id/originals
