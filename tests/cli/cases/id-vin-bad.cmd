ecu-id -v id/vin-bad.bin.gz
