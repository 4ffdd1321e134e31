ecu-verify verify/read1.bin.gz verify/other-ecu.bin.gz
