/* Memory-device mailbox: every command's success path and every error path
 * (opcodes, payload lengths, ranges, handles, limits). */
#include "cmocka_all.h"
#include "cxl-dev/cxldev.h"
#include "cxl-dev/le.h"

#include <errno.h>
#include <string.h>

#define GB (1ull << 30)

static struct cxf_dev *dev;
static uint8_t out[CXF_MBOX_PAYLOAD_MAX];
static size_t out_len;

static int setup(void **state)
{
    (void)state;
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.volatile_bytes = GB;
    c.persistent_bytes = 512ull << 20;
    c.lsa_bytes = 4096;
    return cxf_dev_create(&dev, &c, NULL);
}

static int teardown(void **state)
{
    (void)state;
    cxf_dev_destroy(dev);
    dev = NULL;
    return 0;
}

/* Replace the test's device by one of another shape (teardown frees it). */
static void use_device(uint64_t vol, uint64_t pers, unsigned lds, uint32_t lsa)
{
    struct cxf_dev_config c;
    cxf_dev_config_default(&c);
    c.volatile_bytes = vol;
    c.persistent_bytes = pers;
    c.lds = lds;
    c.lsa_bytes = lsa;
    cxf_dev_destroy(dev);
    assert_int_equal(cxf_dev_create(&dev, &c, NULL), 0);
}

static uint16_t run_ld(unsigned ld, uint16_t op, const void *in, size_t in_len)
{
    struct cxf_cci_req req = {.opcode = op, .in = in, .in_len = in_len, .out = out};
    memset(out, 0xEE, sizeof(out));
    uint16_t rc = cxf_dev_mbox(dev, ld, &req);
    out_len = req.out_len;
    return rc;
}

static uint16_t run(uint16_t op, const void *in, size_t in_len)
{
    return run_ld(0, op, in, in_len);
}

static void test_unknown_opcode_and_lengths(void **state)
{
    (void)state;
    uint8_t in[0x50] = {0};
    assert_int_equal(run(0x4400, NULL, 0), CXF_RC_UNSUPPORTED); /* sanitize: not here */
    assert_int_equal(run(0xFFFF, NULL, 0), CXF_RC_UNSUPPORTED);
    /* fixed-size commands reject any other length */
    assert_int_equal(run(CXF_OP_IDENTIFY_MEMORY_DEVICE, in, 1), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_PARTITION_INFO, in, 4), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_LSA, in, 7), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_HEALTH_INFO, in, 2), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_POISON_LIST, in, 8), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_INJECT_POISON, in, 16), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_CLEAR_POISON, in, 0x40), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_EVENT_RECORDS, in, 0), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_SUPPORTED_LOGS, in, 1), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_GET_LOG, in, 0x10), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_SET_LSA, in, 7), CXF_RC_INVALID_PAYLOAD_LENGTH);
    assert_int_equal(run(CXF_OP_CLEAR_EVENT_RECORDS, in, 5), CXF_RC_INVALID_PAYLOAD_LENGTH);
    in[2] = 2; /* claims two handles but carries one */
    assert_int_equal(run(CXF_OP_CLEAR_EVENT_RECORDS, in, 8), CXF_RC_INVALID_PAYLOAD_LENGTH);
    /* oversized input */
    static uint8_t big[CXF_MBOX_PAYLOAD_MAX + 1];
    assert_int_equal(run(CXF_OP_SET_LSA, big, sizeof(big)), CXF_RC_INVALID_PAYLOAD_LENGTH);
    /* a failed command returns no payload */
    assert_int_equal(out_len, 0);
    /* no such LD */
    assert_int_equal(run_ld(1, CXF_OP_IDENTIFY_MEMORY_DEVICE, NULL, 0), CXF_RC_UNSUPPORTED_MAILBOX);
    assert_string_equal(cxf_mbox_rc_name(CXF_RC_INVALID_PAYLOAD_LENGTH), "Invalid Payload Length");
    assert_string_equal(cxf_mbox_rc_name(0x7777), "Reserved return code");
}

