/* SPDX-License-Identifier: MIT */
/*
 * Replays fuzz inputs without libFuzzer: every file named, or every file in a folder named,
 * is passed to LLVMFuzzerTestOneInput once. Built with the sanitizers, this turns a fuzz
 * corpus into a regression test.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        perror(path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, failures = 0;
    size_t count = 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            struct dirent **list;
            int k, n = scandir(argv[i], &list, NULL, alphasort);
            if (n < 0) {
                perror(argv[i]);
                return 1;
            }
            for (k = 0; k < n; k++) {
                if (list[k]->d_name[0] != '.') {
                    char path[4096];
                    snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
                    failures += run_file(path);
                    count++;
                }
                free(list[k]);
            }
            free(list);
        } else {
            failures += run_file(argv[i]);
            count++;
        }
    }
    if (count == 0) {
        fprintf(stderr, "no inputs to replay\n");
        return 1;
    }
    printf("%zu passed, %d failed\n", count - (size_t)failures, failures);
    return failures != 0;
}
