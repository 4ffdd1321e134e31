/* SPDX-License-Identifier: MIT */
/* The ordered family table: cheap, specific detectors first. */
#include "family_private.h"

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
