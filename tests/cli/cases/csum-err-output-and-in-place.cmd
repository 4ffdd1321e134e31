ecu-csum --fix -o /nonexistent/out.bin --in-place csum/edc16-512k-bad.bin.gz
