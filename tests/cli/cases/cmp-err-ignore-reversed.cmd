ecu-cmp --ignore 5:3 reads/base.bin reads/same.bin
