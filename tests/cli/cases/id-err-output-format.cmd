ecu-id -o export id/me7-a.bin.gz
