/*
 * cxl-dev/cxldev.h - public face of the CXL type-3 memory device model.
 *
 * A device has a capacity split into a volatile partition (from DPA 0) and a
 * persistent partition right after it (CXL 3.0 8.2.9.8.2.1, Get Partition
 * Info), real backing memory, a label storage area, and one logical device
 * (SLD) or up to 16 (MLD), each LD owning up to two DPA ranges and its own
 * HDM decoders. It answers the memory-device mailbox command set and carries
 * data on real bytes with poison checked per 64-byte line.
 *
 * Spec references use CXL 3.0 numbering unless stated; CXL 2.0 equivalents
 * are given where the layout first appeared.
 */
#ifndef CXF_CXLDEV_H
#define CXF_CXLDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cci.h"
#include "sim/err.h"
#include "sim/sim.h"

#define CXF_PAGE_SIZE        4096u
#define CXF_LINE_SIZE        64u
#define CXF_CAP_UNIT         (256ull << 20) /* capacity/HDM granularity: 256 MB */
#define CXF_MAX_LDS          16u            /* LD-ID is 4 bits in CXL.mem (7.7.6.6) */
#define CXF_LD_FM_OWNED      0xFFFFu        /* FM-owned LD (7.6.6.3) */
#define CXF_HDM_MAX          32u
#define CXF_IG_MAX_ENC       6u             /* 16 KiB */

/* ----------------------------------------------------------- backing memory */

struct cxf_backing {
    int fd;
    uint8_t *base;
    uint64_t size;
    bool shared_file; /* a path shared with QEMU guests, not a memfd */
};

int cxf_backing_open_memfd(struct cxf_backing *b, const char *name, uint64_t size);
/* Open a file shared with others: an existing regular file at least `size`
 * bytes long, or a new one. -EFBIG: exists but is too short (it is never
 * resized); -EINVAL: a symlink or not a regular file. */
int cxf_backing_open_file(struct cxf_backing *b, const char *path, uint64_t size);
void cxf_backing_close(struct cxf_backing *b);
/* Give pages back to the host (hole punch); they read back as zeros. */
int cxf_backing_release(struct cxf_backing *b, uint64_t off, uint64_t len);
/* Bytes the host really holds for this backing. */
uint64_t cxf_backing_resident(const struct cxf_backing *b);

/* --------------------------------------------------------------- interleave */

int cxf_iw_encode(unsigned ways, uint8_t *enc);  /* -EINVAL if unsupported */
unsigned cxf_iw_ways(uint8_t enc);               /* 0 for a reserved encoding */
int cxf_ig_encode(uint64_t granularity, uint8_t *enc);
uint64_t cxf_ig_bytes(uint8_t enc);              /* 0 for a reserved encoding */
bool cxf_il_valid(unsigned ways, uint64_t granularity);
/* Interleave position of an HPA offset (modulo arithmetic). */
unsigned cxf_il_position(uint64_t hpa_off, unsigned ways, uint64_t granularity);
/* HPA offset -> DPA offset on the device at that offset's position. */
uint64_t cxf_il_dpa_offset(uint64_t hpa_off, unsigned ways, uint64_t granularity);
/* Inverse: DPA offset on the device at `position` -> HPA offset. */
uint64_t cxf_il_hpa_offset(uint64_t dpa_off, unsigned position, unsigned ways,
                           uint64_t granularity);

/* ------------------------------------------------------------- HDM decoders */

/* A device (type-3 endpoint) decoder translates HPA to DPA; a port decoder
 * (host bridge or switch upstream port) selects a downstream target. */
enum cxf_hdm_kind { CXF_HDM_DEVICE, CXF_HDM_PORT };

