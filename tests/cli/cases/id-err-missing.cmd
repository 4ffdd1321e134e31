ecu-id id/no-such-image.bin id/vin.bin.gz
