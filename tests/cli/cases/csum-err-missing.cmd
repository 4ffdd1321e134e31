ecu-csum csum/no-such-image.bin
