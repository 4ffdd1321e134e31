ecu-csum