/* Why a decoder did not commit (the detail behind Error Not Committed). */
enum cxf_hdm_error {
    CXF_HDM_OK = 0,
    CXF_HDM_E_INDEX,         /* no such decoder */
    CXF_HDM_E_LOCKED,        /* locked by Lock On Commit until reset */
    CXF_HDM_E_COMMITTED,     /* registers change only while not committed */
    CXF_HDM_E_NOT_COMMITTED, /* uncommit of a decoder that is not committed */
    CXF_HDM_E_ORDER,         /* commit m+1 before m, or uncommit below the top */
    CXF_HDM_E_ALIGN,         /* base or size not a multiple of 256 MB */
    CXF_HDM_E_WRAP,          /* base + size wraps or passes HPA bit 52 */
    CXF_HDM_E_WAYS,          /* interleave ways not supported here */
    CXF_HDM_E_GRANULARITY,   /* interleave granularity not 256 B..16 KiB */
    CXF_HDM_E_HPA_ORDER,     /* base below the previous decoder's end */
    CXF_HDM_E_SIZE_WAYS,     /* 3/6/12-way size not a multiple of 3 x 256 MB */
    CXF_HDM_E_DPA_RANGE,     /* DPA skip/size run past the device capacity */
    CXF_HDM_E_TARGETS,       /* port targets missing or not distinct */
    CXF_HDM_E_POSITION,      /* device position not below the way count */
    CXF_HDM_E_BASE_WAYS,     /* 3/6/12-way base not a multiple of ways x 256 MB */
};

struct cxf_hdm_prog {
    uint64_t base;          /* HPA, multiple of 256 MB */
    uint64_t size;          /* bytes, multiple of 256 MB; 0 decodes nothing */
    unsigned ways;          /* 1,2,4,8,16 or 3,6,12 */
    uint64_t granularity;   /* 256 B .. 16 KiB, power of two */
    uint64_t dpa_skip;      /* device: DPA left unmapped before this decoder */
    unsigned position;      /* device: its interleave position (emulator
                               bookkeeping, checked on decode) */
    uint8_t targets[8];     /* port: downstream port id per way */
    bool lock_on_commit;
};

struct cxf_hdm_decoder {
    struct cxf_hdm_prog prog;
    bool committed;
    bool error_not_committed;
    bool locked;
    enum cxf_hdm_error err;  /* last commit failure */
    uint64_t dpa_base;       /* device: first DPA this decoder maps */
    uint64_t dpa_size;       /* device: size / ways */
};

struct cxf_hdm {
    enum cxf_hdm_kind kind;
    unsigned count;         /* decoders present (capability Decoder Count) */
    unsigned target_count;  /* port: Target Count (1,2,4,8) */
    bool cap_3_6_12;        /* device: 3/6/12-way capable (capability bit 11) */
    bool cap_16;            /* device: 16-way capable (capability bit 12) */
    uint64_t dpa_capacity;  /* device: DPA space the decoders may map */
    uint64_t generation;    /* bumped on every commit/uncommit/reset */
    uint64_t resets;        /* conventional resets so far (an LD unbound and rebound) */
    uint64_t *notify;       /* optional: also bumped (a fabric's generation) */
    struct cxf_hdm_decoder dec[CXF_HDM_MAX];
};

struct cxf_hdm_hit {
    unsigned decoder;
    uint64_t dpa;           /* device decoders */
    unsigned position;      /* interleave position of the HPA */
    uint8_t target;         /* port decoders: the selected port id */
};

/* count must be a Decoder Count the capability register can express
 * (1,2,4,6,8,10 for devices; up to 32 for ports). */
int cxf_hdm_init(struct cxf_hdm *h, enum cxf_hdm_kind kind, unsigned count,
                 unsigned target_count, uint64_t dpa_capacity);
bool cxf_hdm_count_valid(enum cxf_hdm_kind kind, unsigned count);
int cxf_hdm_program(struct cxf_hdm *h, unsigned idx, const struct cxf_hdm_prog *p);
/* 0 on success; -EINVAL with dec[idx].err and error_not_committed set when a
 * rule is broken; -EPERM when locked; -EBUSY when already committed. */
int cxf_hdm_commit(struct cxf_hdm *h, unsigned idx);
int cxf_hdm_uncommit(struct cxf_hdm *h, unsigned idx);
/* Conventional reset: every decoder uncommitted, unlocked and cleared. */
void cxf_hdm_reset(struct cxf_hdm *h);
unsigned cxf_hdm_committed_count(const struct cxf_hdm *h);
/* 0 and *hit filled; -ENOENT if no committed decoder covers hpa; -EXDEV if a
 * device decoder covers it but the HPA belongs to another position. */
