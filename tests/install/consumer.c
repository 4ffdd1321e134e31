/* A program built against the installed libecu: the header and the library agree. */
#include <ecu/ecu.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    static const char hex[] = ":0400000001020304F2\n:00000001FF\n";
    ecu_image *img = ecu_image_new();
    int rc;
    if (ecu_version_number() != ECU_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", ECU_VERSION_STRING, ecu_version_string());
        return 1;
    }
    rc = ecu_image_load_buffer(img, hex, strlen(hex));
    if (rc != ECU_OK || ecu_image_size(img) != 4 || ecu_image_data(img)[3] != 4) {
        fprintf(stderr, "load failed: %s\n", ecu_strerror(rc));
        return 1;
    }
    {
        /* the checksum engine (every family, Nettle's RSA among them) and the fingerprint
           (libxxhash): a static link needs all of libecu.pc's Requires.private */
        char fp[33];
        ecu_csum *cs = ecu_csum_new();
        if (!cs || ecu_csum_analyze(cs, ecu_image_data(img), ecu_image_size(img)) != ECU_OK) {
            fprintf(stderr, "checksum analysis failed\n");
            return 1;
        }
        ecu_csum_free(cs);
        ecu_fingerprint_hex(ecu_image_data(img), ecu_image_size(img), fp);
        if (strlen(fp) != 32) {
            fprintf(stderr, "bad fingerprint\n");
            return 1;
        }
    }
    ecu_image_free(img);
    printf("consumer ok: libecu %s\n", ecu_version_string());
    return 0;
}
