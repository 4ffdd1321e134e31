ecu-csum --fix -o /nonexistent/out.bin csum/marelli-iaw-1av.bin.gz
