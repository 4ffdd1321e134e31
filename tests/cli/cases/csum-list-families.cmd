ecu-csum --list-families
