ecu-verify --read verify/read1.bin.gz verify/read2.bin.gz verify/read-stuck.bin.gz
