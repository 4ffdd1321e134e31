ecu-cmp - -
