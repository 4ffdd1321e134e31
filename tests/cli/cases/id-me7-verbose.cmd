ecu-id -v id/me7-a.bin.gz
