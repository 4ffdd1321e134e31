ecu-csum --discover --json csum/discover-found.bin.gz
