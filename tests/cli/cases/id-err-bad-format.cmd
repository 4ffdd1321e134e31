ecu-id -o xml id/vin.bin.gz