int cxf_hdm_decode(const struct cxf_hdm *h, uint64_t hpa, struct cxf_hdm_hit *hit);
const char *cxf_hdm_strerror(enum cxf_hdm_error e);

/* ------------------------------------------------------------ the device */

enum cxf_event_log_id {
    CXF_LOG_INFO = 0,
    CXF_LOG_WARN = 1,
    CXF_LOG_FAIL = 2,
    CXF_LOG_FATAL = 3,
    CXF_LOG_COUNT = 4,
};

#define CXF_EVENT_RECORD_SIZE 0x80u
#define CXF_EVENT_LOG_CAP     32u   /* records per log, reported by Identify */

struct cxf_event_log {
    uint8_t rec[CXF_EVENT_LOG_CAP][CXF_EVENT_RECORD_SIZE];
    unsigned head;            /* oldest record */
    unsigned count;
    uint16_t next_handle;     /* handles are never 0 */
    uint16_t overflow_count;
    uint64_t first_overflow_ts;
    uint64_t last_overflow_ts;
};

/* Media Error Record error sources (CXL 3.0 8.2.9.8.4.1; r3.2 Table 8-155). */
enum cxf_poison_source {
    CXF_POISON_UNKNOWN = 0,
    CXF_POISON_EXTERNAL = 1, /* poisoned data written over CXL.mem */
    CXF_POISON_INTERNAL = 2, /* detected by the device */
    CXF_POISON_INJECTED = 3, /* Inject Poison command */
    CXF_POISON_VENDOR = 7,
};

struct cxf_poison_entry {
    uint64_t dpa;            /* device-wide DPA of a 64-byte line */
    uint8_t source;
    bool listed;             /* in the list Get Poison List reports */
};

/*
 * Every poisoned line of the media, sorted by DPA. The data path checks all
 * of them. The list the mailbox reports holds at most max_records lines;
 * lines poisoned beyond that stay poisoned but unlisted, and the list says
 * Overflow, with the time it first overflowed (CXL 3.0 8.2.9.8.4.1).
 */
struct cxf_poison_list {
    struct cxf_poison_entry *e;
    size_t n;
    size_t cap;
    size_t listed;            /* entries with listed set */
    size_t max_records;       /* Poison List Maximum Media Error Records */
    unsigned inject_limit;    /* Inject Poison Limit (0 = none) */
    bool overflow;
    uint64_t overflow_ts;
};

/* Where a Get Poison List that answered "More Media Error Records" resumes
 * when the host repeats the same request. */
struct cxf_poison_cursor {
    bool active;
    uint64_t start, lines;    /* the request it continues */
    uint64_t next;            /* LD-relative DPA of the first unreported line */
    uint64_t generation;      /* poison state it was taken at */
};

struct cxf_health {
    uint8_t health_status;     /* bit0 maint needed, bit1 perf degraded, bit2 replace */
    uint8_t media_status;      /* 0 normal */
    uint8_t additional_status;
    uint8_t life_used;         /* percent, 0xFF not implemented */
    int16_t temperature;       /* Celsius, 0x7FFF not implemented */
    uint32_t dirty_shutdowns;
    uint32_t corrected_volatile;
    uint32_t corrected_persistent;
};

struct cxf_media_timing {
    uint32_t read_ns;     /* media read latency */
    uint32_t write_ns;    /* media write (acknowledge) latency */
    uint64_t bandwidth;   /* internal media bandwidth, bytes/s */
};

struct cxf_dpa_range {
    uint64_t base;        /* device-wide DPA */
    uint64_t size;
};

struct cxf_ld {
    uint16_t id;
    struct cxf_dpa_range range[2]; /* Range 1 and Range 2 allocations */
    struct cxf_hdm hdm;
    struct cxf_event_log log[CXF_LOG_COUNT]; /* each LD reports to its own host */
    struct cxf_poison_cursor poison_cursor;
};

