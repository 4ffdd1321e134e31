ecu-csum -v --layout layouts/bosch-m44-volvo.layout csum/motronic-m44-volvo-128k.bin.gz csum/motronic-m44-volvo-128k-bad.bin.gz csum/motronic-m43-volvo-64k.bin.gz
