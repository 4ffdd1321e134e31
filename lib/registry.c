/* SPDX-License-Identifier: MIT */
/*
 * The family registry (after libblkid's superblocks table): the ordered table of families,
 * cheap and specific detectors first, and the probe loop that the engines (lib/csum.c,
 * lib/id.c) use to find an image's family.
 */
#include "registry.h"

#include <stdio.h>
#include <string.h>

/* The families, each in lib/families/NAME.c */
extern const struct family ecu__family_bosch_edc15;
extern const struct family ecu__family_bosch_edc16;
extern const struct family ecu__family_bosch_edc17;
extern const struct family ecu__family_bosch_me7_vag;
extern const struct family ecu__family_bosch_me7_volvo;
extern const struct family ecu__family_bosch_m1x_bmw;
extern const struct family ecu__family_bosch_dme_bmw;
extern const struct family ecu__family_bosch_m43_volvo;
extern const struct family ecu__family_bosch_m44_volvo;
extern const struct family ecu__family_bosch_m3x_m5x;
extern const struct family ecu__family_bosch_m797;
extern const struct family ecu__family_bosch_m797_china;
extern const struct family ecu__family_bosch_m798;
extern const struct family ecu__family_bosch_me745;
extern const struct family ecu__family_siemens_ms42;
extern const struct family ecu__family_siemens_ms43;
extern const struct family ecu__family_siemens_ms45;
extern const struct family ecu__family_denso_subaru;
extern const struct family ecu__family_denso_mazda_nc;
extern const struct family ecu__family_denso_mazdaspeed6;
extern const struct family ecu__family_mitsubishi_evox;
extern const struct family ecu__family_delphi_multec;
extern const struct family ecu__family_delphi_multec_s;
extern const struct family ecu__family_marelli_iaw_1ap;
extern const struct family ecu__family_marelli_iaw_1av;
extern const struct family ecu__family_marelli_iaw_4lv;
extern const struct family ecu__family_marelli_mjd_6jf;
extern const struct family ecu__family_hitachi_nissan;
extern const struct family ecu__family_continental_simos;
extern const struct family ecu__family_sim2k;
/* forced-only (never detected): lib/families/siemens_gs20.c, hitachi_subaru.c */
extern const struct family ecu__family_siemens_gs20;
extern const struct family ecu__family_hitachi_subaru_sh72543r;


const struct family *const ecu__families[] = {
    &ecu__family_bosch_edc16,
    &ecu__family_bosch_edc17,
    &ecu__family_bosch_me7_vag,
    &ecu__family_bosch_me7_volvo,
    &ecu__family_bosch_m797,
    &ecu__family_bosch_m797_china,
    &ecu__family_bosch_m798,
    &ecu__family_bosch_me745,
    &ecu__family_siemens_ms43,
    &ecu__family_siemens_ms42,
    &ecu__family_siemens_ms45,
    &ecu__family_bosch_edc15,
    &ecu__family_bosch_m1x_bmw,
    &ecu__family_bosch_dme_bmw,
    &ecu__family_bosch_m43_volvo,
    &ecu__family_bosch_m44_volvo,
    &ecu__family_bosch_m3x_m5x,
    &ecu__family_denso_subaru,
    &ecu__family_denso_mazda_nc,
    &ecu__family_denso_mazdaspeed6,
    &ecu__family_mitsubishi_evox,
    &ecu__family_hitachi_nissan,
    &ecu__family_continental_simos,
    &ecu__family_sim2k,
    /* identification only (no layout): Delphi and Magneti Marelli */
    &ecu__family_delphi_multec,
    &ecu__family_delphi_multec_s,
    &ecu__family_marelli_iaw_1ap,
    &ecu__family_marelli_iaw_1av,
    &ecu__family_marelli_iaw_4lv,
    &ecu__family_marelli_mjd_6jf,
    /* forced-only: never detected (no public signature), used when named with --family */
    &ecu__family_siemens_gs20,
    &ecu__family_hitachi_subaru_sh72543r,
};

const size_t ecu__nfamilies = sizeof ecu__families / sizeof ecu__families[0];

size_t ecu_family_count(void) { return ecu__nfamilies; }

const ecu_family_info *ecu_family_at(size_t i)
{
    return i < ecu__nfamilies ? &ecu__families[i]->info : NULL;
}

const struct family *ecu__find_family(const char *name)
{
    size_t i;
    for (i = 0; i < ecu__nfamilies; i++)
        if (strcmp(ecu__families[i]->info.name, name) == 0)
            return ecu__families[i];
    return NULL;
}

void ecu__probe(const uint8_t *d, size_t n, struct ecu__probe *p)
{
    size_t i, best = 0, ties = 0;
    char ev[160];
    p->ncand = 0;
    p->family = NULL;
    p->score = 0;
    p->ambiguous = 0;
    p->evidence[0] = '\0';
    for (i = 0; i < ecu__nfamilies && p->ncand < ECU_PROBE_MAX; i++) {
        const struct family *f = ecu__families[i];
        unsigned s;
        if (f->forced_only || n < f->min_size || n > f->max_size || !ecu__magics_ok(f, d, n))
            continue;
        ev[0] = '\0';
        s = f->detect(d, n, ev, sizeof ev);
        if (s < ECU_DETECT_MIN)
            continue;
        p->cand[p->ncand].f = f;
        p->cand[p->ncand].score = s;
        if (!p->ncand || s > p->cand[best].score) {
            best = p->ncand;
            snprintf(p->evidence, sizeof p->evidence, "%s", ev);
        }
        p->ncand++;
    }
    if (!p->ncand)
        return;
    for (i = 0; i < p->ncand; i++)
        ties += p->cand[i].score == p->cand[best].score;
    if (ties > 1) {
        /* keep only the tied candidates, for the caller to report */
        size_t k = 0;
        unsigned top = p->cand[best].score;
        for (i = 0; i < p->ncand; i++)
            if (p->cand[i].score == top)
                p->cand[k++] = p->cand[i];
        p->ncand = k;
        p->ambiguous = 1;
        return;
    }
    p->family = p->cand[best].f;
    p->score = p->cand[best].score;
}
