/*
 * cxl-dev/le.h - little-endian payload field access.
 *
 * CXL mailbox and FM-API payloads are byte arrays with little-endian
 * multi-byte fields at fixed offsets (CXL 3.0 8.2.9, 7.6.7). These helpers
 * read and write them without alignment assumptions.
 */
#ifndef CXF_LE_H
#define CXF_LE_H

#include <stdint.h>

static inline uint64_t cxf_get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline void cxf_put_le(uint8_t *p, unsigned bytes, uint64_t v)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t cxf_get_le16(const uint8_t *p) { return (uint16_t)cxf_get_le(p, 2); }
static inline uint32_t cxf_get_le32(const uint8_t *p) { return (uint32_t)cxf_get_le(p, 4); }
static inline uint64_t cxf_get_le64(const uint8_t *p) { return cxf_get_le(p, 8); }
static inline void cxf_put_le16(uint8_t *p, uint16_t v) { cxf_put_le(p, 2, v); }
static inline void cxf_put_le32(uint8_t *p, uint32_t v) { cxf_put_le(p, 4, v); }
static inline void cxf_put_le64(uint8_t *p, uint64_t v) { cxf_put_le(p, 8, v); }

#endif /* CXF_LE_H */