static void test_identify_and_partition(void **state)
{
    (void)state;
    assert_int_equal(run(CXF_OP_IDENTIFY_MEMORY_DEVICE, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0x45);
    assert_int_equal(cxf_get_le64(out + 0x10), 6); /* 1.5 GiB in 256 MB units */
    assert_int_equal(cxf_get_le64(out + 0x18), 4);
    assert_int_equal(cxf_get_le64(out + 0x20), 2);
    assert_int_equal(cxf_get_le64(out + 0x28), 0);
    assert_int_equal(cxf_get_le16(out + 0x30), CXF_EVENT_LOG_CAP);
    assert_int_equal(cxf_get_le32(out + 0x38), 4096);
    assert_int_equal(cxf_get_le(out + 0x3C, 3), 256);
    assert_int_equal(cxf_get_le16(out + 0x3F), 64);
    assert_int_equal(run(CXF_OP_GET_PARTITION_INFO, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0x20);
    assert_int_equal(cxf_get_le64(out + 0), 4);
    assert_int_equal(cxf_get_le64(out + 8), 2);
    assert_int_equal(cxf_get_le64(out + 16), 0);
    assert_int_equal(cxf_get_le64(out + 24), 0);
}

static void test_health(void **state)
{
    (void)state;
    dev->health = (struct cxf_health){.health_status = 0x05, .media_status = 0x02,
                                      .additional_status = 0x19, .life_used = 12,
                                      .temperature = -5, .dirty_shutdowns = 3,
                                      .corrected_volatile = 0x11223344,
                                      .corrected_persistent = 0x55667788};
    assert_int_equal(run(CXF_OP_GET_HEALTH_INFO, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0x12);
    assert_int_equal(out[0], 0x05);
    assert_int_equal(out[1], 0x02);
    assert_int_equal(out[2], 0x19);
    assert_int_equal(out[3], 12);
    assert_int_equal((int16_t)cxf_get_le16(out + 4), -5);
    assert_int_equal(cxf_get_le32(out + 6), 3);
    assert_int_equal(cxf_get_le32(out + 0x0A), 0x11223344);
    assert_int_equal(cxf_get_le32(out + 0x0E), 0x55667788);
}

static void test_lsa(void **state)
{
    (void)state;
    uint8_t in[8 + 100];
    cxf_put_le32(in, 4000);
    cxf_put_le32(in + 4, 0);
    for (int i = 0; i < 96; i++)
        in[8 + i] = (uint8_t)i;
    assert_int_equal(run(CXF_OP_SET_LSA, in, 8 + 96), CXF_RC_SUCCESS);
    assert_int_equal(run(CXF_OP_SET_LSA, in, 8 + 97), CXF_RC_INVALID_INPUT); /* 4000+97 > 4096 */
    uint8_t get[8];
    cxf_put_le32(get, 4000);
    cxf_put_le32(get + 4, 96);
    assert_int_equal(run(CXF_OP_GET_LSA, get, 8), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 96);
    assert_memory_equal(out, in + 8, 96);
    cxf_put_le32(get + 4, 97);
    assert_int_equal(run(CXF_OP_GET_LSA, get, 8), CXF_RC_INVALID_INPUT);
    cxf_put_le32(get, 0xFFFFFFFF);
    cxf_put_le32(get + 4, 2);
    assert_int_equal(run(CXF_OP_GET_LSA, get, 8), CXF_RC_INVALID_INPUT);
    cxf_put_le32(get, 0);
    cxf_put_le32(get + 4, CXF_MBOX_PAYLOAD_MAX + 1); /* longer than the payload */
    assert_int_equal(run(CXF_OP_GET_LSA, get, 8), CXF_RC_INVALID_INPUT);
    cxf_put_le32(get + 4, 0);
    assert_int_equal(run(CXF_OP_GET_LSA, get, 8), CXF_RC_SUCCESS);
    assert_int_equal(out_len, 0);
}

static uint16_t inject(uint64_t dpa)
{
    uint8_t in[8];
    cxf_put_le64(in, dpa);
    return run(CXF_OP_INJECT_POISON, in, 8);
}

static uint16_t poison_list(uint64_t start, uint64_t lines)
{
    uint8_t in[16];
    cxf_put_le64(in, start);
    cxf_put_le64(in + 8, lines);
    return run(CXF_OP_GET_POISON_LIST, in, 16);
}

static void test_poison_commands(void **state)
{
    (void)state;
    uint64_t cap = 1536ull << 20;
    assert_int_equal(inject(0x1000), CXF_RC_SUCCESS);
    assert_int_equal(inject(0x1040), CXF_RC_SUCCESS);
    assert_int_equal(inject(0x1040), CXF_RC_SUCCESS); /* already poisoned: not an error */
    assert_int_equal(inject(0x9000), CXF_RC_SUCCESS);
    assert_int_equal(inject(0x1001), CXF_RC_INVALID_INPUT);          /* reserved bits */
    assert_int_equal(inject(cap), CXF_RC_INVALID_PHYSICAL_ADDRESS);  /* past the end */
    assert_int_equal(dev->poison.n, 3);
    /* injection logs an informational General Media event */
    assert_int_equal(dev->ld[0].log[CXF_LOG_INFO].count, 3);
    assert_memory_equal(dev->ld[0].log[CXF_LOG_INFO].rec[0], cxf_gen_media_uuid, 16);

    /* list: adjacent lines coalesce into one record of length 2 */
    assert_int_equal(poison_list(0, cap / 64), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 2);
    assert_int_equal(out_len, 0x20 + 2 * 16);
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, 0x1000);
    assert_int_equal(cxf_get_le64(out + 0x20) & 7, CXF_POISON_INJECTED);
    assert_int_equal(cxf_get_le32(out + 0x28), 2);
    assert_int_equal(cxf_get_le64(out + 0x30) & ~7ull, 0x9000);
    assert_int_equal(out[0] & 3, 0); /* no More, no Overflow */
    /* a window that clips the run */
    assert_int_equal(poison_list(0x1040, 1), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 1);
    assert_int_equal(cxf_get_le32(out + 0x28), 1);
    /* errors */
    assert_int_equal(poison_list(0x1010, 4), CXF_RC_INVALID_INPUT);
    assert_int_equal(poison_list(0, 0), CXF_RC_INVALID_INPUT);
    assert_int_equal(poison_list(cap, 1), CXF_RC_INVALID_PHYSICAL_ADDRESS);
    assert_int_equal(poison_list(cap - 64, 2), CXF_RC_INVALID_PHYSICAL_ADDRESS);

    /* clear writes the given data and removes the line */
    uint8_t clr[0x48];
    cxf_put_le64(clr, 0x1040);
    memset(clr + 8, 0x3c, 64);
    assert_int_equal(run(CXF_OP_CLEAR_POISON, clr, sizeof(clr)), CXF_RC_SUCCESS);
    uint8_t line[64];
    assert_int_equal(cxf_dev_read(dev, 0x1040, line, 64), 0);
    assert_memory_equal(line, clr + 8, 64);
    memset(clr + 8, 0x4d, 64); /* a clean line is rewritten all the same */
    assert_int_equal(run(CXF_OP_CLEAR_POISON, clr, sizeof(clr)), CXF_RC_SUCCESS);
    assert_int_equal(cxf_dev_read(dev, 0x1040, line, 64), 0);
    assert_memory_equal(line, clr + 8, 64);
    cxf_put_le64(clr, 0x1048);
    assert_int_equal(run(CXF_OP_CLEAR_POISON, clr, sizeof(clr)), CXF_RC_INVALID_INPUT);
    cxf_put_le64(clr, cap + 64);
    assert_int_equal(run(CXF_OP_CLEAR_POISON, clr, sizeof(clr)), CXF_RC_INVALID_PHYSICAL_ADDRESS);
    assert_int_equal(dev->poison.n, 2);
}

static void test_inject_limit_and_list_continuation(void **state)
{
    (void)state;
    dev->poison.inject_limit = 200;
    /* 200 scattered lines: more records than fit one payload (126) */
    for (uint64_t i = 0; i < 200; i++)
        assert_int_equal(inject(i * 4096), CXF_RC_SUCCESS);
    assert_int_equal(inject(200 * 4096), CXF_RC_INJECT_POISON_LIMIT);
    const uint64_t all = (1536ull << 20) / 64;
    unsigned per = (CXF_MBOX_PAYLOAD_MAX - 0x20) / 16;
    assert_int_equal(poison_list(0, all), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), per);
    assert_int_equal(out[0] & 1, 1); /* More Media Error Records */
    /* the same request again continues where the first stopped */
    assert_int_equal(poison_list(0, all), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 200 - per);
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, (uint64_t)per * 4096);
    assert_int_equal(out[0] & 1, 0);
    /* and after the end, a new walk starts from the beginning */
    assert_int_equal(poison_list(0, all), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, 0);
    assert_int_equal(cxf_get_le16(out + 0x0A), per);
    /* (that walk is in progress:) a poison change restarts it */
    assert_int_equal(out[0] & 1, 1);
    dev->poison.inject_limit = 300;
    assert_int_equal(inject(0x40), CXF_RC_SUCCESS);
    assert_int_equal(poison_list(0, all), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, 0);
    /* the list itself full: Overflow reported; injection refused */
    dev->poison.max_records = 201;
    assert_int_equal(cxf_dev_poison_add(dev, 500 * 4096, CXF_POISON_INTERNAL), 0);
    assert_int_equal(poison_list(0, 64), CXF_RC_SUCCESS);
    assert_int_equal(out[0] & 2, 2);
    dev->poison.inject_limit = 0;
    assert_int_equal(inject(600 * 4096), CXF_RC_INJECT_POISON_LIMIT);
}

