ecu-verify --audit-check verify/no-such.log
