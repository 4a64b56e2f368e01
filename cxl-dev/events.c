/*
 * cxl-dev/events.c - the device's four event logs.
 *
 * Records are the 0x80-byte Common Event Record (CXL 3.0 8.2.9.2.1): a type
 * UUID, length, flags, a non-zero handle, a related handle, a timestamp and
 * 0x50 bytes of type-specific data. A full log drops new records and counts
 * them as overflow with first/last timestamps, which Get Event Records
 * reports (8.2.9.2.2).
 */
#include "cxldev.h"
#include "le.h"

#include <errno.h>
#include <string.h>

/* Byte order as the UUID string reads (how Linux and QEMU lay them out). */
const uint8_t cxf_gen_media_uuid[16] = {0xfb, 0xcd, 0x0a, 0x77, 0xc2, 0x60, 0x41, 0x7f,
                                        0x85, 0xa9, 0x08, 0x8b, 0x16, 0x21, 0xeb, 0xa6};

uint64_t cxf_dev_timestamp(const struct cxf_dev *d)
{
    return d->clock ? d->clock->now : 0;
}

int cxf_dev_event_add(struct cxf_dev *d, unsigned ld_id, enum cxf_event_log_id log,
                      const uint8_t uuid[16], uint32_t flags, const uint8_t *data,
                      size_t data_len)
{
    if ((unsigned)log >= CXF_LOG_COUNT || data_len > 0x50 || ld_id >= d->num_lds)
        return -EINVAL;
    struct cxf_event_log *l = &d->ld[ld_id].log[log];
    uint64_t now = cxf_dev_timestamp(d);
    if (l->count == CXF_EVENT_LOG_CAP) {
        if (l->overflow_count == 0)
            l->first_overflow_ts = now;
        if (l->overflow_count < UINT16_MAX)
            l->overflow_count++;
        l->last_overflow_ts = now;
        return -ENOSPC;
    }
    uint8_t *r = l->rec[(l->head + l->count) % CXF_EVENT_LOG_CAP];
    memset(r, 0, CXF_EVENT_RECORD_SIZE);
    memcpy(r, uuid, 16);
    r[0x10] = CXF_EVENT_RECORD_SIZE;
    /* Flags bits 1:0 carry the record's severity, equal to its log. */
    cxf_put_le(r + 0x11, 3, (flags & ~3u) | (uint32_t)log);
    if (++l->next_handle == 0)
        l->next_handle = 1; /* handle 0 is never valid */
    cxf_put_le16(r + 0x14, l->next_handle);
    cxf_put_le64(r + 0x18, now);
    if (data_len)
        memcpy(r + 0x30, data, data_len);
    l->count++;
    return 0;
}

/* General Media Event record data (CXL 3.0 8.2.9.2.1.1): Physical Address
 * at 0x30 (DPA, bit 0 = volatile), Memory Event Descriptor at 0x38, Memory
 * Event Type at 0x39, Transaction Type at 0x3A; channel/rank/device/component
 * are not modelled, so Validity Flags (0x3B) stay 0. */
int cxf_dev_gen_media_event(struct cxf_dev *d, enum cxf_event_log_id log, uint64_t dpa,
                            uint8_t descriptor, uint8_t type, uint8_t transaction)
{
    uint8_t data[0x50] = {0};
    unsigned ld = 0;
    uint64_t ld_dpa = dpa;
    cxf_dev_dpa_owner(d, dpa, &ld, &ld_dpa);
    uint64_t addr = ld_dpa & ~(uint64_t)(CXF_LINE_SIZE - 1);
    if (dpa < d->volatile_bytes)
        addr |= 1; /* the DPA lies in volatile capacity */
    cxf_put_le64(data + 0x00, addr);
    data[0x08] = descriptor;
    data[0x09] = type;
    data[0x0A] = transaction;
    return cxf_dev_event_add(d, ld, log, cxf_gen_media_uuid, 0, data, sizeof(data));
}
