/*
 * cxl-dev/interleave.c - interleave encodings and HPA <-> DPA arithmetic.
 *
 * Encodings (CXL 2.0 8.2.5.12.7 / CXL 3.0 8.2.4.19.7, HDM Decoder n Control
 * Register): Interleave Granularity IG 0..6 means 256 B << IG (256 B to
 * 16 KiB); Interleave Ways IW 0..4 means 1, 2, 4, 8, 16 ways and IW 8, 9, 10
 * means 3, 6, 12 ways (the 3/6/12 encodings arrived with CXL 2.0 ECN and are
 * in CXL 3.0).
 *
 * Device decode (CXL 3.0 8.2.4.19.13, "Implementation Note: Device Decode
 * Logic"): for power-of-two ways
 *     DPAOffset[51:IG+8] = HPAOffset[51:IG+IW+8], DPAOffset[IG+7:0] = HPAOffset[IG+7:0]
 * and for 3, 6 and 12 ways (IW = 8, 9, 10)
 *     DPAOffset[51:IG+8] = HPAOffset[51:IG+IW] / 3, low bits as above.
 * Both say the same thing in granules: with G = HPAOffset >> (IG + 8), the
 * device keeps granule G / ways (integer division). Target selection with
 * modulo arithmetic (CXL 3.0 9.18.1.3, CFMWS Interleave Arithmetic 0) picks
 * position G % ways: for 3*2^k ways that is HPAOffset[51:IG+8+k] mod 3 in the
 * high part and HPAOffset[IG+8+k-1:IG+8] in the low part. So we compute with
 * division and remainder, which is exact for every supported way count.
 */
#include "cxldev.h"

#include <errno.h>

int cxf_iw_encode(unsigned ways, uint8_t *enc)
{
    switch (ways) {
    case 1: *enc = 0; return 0;
    case 2: *enc = 1; return 0;
    case 4: *enc = 2; return 0;
    case 8: *enc = 3; return 0;
    case 16: *enc = 4; return 0;
    case 3: *enc = 8; return 0;
    case 6: *enc = 9; return 0;
    case 12: *enc = 10; return 0;
    default: return -EINVAL;
    }
}

unsigned cxf_iw_ways(uint8_t enc)
{
    if (enc <= 4)
        return 1u << enc;
    if (enc >= 8 && enc <= 10)
        return 3u << (enc - 8);
    return 0; /* reserved encoding */
}

int cxf_ig_encode(uint64_t granularity, uint8_t *enc)
{
    for (uint8_t e = 0; e <= CXF_IG_MAX_ENC; e++) {
        if ((256ull << e) == granularity) {
            *enc = e;
            return 0;
        }
    }
    return -EINVAL;
}

uint64_t cxf_ig_bytes(uint8_t enc)
{
    return enc <= CXF_IG_MAX_ENC ? 256ull << enc : 0;
}

bool cxf_il_valid(unsigned ways, uint64_t granularity)
{
    uint8_t e;
    return cxf_iw_encode(ways, &e) == 0 && cxf_ig_encode(granularity, &e) == 0;
}

unsigned cxf_il_position(uint64_t hpa_off, unsigned ways, uint64_t granularity)
{
    return (unsigned)((hpa_off / granularity) % ways);
}

uint64_t cxf_il_dpa_offset(uint64_t hpa_off, unsigned ways, uint64_t granularity)
{
    uint64_t granule = hpa_off / granularity;
    return (granule / ways) * granularity + hpa_off % granularity;
}

uint64_t cxf_il_hpa_offset(uint64_t dpa_off, unsigned position, unsigned ways, uint64_t granularity)
{
    uint64_t granule = dpa_off / granularity;
    return (granule * ways + position) * granularity + dpa_off % granularity;
}
