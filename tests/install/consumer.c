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
    ecu_image_free(img);
    printf("consumer ok: libecu %s\n", ecu_version_string());
    return 0;
}
