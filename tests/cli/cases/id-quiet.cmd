ecu-id -q id/me7-a.bin.gz
