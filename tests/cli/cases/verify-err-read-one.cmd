ecu-verify --read verify/read1.bin.gz
