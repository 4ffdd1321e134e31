ecu-verify --json verify/no-such.bin
