ecu-id --match csum/denso-subaru-512k.bin.gz csum/denso-subaru-512k-bad.bin.gz