static void test_poison_list_of_a_split_ld(void **state)
{
    (void)state;
    use_device(2 * GB, 0, 2, 4096);
    /* LD 1 made of two pieces: [1.5G, 1.75G) then [1.0G, 1.25G) */
    struct cxf_dpa_range r[2] = {{GB + GB / 2, GB / 4}, {GB, GB / 4}};
    assert_int_equal(cxf_dev_set_ld_ranges(dev, 1, r, NULL), 0);
    uint8_t in[8];
    cxf_put_le64(in, GB / 4 + 0x1000); /* LD DPA in the second piece */
    assert_int_equal(run_ld(1, CXF_OP_INJECT_POISON, in, 8), CXF_RC_SUCCESS);
    assert_true(cxf_poison_test(&dev->poison, GB + 0x1000, 64));
    cxf_put_le64(in, 0x2000); /* first piece */
    assert_int_equal(run_ld(1, CXF_OP_INJECT_POISON, in, 8), CXF_RC_SUCCESS);
    uint8_t q[16];
    cxf_put_le64(q, 0);
    cxf_put_le64(q + 8, (GB / 2) / 64);
    assert_int_equal(run_ld(1, CXF_OP_GET_POISON_LIST, q, 16), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 2);
    /* reported in LD order with LD-relative addresses */
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, 0x2000);
    assert_int_equal(cxf_get_le64(out + 0x30) & ~7ull, GB / 4 + 0x1000);
}

