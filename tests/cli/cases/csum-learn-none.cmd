ecu-csum --learn csum/discover-learn-1.bin.gz csum/discover-none.bin.gz -o -
