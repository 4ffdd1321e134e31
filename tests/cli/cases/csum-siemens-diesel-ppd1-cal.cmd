ecu-csum csum/siemens-ppd1-cal.bin.gz
