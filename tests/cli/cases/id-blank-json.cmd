ecu-id --json id/blank.bin.gz
