ecu-cmp -l reads/base.bin reads/vote_b.bin reads/vote_c.bin