static uint16_t get_events(uint8_t log)
{
    return run(CXF_OP_GET_EVENT_RECORDS, &log, 1);
}

static uint16_t clear_events(uint8_t log, uint8_t flags, const uint16_t *h, uint8_t n)
{
    uint8_t in[6 + 2 * 255] = {log, flags, n};
    for (unsigned i = 0; i < n; i++)
        cxf_put_le16(in + 6 + 2 * i, h[i]);
    return run(CXF_OP_CLEAR_EVENT_RECORDS, in, 6u + 2u * n);
}

static void test_events(void **state)
{
    (void)state;
    uint8_t data[4] = {1, 2, 3, 4};
    for (int i = 0; i < 3; i++)
        assert_int_equal(cxf_dev_event_add(dev, 0, CXF_LOG_WARN, cxf_gen_media_uuid, 0, data, 4), 0);
    assert_int_equal(get_events(CXF_LOG_WARN), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x14), 3);
    assert_int_equal(out_len, 0x20 + 3 * 0x80);
    uint16_t h[3];
    for (int i = 0; i < 3; i++) {
        const uint8_t *r = out + 0x20 + i * 0x80;
        assert_int_equal(r[0x10], 0x80);
        assert_int_equal(cxf_get_le(r + 0x11, 3) & 3, CXF_LOG_WARN);
        h[i] = cxf_get_le16(r + 0x14);
        assert_int_not_equal(h[i], 0);
        assert_memory_equal(r + 0x30, data, 4);
    }
    assert_int_equal(out[0], 0);
    assert_int_equal(get_events(4), CXF_RC_INVALID_INPUT);
    assert_int_equal(get_events(0xFF), CXF_RC_INVALID_INPUT);

    /* handles must be the oldest, in order: else Invalid Handle, nothing cleared */
    uint16_t wrong[2] = {h[1], h[0]};
    assert_int_equal(clear_events(CXF_LOG_WARN, 0, wrong, 2), CXF_RC_INVALID_HANDLE);
    assert_int_equal(clear_events(CXF_LOG_WARN, 0, &h[1], 1), CXF_RC_INVALID_HANDLE);
    uint16_t four[4] = {h[0], h[1], h[2], 99};
    assert_int_equal(clear_events(CXF_LOG_WARN, 0, four, 4), CXF_RC_INVALID_HANDLE);
    assert_int_equal(dev->ld[0].log[CXF_LOG_WARN].count, 3);
    assert_int_equal(clear_events(CXF_LOG_WARN, 0, h, 2), CXF_RC_SUCCESS);
    assert_int_equal(dev->ld[0].log[CXF_LOG_WARN].count, 1);
    assert_int_equal(clear_events(9, 0, h, 0), CXF_RC_INVALID_INPUT);
    /* Clear All only after overflow */
    assert_int_equal(clear_events(CXF_LOG_WARN, 1, NULL, 0), CXF_RC_INVALID_INPUT);
    assert_int_equal(clear_events(4, 0, NULL, 0), CXF_RC_INVALID_INPUT);

    /* overflow: fill the failure log past capacity */
    for (unsigned i = 0; i < CXF_EVENT_LOG_CAP + 5; i++)
        cxf_dev_event_add(dev, 0, CXF_LOG_FAIL, cxf_gen_media_uuid, 0, NULL, 0);
    assert_int_equal(get_events(CXF_LOG_FAIL), CXF_RC_SUCCESS);
    assert_int_equal(out[0] & 1, 1);                  /* Overflow */
    assert_int_equal(out[0] & 2, 2);                  /* More: 32 > 15 per payload */
    assert_int_equal(cxf_get_le16(out + 2), 5);       /* overflow error count */
    assert_int_equal(cxf_get_le16(out + 0x14), (CXF_MBOX_PAYLOAD_MAX - 0x20) / 0x80);
    assert_int_equal(clear_events(CXF_LOG_FAIL, 1, h, 1), CXF_RC_INVALID_INPUT); /* + handles */
    assert_int_equal(clear_events(CXF_LOG_FAIL, 1, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(get_events(CXF_LOG_FAIL), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x14), 0);
    assert_int_equal(out[0], 0);
}

