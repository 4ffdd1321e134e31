ecu-csum --discover -v csum/discover-found.bin.gz
