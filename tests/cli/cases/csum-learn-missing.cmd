ecu-csum --learn csum/discover-learn-1.bin.gz csum/no-such-image.bin -o -