static void test_event_ring_wraps(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 10; i++)
        assert_int_equal(cxf_dev_event_add(dev, 0, CXF_LOG_WARN, cxf_gen_media_uuid, 0, NULL, 0), 0);
    uint16_t h[10];
    assert_int_equal(get_events(CXF_LOG_WARN), CXF_RC_SUCCESS);
    for (int i = 0; i < 10; i++)
        h[i] = cxf_get_le16(out + 0x20 + i * 0x80 + 0x14);
    assert_int_equal(clear_events(CXF_LOG_WARN, 0, h, 10), CXF_RC_SUCCESS);
    /* head is at 10 now: fill the log so it wraps around the ring's end */
    for (unsigned i = 0; i < CXF_EVENT_LOG_CAP; i++)
        assert_int_equal(cxf_dev_event_add(dev, 0, CXF_LOG_WARN, cxf_gen_media_uuid, 0, NULL, 0), 0);
    assert_int_equal(cxf_dev_event_add(dev, 0, CXF_LOG_WARN, cxf_gen_media_uuid, 0, NULL, 0), -ENOSPC);
    /* page through: handles keep rising across the wrap, 15 per payload */
    uint16_t last = h[9];
    unsigned seen = 0;
    while (seen < CXF_EVENT_LOG_CAP) {
        assert_int_equal(get_events(CXF_LOG_WARN), CXF_RC_SUCCESS);
        unsigned n = cxf_get_le16(out + 0x14);
        assert_true(n > 0);
        uint16_t batch[15];
        for (unsigned i = 0; i < n; i++) {
            batch[i] = cxf_get_le16(out + 0x20 + i * 0x80 + 0x14);
            assert_int_equal(batch[i], (uint16_t)(last + 1));
            last = batch[i];
        }
        assert_int_equal(clear_events(CXF_LOG_WARN, 0, batch, (uint8_t)n), CXF_RC_SUCCESS);
        seen += n;
    }
    assert_int_equal(seen, CXF_EVENT_LOG_CAP);
    assert_int_equal(dev->ld[0].log[CXF_LOG_WARN].count, 0);
}

