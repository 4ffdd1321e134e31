ecu-verify --audit-check verify/audit-good.log
