ecu-csum --fix -o /nonexistent/out.bin csum/delphi-multec-dmrw.bin.gz
