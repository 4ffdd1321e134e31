ecu-csum csum/marelli-iaw-4lv.bin.gz
