ecu-verify --json --vin WVWZZZ1JZ3W386752 verify/read1.bin.gz
