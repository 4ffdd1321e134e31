ecu-csum --learn --json csum/discover-learn-1.bin.gz csum/discover-none.bin.gz -o - 2>&1 >/dev/null
