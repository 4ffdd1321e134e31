ecu-csum --fix -o /nonexistent/out.bin csum/keihin-m16c-64k.bin.gz
