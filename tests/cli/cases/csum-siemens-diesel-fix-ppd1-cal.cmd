ecu-csum --fix -o /nonexistent/out.bin csum/siemens-ppd1-cal.bin.gz
