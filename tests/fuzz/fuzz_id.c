/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: identification. Any image must be identified without reading outside it;
 * every field has a key, a printable value and a confidence within 0-100; an identity always
 * matches itself when it can be decided.
 */
#include <ecu/id.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ecu_id *id = ecu_id_new();
    size_t i;
    if (!id)
        return 0;
    if (ecu_id_analyze(id, data, size) == ECU_OK) {
        for (i = 0; i < ecu_id_field_count(id); i++) {
            const ecu_id_field *f = ecu_id_field_at(id, i);
            const char *p;
            if (!f->key || !f->value || !f->source || !f->value[0] || f->confidence > 100)
                abort();
            for (p = f->value; *p; p++)
                if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
                    abort();
            if (f->offset != ECU_ID_NO_OFFSET && f->offset >= size)
                abort();
            if (strcmp(f->key, "vin") == 0 && ecu_vin_check_digit(f->value) == 0)
                abort();
        }
        if (ecu_id_compare(id, id, NULL, NULL) == ECU_ID_DIFFERENT)
            abort();
    }
    ecu_id_free(id);
    return 0;
}
