ecu-csum csum/delphi-multec-dmrw.bin.gz
