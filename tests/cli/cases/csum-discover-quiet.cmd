ecu-csum --discover -q csum/discover-found.bin.gz
