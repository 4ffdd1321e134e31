ecu-csum -o /nonexistent/out.bin csum/edc16-512k-bad.bin.gz
