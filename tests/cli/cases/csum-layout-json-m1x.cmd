ecu-csum --json --layout layouts/bosch-m1x-bmw.layout csum/motronic-m1x-bmw-32k-bad.bin.gz csum/motronic-dme-bmw-402-32k.bin.gz
