ecu-id --find-original id/vin.bin.gz id/originals
