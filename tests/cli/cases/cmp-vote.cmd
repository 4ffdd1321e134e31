ecu-cmp reads/base.bin reads/vote_a.bin reads/vote_b.bin
