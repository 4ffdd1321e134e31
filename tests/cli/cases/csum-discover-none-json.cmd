ecu-csum --discover --json csum/discover-none.bin.gz
