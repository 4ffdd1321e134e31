ecu-id --format export - < id/vin.bin.gz
