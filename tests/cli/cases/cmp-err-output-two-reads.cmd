ecu-cmp -o /nonexistent/out.bin reads/base.bin reads/same.bin
