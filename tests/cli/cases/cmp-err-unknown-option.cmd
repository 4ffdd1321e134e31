ecu-cmp --frobnicate reads/base.bin reads/same.bin
