ecu-verify --read --json verify/read1.bin.gz verify/read2.bin.gz
