ecu-csum --discover --json csum/no-such-image.bin csum/discover-found.bin.gz
