/* SPDX-License-Identifier: MIT */
/*
 * The floor of a one-process-per-file checksum check (bench/me7sum.sh): a process that maps
 * FILE (MAP_POPULATE, as lib/io/image.c does), computes a CRC-32 (reflected 0xEDB88320, as
 * zlib's crc32; slicing by 8) over every byte and prints it. Links nothing but libc, so its
 * start-up is the least a dynamically linked program pays. Never used as a test.
 *   floor_crc FILE
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t tab[8][256];

static void make_table(void)
{
    unsigned i, k;
    for (i = 0; i < 256; i++) {
        uint32_t c = i;
        for (k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        tab[0][i] = c;
    }
    for (i = 0; i < 256; i++)
        for (k = 1; k < 8; k++)
            tab[k][i] = (tab[k - 1][i] >> 8) ^ tab[0][tab[k - 1][i] & 0xFF];
}

static uint32_t crc32_8(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
        lo ^= c; /* little-endian host */
        c = tab[7][lo & 0xFF] ^ tab[6][(lo >> 8) & 0xFF] ^ tab[5][(lo >> 16) & 0xFF] ^
            tab[4][lo >> 24] ^ tab[3][hi & 0xFF] ^ tab[2][(hi >> 8) & 0xFF] ^
            tab[1][(hi >> 16) & 0xFF] ^ tab[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--)
        c = tab[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

int main(int argc, char **argv)
{
    struct stat st;
    void *map;
    int fd;
    if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) != 0 || st.st_size <= 0)
        return 2;
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED)
        return 2;
    make_table();
    printf("%08x %s\n", (unsigned)crc32_8(map, (size_t)st.st_size), argv[1]);
    return 0;
}
