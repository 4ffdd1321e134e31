ecu-verify --json verify/tuned.bin.gz
