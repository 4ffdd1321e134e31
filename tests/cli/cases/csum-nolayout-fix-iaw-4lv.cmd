ecu-csum --fix -o /nonexistent/out.bin csum/marelli-iaw-4lv.bin.gz
