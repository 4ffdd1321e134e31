ecu-csum --fix -o /nonexistent/out.bin csum/siemens-sid803a.bin.gz
