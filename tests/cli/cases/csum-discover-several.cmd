ecu-csum --discover csum/discover-none.bin.gz csum/discover-found.bin.gz
