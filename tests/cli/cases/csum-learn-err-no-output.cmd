ecu-csum --learn csum/discover-learn-1.bin.gz csum/discover-learn-2.bin.gz csum/discover-learn-3.bin.gz csum/discover-learn-4.bin.gz
