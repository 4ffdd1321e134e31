ecu-csum csum/siemens-sid803a.bin.gz