struct cxf_dev_config {
    const char *name;
    uint64_t volatile_bytes;    /* multiple of 256 MB */
    uint64_t persistent_bytes;  /* multiple of 256 MB */
    uint32_t lsa_bytes;         /* label storage area size */
    unsigned lds;               /* 0: single logical device; 1..16: MLD */
    unsigned decoders;          /* HDM decoders per LD */
    const char *backing_path;   /* NULL: a private memfd */
    uint64_t serial;
    struct cxf_media_timing timing; /* zero fields take the calibrated defaults */
};

struct cxf_dev {
    char name[32];
    uint64_t serial;
    uint64_t capacity;
    uint64_t volatile_bytes;
    uint64_t persistent_bytes;
    struct cxf_backing mem;
    uint8_t *lsa;
    uint32_t lsa_size;
    bool mld;
    unsigned num_lds;
    struct cxf_ld ld[CXF_MAX_LDS];
    struct cxf_poison_list poison;
    uint64_t generation;         /* bumped on poison and LD allocation changes */
    uint64_t *notify;            /* optional: bumped with it (a fabric's generation) */
    struct cxf_health health;
    struct cxf_media_timing timing;
    struct cxf_queue media;        /* internal bandwidth */
    const struct cxf_sim *clock; /* optional: timestamps for events */
    uint64_t reads, writes, poison_hits;
};

void cxf_dev_config_default(struct cxf_dev_config *c);
int cxf_dev_create(struct cxf_dev **out, const struct cxf_dev_config *c, struct cxf_err *e);
void cxf_dev_destroy(struct cxf_dev *d);
struct cxf_ld *cxf_dev_ld(struct cxf_dev *d, unsigned ld_id);
uint64_t cxf_ld_size(const struct cxf_ld *ld);
/* How much of an LD lies in the volatile partition (the rest is persistent);
 * LD ranges are in DPA order, so LD-relative DPAs below this are volatile. */
uint64_t cxf_ld_volatile_bytes(const struct cxf_dev *d, const struct cxf_ld *ld);
/* Replace an LD's allocation (Set LD Allocations). Ranges must lie inside
 * the device, be 256 MB multiples and not overlap other LDs. */
int cxf_dev_set_ld_ranges(struct cxf_dev *d, unsigned ld_id, const struct cxf_dpa_range r[2],
                          struct cxf_err *e);
/* LD-relative DPA -> device-wide DPA; -EFAULT when [ld_dpa, +len) is not
 * wholly inside the LD (a request may not straddle its two ranges). */
int cxf_dev_ld_dpa(const struct cxf_dev *d, unsigned ld_id, uint64_t ld_dpa, uint64_t len,
                   uint64_t *dpa);

/* Data path on real bytes (device-wide DPA). len is one 64-byte line or a
 * whole 4 KiB page, naturally aligned. Reads of a poisoned line return
 * -EHWPOISON (the S2M DRS carries Poison=1) after copying the data. A write
 * with poison=true marks the lines poisoned (source External); a clean
 * full-line write replaces the data and clears the line's poison, as an ECC
 * rewrite does. -EINVAL misaligned or wrong size, -EFAULT out of range. */
int cxf_dev_read(struct cxf_dev *d, uint64_t dpa, void *buf, size_t len);
int cxf_dev_write(struct cxf_dev *d, uint64_t dpa, const void *buf, size_t len, bool poison);
/* Host pointer to a DPA for cached translations (no checks: callers hold a
 * translation validated against the generation). */
static inline uint8_t *cxf_dev_mem(struct cxf_dev *d, uint64_t dpa)
{
    return d->mem.base + dpa;
}

/* Media timing: when an access of `bytes` issued at `now` completes, with
 * the media busy for bytes/bandwidth (requests queue behind each other). */
cxf_time_t cxf_dev_media_access(struct cxf_dev *d, cxf_time_t now, uint64_t bytes, bool write);

/* Point every change notification of the device (poison, LD ranges, the
 * HDM decoders of every LD) at one counter. */
