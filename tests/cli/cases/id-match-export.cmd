ecu-id --match --format export id/me7-a.bin.gz id/me7-a-tuned.bin.gz
