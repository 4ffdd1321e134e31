ecu-id --format export id/me7-a.bin.gz id/edc15.bin.gz
