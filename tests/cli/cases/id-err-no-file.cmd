ecu-id
