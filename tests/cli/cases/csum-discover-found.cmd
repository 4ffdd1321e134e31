ecu-csum --discover csum/discover-found.bin.gz
