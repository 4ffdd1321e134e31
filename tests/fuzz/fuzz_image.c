/* SPDX-License-Identifier: MIT */
/* Fuzz target: the image loader (format detection, Intel HEX, S-record, gzip). */
#include <ecu/image.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ecu_image *img = ecu_image_new();
    int rc;
    if (!img)
        return 0;
    /* a small span limit keeps hostile address ranges from eating the fuzzer's memory,
       and is itself a code path worth exercising */
    ecu_image_set_max_span(img, (uint64_t)1 << 20);
    rc = ecu_image_load_buffer(img, data, size);
    if (rc == ECU_OK) {
        const uint8_t *p = ecu_image_data(img);
        size_t n = ecu_image_size(img), i;
        unsigned sum = 0;
        if (!p || n == 0)
            abort(); /* success means data */
        for (i = 0; i < n; i++) /* every byte of the image must be readable */
            sum += p[i];
        (void)sum;
    } else if (ecu_image_size(img) != 0 || ecu_image_error_detail(img)[0] == '\0') {
        abort(); /* failure means an empty image and a message */
    }
    ecu_image_free(img);
    return 0;
}
