ecu-csum --discover csum/discover-none.bin.gz
