ecu-cmp reads/base.bin reads/truncated.s19
