ecu-csum --fix -o /nonexistent/out.bin csum/edc16-512k-bad.bin.gz csum/edc16-2m-bad.bin.gz
