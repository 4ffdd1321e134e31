ecu-verify -q verify/read1.bin.gz verify/tuned.bin.gz
