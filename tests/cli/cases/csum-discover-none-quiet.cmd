ecu-csum --discover -q csum/discover-none.bin.gz
