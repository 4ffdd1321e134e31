ecu-verify verify/read1.bin.gz verify/tuned-fixed.bin.gz --readback verify/readback.bin.gz
