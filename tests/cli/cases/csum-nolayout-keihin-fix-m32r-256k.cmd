ecu-csum --fix -o /nonexistent/out.bin csum/keihin-m32r-256k.bin.gz
