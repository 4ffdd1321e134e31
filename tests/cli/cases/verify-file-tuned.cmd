ecu-verify verify/tuned.bin.gz
