ecu-id -o export - < id/vin.bin.gz
