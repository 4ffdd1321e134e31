ecu-id csum/marelli-iaw-4lv.bin.gz csum/hitachi-std-512k.bin.gz
