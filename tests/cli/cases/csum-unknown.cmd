ecu-csum reads/base.bin
