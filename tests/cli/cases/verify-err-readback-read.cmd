ecu-verify --read --readback verify/readback.bin.gz verify/read1.bin.gz verify/read2.bin.gz
