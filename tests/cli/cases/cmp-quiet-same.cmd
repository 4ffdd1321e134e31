ecu-cmp -q reads/base.bin reads/same.bin
