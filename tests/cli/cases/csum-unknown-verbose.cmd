ecu-csum -v reads/base.bin
