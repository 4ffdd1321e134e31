ecu-verify verify/read1.bin.gz
