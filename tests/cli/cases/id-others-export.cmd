ecu-id --format export csum/denso-subaru-512k.bin.gz csum/denso-subaru-diesel-1m.bin.gz csum/ms4x-ms43-512k.bin.gz csum/marelli-iaw-1av.bin.gz csum/delphi-multec-s.bin.gz
