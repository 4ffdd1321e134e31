ecu-id --find-original --json id/me7-a-tuned.bin.gz id/originals id/me7-b.bin.gz
