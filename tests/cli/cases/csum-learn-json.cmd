ecu-csum --learn --json csum/discover-learn-1.bin.gz csum/discover-learn-2.bin.gz csum/discover-learn-3.bin.gz csum/discover-learn-4.bin.gz -o - 2>&1 >/dev/null
