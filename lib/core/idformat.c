/* SPDX-License-Identifier: MIT */
/* The formats of identification values (core/idformat.h). */
#include "idformat.h"

#include <string.h>

#include "idsink.h"
#include "text.h"

int ecu__bosch_hw(const uint8_t *p)
{
    return p[0] == '0' && p[1] == '2' && (p[2] == '6' || p[2] == '8') && p[3] == '1' &&
           id_all(p, 10, 4, 6, id_digit);
}

int ecu__bosch_sw(const uint8_t *p)
{
    if (!id_all(p, 10, 0, 10, id_digit))
        return 0;
    if (memcmp(p, "1037555072", 10) == 0) /* TC1793 constant (PSA EDC17), never a SW number */
        return 0;
    return memcmp(p, "1037", 4) == 0 || memcmp(p, "1039", 4) == 0 ||
           memcmp(p, "1267", 4) == 0 || memcmp(p, "1277", 4) == 0;
}

size_t ecu__vag_part(const uint8_t *p, size_t n)
{
    size_t i, k = 9;
    if (n < 9 || !id_digit(p[0]) || !id_alnum(p[1]) || !id_alnum(p[2]) ||
        !id_all(p, n, 3, 6, id_digit))
        return 0;
    if (p[3] != '9')
        return 0;
    for (i = 0; i < 3 && k < n && id_upper(p[k]); i++)
        k++;
    if (k < n && id_alnum(p[k]))
        return 0;
    return k;
}

size_t ecu__vag_part_at(const uint8_t *d, size_t n, size_t at)
{
    return at < n ? ecu__vag_part(d + at, n - at) : 0;
}

void ecu__bosch_numbers_in_run(struct ecu__idsink *sink, const uint8_t *v, size_t len, size_t s, int rev)
{
    static const char *const src[2][3] = {
        {"Bosch HW and SW numbers back to back", "Bosch hardware number",
         "Bosch software number"},
        {"Bosch HW and SW numbers, digits reversed (M1.x/M3.x)",
         "Bosch hardware number, digits reversed (M1.x/M3.x)",
         "Bosch software number, digits reversed (M1.x/M3.x)"}};
    size_t k = 0;
#define AT(k) ((uint64_t)(rev ? s + len - (k) - 10 : s + (k)))
    while (k + 10 <= len) {
        int hw = ecu__bosch_hw(v + k), sw = !hw && ecu__bosch_sw(v + k);
        if (!hw && !sw) {
            k++;
            continue;
        }
        if (rev && sw && k + 20 <= len && ecu__bosch_hw(v + k + 10)) {
            /* reversed, a HW+SW pair reads SW then HW */
            ecu__id_add(sink, "sw_number", v + k, 10, AT(k), 80, src[1][0]);
            ecu__id_add(sink, "hw_number", v + k + 10, 10, AT(k + 10), 80, src[1][0]);
            k += 20;
            continue;
        }
        if (hw && k + 20 <= len && ecu__bosch_sw(v + k + 10)) {
            unsigned conf = len == 20 ? 90 : 80;
            ecu__id_add(sink, "hw_number", v + k, 10, AT(k), conf, src[rev][0]);
            ecu__id_add(sink, "sw_number", v + k + 10, 10, AT(k + 10), conf, src[rev][0]);
            k += 20;
            continue;
        }
        ecu__id_add(sink, hw ? "hw_number" : "sw_number", v + k, 10, AT(k),
            rev ? 70 : len == 10 ? 60 : k == 0 ? 55 : 50, src[rev][hw ? 1 : 2]);
        k += 10;
    }
#undef AT
}