void cxf_dev_set_notify(struct cxf_dev *d, uint64_t *counter);
/* Bump the device's change counters (generation and notify). */
void cxf_dev_changed(struct cxf_dev *d);

/* Give a DPA range back to the host: it reads as zeros afterwards and any
 * poison in it is gone with the old contents. Page-aligned. */
int cxf_dev_release(struct cxf_dev *d, uint64_t dpa, uint64_t len);

/* Poison (device-wide DPAs of 64-byte lines). */
bool cxf_poison_test(const struct cxf_poison_list *pl, uint64_t dpa, uint64_t len);
/* Index of the first poisoned line in [dpa, dpa + len), or -1. */
long cxf_poison_first(const struct cxf_poison_list *pl, uint64_t dpa, uint64_t len);
int cxf_dev_poison_add(struct cxf_dev *d, uint64_t dpa, enum cxf_poison_source src);
int cxf_dev_poison_clear(struct cxf_dev *d, uint64_t dpa);

/* Which LD owns a device-wide DPA, and the DPA as that LD sees it;
 * -ENOENT for capacity no LD is allocated. */
int cxf_dev_dpa_owner(const struct cxf_dev *d, uint64_t dpa, unsigned *ld_id, uint64_t *ld_dpa);

/* Event logs (per LD). */
int cxf_dev_event_add(struct cxf_dev *d, unsigned ld_id, enum cxf_event_log_id log,
                      const uint8_t uuid[16], uint32_t flags, const uint8_t *data,
                      size_t data_len);
uint64_t cxf_dev_timestamp(const struct cxf_dev *d);
/* General Media Event values (CXL 3.0 8.2.9.2.1.1). */
#define CXF_GM_DESC_UNCORRECTABLE   0x01
#define CXF_GM_TYPE_ECC_ERROR       0x00
#define CXF_GM_TYPE_INVALID_ADDRESS 0x01
#define CXF_GM_XACT_HOST_READ       0x01
#define CXF_GM_XACT_HOST_WRITE      0x02
#define CXF_GM_XACT_INJECT_POISON   0x04
/* A General Media Event about device-wide `dpa`, logged by the LD that owns
 * it with the DPA as that LD sees it (LD 0 for unallocated capacity). */
int cxf_dev_gen_media_event(struct cxf_dev *d, enum cxf_event_log_id log, uint64_t dpa,
                            uint8_t descriptor, uint8_t type, uint8_t transaction);

/* Mailbox: run one memory-device command on logical device ld_id. */
uint16_t cxf_dev_mbox(struct cxf_dev *d, unsigned ld_id, struct cxf_cci_req *req);
const struct cxf_cci_cmd *cxf_dev_mbox_commands(size_t *n);

/* Opcodes: events 8.2.9.2, logs 8.2.9.5, memory device 8.2.9.8 (CXL 3.0);
 * the opcode table is r3.2 Table 8-141. */
#define CXF_OP_GET_EVENT_RECORDS     0x0100
#define CXF_OP_CLEAR_EVENT_RECORDS   0x0101
#define CXF_OP_GET_SUPPORTED_LOGS    0x0400
#define CXF_OP_GET_LOG               0x0401
#define CXF_OP_IDENTIFY_MEMORY_DEVICE 0x4000
#define CXF_OP_GET_PARTITION_INFO    0x4100
#define CXF_OP_GET_LSA               0x4102
#define CXF_OP_SET_LSA               0x4103
#define CXF_OP_GET_HEALTH_INFO       0x4200
#define CXF_OP_GET_POISON_LIST       0x4300
#define CXF_OP_INJECT_POISON         0x4301
#define CXF_OP_CLEAR_POISON          0x4302

/* The Command Effects Log's identifier (CXL 3.0 8.2.9.5.2.1; r3.2 Table 8-83). */
extern const uint8_t cxf_cel_uuid[16];
/* General Media Event record type (CXL 3.0 8.2.9.2.1.1). */
extern const uint8_t cxf_gen_media_uuid[16];

#endif /* CXF_CXLDEV_H */