static void test_no_lsa_and_partition_split(void **state)
{
    (void)state;
    /* LD 0: [0, 0.75G) volatile; LD 1: [0.75G, 1G) volatile + [1G, 2G) persistent */
    use_device(GB, GB, 2, 0);
    struct cxf_dpa_range r0[2] = {{0, 3 * GB / 4}, {0, 0}};
    struct cxf_dpa_range r1[2] = {{3 * GB / 4, GB + GB / 4}, {0, 0}};
    assert_int_equal(cxf_dev_set_ld_ranges(dev, 1, (struct cxf_dpa_range[2]){{GB, GB}, {0, 0}}, NULL), 0);
    assert_int_equal(cxf_dev_set_ld_ranges(dev, 0, r0, NULL), 0);
    assert_int_equal(cxf_dev_set_ld_ranges(dev, 1, r1, NULL), 0);
    assert_int_equal(run_ld(1, CXF_OP_IDENTIFY_MEMORY_DEVICE, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le64(out + 0x10), 5); /* 1.25 GiB */
    assert_int_equal(cxf_get_le64(out + 0x18), 1); /* 256 MiB volatile */
    assert_int_equal(cxf_get_le64(out + 0x20), 4);
    assert_int_equal(cxf_get_le32(out + 0x38), 0); /* no LSA */
    assert_int_equal(run_ld(1, CXF_OP_GET_PARTITION_INFO, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le64(out), 1);
    assert_int_equal(cxf_get_le64(out + 8), 4);
    uint8_t get[8] = {0};
    assert_int_equal(run_ld(0, CXF_OP_GET_LSA, get, 8), CXF_RC_UNSUPPORTED);
    uint8_t set[9] = {0};
    assert_int_equal(run_ld(0, CXF_OP_SET_LSA, set, 9), CXF_RC_UNSUPPORTED);
}

static void test_logs_and_cel(void **state)
{
    (void)state;
    size_t n;
    const struct cxf_cci_cmd *cmds = cxf_dev_mbox_commands(&n);
    for (size_t i = 1; i < n; i++) /* CEL order relies on a sorted table */
        assert_true(cmds[i - 1].opcode < cmds[i].opcode);
    assert_int_equal(run(CXF_OP_GET_SUPPORTED_LOGS, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out), 1);
    assert_memory_equal(out + 8, cxf_cel_uuid, 16);
    uint32_t size = cxf_get_le32(out + 24);
    assert_int_equal(size, 4 * n);

    uint8_t in[0x18];
    memcpy(in, cxf_cel_uuid, 16);
    cxf_put_le32(in + 0x10, 0);
    cxf_put_le32(in + 0x14, size);
    assert_int_equal(run(CXF_OP_GET_LOG, in, sizeof(in)), CXF_RC_SUCCESS);
    assert_int_equal(out_len, size);
    bool saw_inject = false;
    for (size_t i = 0; i < n; i++) {
        uint16_t op = cxf_get_le16(out + 4 * i);
        assert_int_equal(op, cmds[i].opcode);
        if (op == CXF_OP_INJECT_POISON) {
            saw_inject = true;
            assert_int_equal(cxf_get_le16(out + 4 * i + 2), CXF_CEL_IMMEDIATE_DATA_CHANGE);
        }
    }
    assert_true(saw_inject);
    /* partial read at an offset */
    cxf_put_le32(in + 0x10, 4);
    cxf_put_le32(in + 0x14, 4);
    assert_int_equal(run(CXF_OP_GET_LOG, in, sizeof(in)), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out), cmds[1].opcode);
    /* past the end */
    cxf_put_le32(in + 0x10, size - 2);
    assert_int_equal(run(CXF_OP_GET_LOG, in, sizeof(in)), CXF_RC_INVALID_INPUT);
    cxf_put_le32(in + 0x10, 0);
    cxf_put_le32(in + 0x14, CXF_MBOX_PAYLOAD_MAX + 4);
    assert_int_equal(run(CXF_OP_GET_LOG, in, sizeof(in)), CXF_RC_INVALID_INPUT);
    /* unknown log */
    in[0] ^= 0xff;
    assert_int_equal(run(CXF_OP_GET_LOG, in, sizeof(in)), CXF_RC_INVALID_LOG);
}

static void test_mld_lds_have_own_view(void **state)
{
    (void)state;
    use_device(2 * GB, 0, 2, 4096);
    assert_int_equal(run_ld(1, CXF_OP_IDENTIFY_MEMORY_DEVICE, NULL, 0), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le64(out + 0x10), 4); /* 1 GiB */
    /* poison on LD 1 at its DPA 0 is device DPA 1 GiB, invisible from LD 0 */
    uint8_t in[8];
    cxf_put_le64(in, 0);
    assert_int_equal(run_ld(1, CXF_OP_INJECT_POISON, in, 8), CXF_RC_SUCCESS);
    assert_true(cxf_poison_test(&dev->poison, GB, 64));
    /* LD 1 logged the event with its own DPA 0; LD 0 saw nothing */
    assert_int_equal(dev->ld[1].log[CXF_LOG_INFO].count, 1);
    assert_int_equal(dev->ld[0].log[CXF_LOG_INFO].count, 0);
    assert_int_equal(cxf_get_le64(dev->ld[1].log[CXF_LOG_INFO].rec[0] + 0x30) & ~63ull, 0);
    uint8_t q[16];
    cxf_put_le64(q, 0);
    cxf_put_le64(q + 8, GB / 64);
    assert_int_equal(run_ld(0, CXF_OP_GET_POISON_LIST, q, 16), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 0);
    assert_int_equal(run_ld(1, CXF_OP_GET_POISON_LIST, q, 16), CXF_RC_SUCCESS);
    assert_int_equal(cxf_get_le16(out + 0x0A), 1);
    assert_int_equal(cxf_get_le64(out + 0x20) & ~7ull, 0);
    /* labels are per LD */
    uint8_t set[8 + 4] = {0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9};
    assert_int_equal(run_ld(1, CXF_OP_SET_LSA, set, sizeof(set)), CXF_RC_SUCCESS);
    uint8_t get[8] = {0, 0, 0, 0, 4, 0, 0, 0};
    assert_int_equal(run_ld(0, CXF_OP_GET_LSA, get, 8), CXF_RC_SUCCESS);
    assert_int_equal(out[0], 0);
    assert_int_equal(run_ld(1, CXF_OP_GET_LSA, get, 8), CXF_RC_SUCCESS);
    assert_int_equal(out[0], 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unknown_opcode_and_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identify_and_partition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_health, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lsa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poison_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inject_limit_and_list_continuation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poison_list_of_a_split_ld, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_lsa_and_partition_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_ring_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logs_and_cel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mld_lds_have_own_view, setup, teardown),
    };
    return cmocka_run_group_tests_name("mbox", tests, NULL, NULL);
}
