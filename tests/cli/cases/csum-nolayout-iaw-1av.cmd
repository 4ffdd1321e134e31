ecu-csum csum/marelli-iaw-1av.bin.gz
