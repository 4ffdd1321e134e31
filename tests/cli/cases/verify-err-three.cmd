ecu-verify verify/read1.bin.gz verify/read2.bin.gz verify/tuned.bin.gz
