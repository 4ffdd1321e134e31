ecu-csum csum/volvo-me7-1m-bad.bin.gz csum/no-such-image.bin reads/base.bin
