ecu-verify 
