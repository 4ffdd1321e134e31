ecu-csum --list-families --json
