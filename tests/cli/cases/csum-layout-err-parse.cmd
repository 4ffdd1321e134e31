ecu-csum --layout layouts/invalid/typo.layout csum/motronic-m43-volvo-64k.bin.gz 2>&1
