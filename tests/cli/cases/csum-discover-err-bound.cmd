ecu-csum --discover --bound 2 csum/discover-found.bin.gz
