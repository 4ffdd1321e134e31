ecu-verify --audit-check verify/audit.log
