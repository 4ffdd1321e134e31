ecu-verify verify/no-such-file.bin
