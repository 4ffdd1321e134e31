ecu-csum --fix -o /nonexistent/out.bin reads/base.bin
