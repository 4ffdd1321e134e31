ecu-id --match csum/ms4x-ms43-512k.bin.gz csum/ms4x-ms43-512k-bad.bin.gz
