ecu-verify --read verify/read-badsum.bin.gz verify/read-badsum.bin.gz
