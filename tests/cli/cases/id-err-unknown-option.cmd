ecu-id --frobnicate id/vin.bin.gz
