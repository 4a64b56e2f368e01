/*
 * node/wl_kv.c - a key-value store in guest memory serving YCSB's core mixes
 * (B. F. Cooper et al., "Benchmarking cloud serving systems with YCSB",
 * SoCC 2010) with Zipfian key popularity, and a verifier that checks every
 * stored value.
 *
 *   kv[:keys=N,value=BYTES,mix=A|B|C|F,theta=X,think=NS]
 *     keys   number of keys, 0..N-1 (default 100000)
 *     value  bytes of a value, a multiple of 8 (default 256)
 *     mix    A: 50% read, 50% update; B: 95/5; C: read only;
 *            F: 50% read, 50% read-modify-write (default A)
 *     theta  Zipf skew of key popularity, 0 = uniform (default 0.99, YCSB's)
 *
 * Layout, fixed by the load phase: buckets of open addressing with linear
 * probing (a power of two, at least 1.25 per key) from guest address 0, each
 * { key + 1 (0: empty), version, value }. Every key is inserted at load and
 * none is ever inserted or deleted afterwards, so no interleaving of vCPUs can
 * change where a record lives. The value of (key, version) is a pure function
 * of the VM's seed: the verifier recomputes it.
 *
 * Determinism whatever the timing: reads may hit any key, but a vCPU writes
 * only the keys it owns (key % vCPUs == its id), so each key's history is one
 * vCPU's deterministic stream of operations. A vCPU's whole state is its
 * registers (the RNG and three counters); w->cfg is read-only once configured.
 */
#include "workloads.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KV_HDR      16u           /* key + 1, version */
#define KV_NONE     UINT64_MAX    /* no such key or bucket */
/* An update (version + value, one undo record per 8 bytes) must fit one
 * operation's journal, or a fault in its middle could not be rolled back. */
#define KV_VALUE_MAX ((uint64_t)(CXF_JOURNAL_MAX - 1) * 8)
#define KV_HOME_SALT 0x6b762d686f6d65ull /* "kv-home": bucket hash */

/* Operation counters in the vCPU registers (they migrate with the vCPU). */
enum { R_READS, R_UPDATES, R_RMWS };

struct kv_mix {
    char name;
    unsigned read_pct;            /* reads per 100 operations */
    bool rmw;                     /* the others are read-modify-writes */
};

static const struct kv_mix kv_mixes[] = {
    {'A', 50, false}, {'B', 95, false}, {'C', 100, false}, {'F', 50, true},
};

struct kv_cfg {
    uint64_t keys;
    uint64_t value;               /* bytes */
    double theta;
    const struct kv_mix *mix;
    /* Derived in configure, not at load: a migration's destination VM runs
     * the workload without a load phase. */
    uint64_t rec;                 /* bytes of a bucket */
    uint64_t buckets;             /* a power of two */
    uint64_t key_mask;            /* smallest 2^k - 1 >= keys - 1 */
    struct cxf_zipf zipf;
};

/* ---------------------------------------------------------- parameters */

static int kv_value_param(const char *k, const char *v, uint64_t *out, struct cxf_err *e)
{
    int rc = cxf_param_u64(k, v, 8, KV_VALUE_MAX, out, e);
    if (!rc && *out % 8)
        return cxf_fail(e, -EINVAL, "workload parameter %s=%s: need a multiple of 8", k, v);
    return rc;
}

static int kv_mix_param(const char *k, const char *v, const struct kv_mix **out,
                        struct cxf_err *e)
{
    for (size_t i = 0; v[1] == '\0' && i < sizeof(kv_mixes) / sizeof(kv_mixes[0]); i++)
        if (toupper((unsigned char)v[0]) == kv_mixes[i].name) {
            *out = &kv_mixes[i];
            return 0;
        }
    return cxf_fail(e, -EINVAL, "workload parameter %s=%s: need A, B, C or F", k, v);
}

static int kv_param(void *ctx, const char *k, const char *v, struct cxf_err *e)
{
    struct cxf_workload *w = ctx;
    struct kv_cfg *c = w->cfg;
    int rc = cxf_wl_common_param(w, k, v, e);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "keys")) /* 32-bit keys keep the load phase's shuffle small */
        return cxf_param_u64(k, v, 1, UINT32_MAX, &c->keys, e);
    if (!strcmp(k, "value"))
        return kv_value_param(k, v, &c->value, e);
    if (!strcmp(k, "mix"))
        return kv_mix_param(k, v, &c->mix, e);
    if (!strcmp(k, "theta"))
        return cxf_param_double(k, v, 0.0, 10.0, &c->theta, e);
    return cxf_wl_unknown("kv", k, "keys, value, mix, theta", e);
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static int kv_configure(struct cxf_workload *w, const char *params, struct cxf_err *e)
{
    struct kv_cfg *c = calloc(1, sizeof(*c));
    if (!c)
        return cxf_fail(e, -ENOMEM, "out of memory");
    *c = (struct kv_cfg){.keys = 100000, .value = 256, .theta = 0.99, .mix = &kv_mixes[0]};
    w->cfg = c;
    int rc = cxf_params_each(params, e, kv_param, w);
    if (rc)
        return rc;
    c->rec = KV_HDR + c->value;
    c->buckets = pow2_at_least(c->keys + (c->keys + 3) / 4);
    c->key_mask = pow2_at_least(c->keys) - 1;
    if (cxf_zipf_init(&c->zipf, c->keys, c->theta)) /* ranges checked above */
        return cxf_fail(e, -EINVAL, "workload kv: no Zipf distribution over %llu keys, theta %g",
                        (unsigned long long)c->keys, c->theta);
    return 0;
}

/* ------------------------------------------------------ keys and values */

static uint64_t kv_home(const struct kv_cfg *c, uint64_t key)
{
    return cxf_wl_mix(KV_HOME_SALT, key) & (c->buckets - 1);
}

static uint64_t kv_gpa(const struct kv_cfg *c, uint64_t bucket)
{
    return bucket * c->rec;
}

/* Every record's words derive from this, so keys differ even at version 0. */
static uint64_t kv_salt(uint64_t seed, uint64_t key)
{
    return cxf_wl_mix(seed, key);
}

/* Word j of the value of (key, version); j < 2^13 since values are < 64 KiB. */
static uint64_t kv_word(uint64_t salt, uint64_t version, uint64_t j)
{
    return cxf_wl_mix(salt, (version << 16) | j);
}

/* A bijection of [0, key_mask]: odd multiplies and xor-shifts modulo a power
 * of two. */
static uint64_t kv_permute(const struct kv_cfg *c, uint64_t x)
{
    unsigned shift = (unsigned)__builtin_popcountll(c->key_mask) / 2 + 1;
    x = (x * 0x9e3779b97f4a7c15ull) & c->key_mask;
    x ^= x >> shift;
    x = (x * 0xbf58476d1ce4e5b9ull) & c->key_mask;
    return x ^ (x >> shift);
}

/* YCSB scrambles Zipf ranks so that popular keys spread over the table. A
 * hash mod keys (YCSB's way) would leave some keys undrawable and double
 * others; cycle-walking a permutation of the enclosing power of two keeps a
 * bijection of ranks to keys (expected under two rounds). */
static uint64_t kv_draw_key(const struct kv_cfg *c, struct cxf_rng *rng)
{
    uint64_t key = cxf_zipf_sample(&c->zipf, rng);
    do
        key = kv_permute(c, key);
    while (key >= c->keys);
    return key;
}

/* The key this vCPU may write instead of key: the one it owns in key's block
 * of nvcpus keys, else in the block before. KV_NONE if it owns no key. */
static uint64_t kv_owned(const struct kv_cfg *c, const struct cxf_vcpu *v, uint64_t key)
{
    unsigned n = v->vm->nvcpus;
    if (v->id >= c->keys)
        return KV_NONE;
    uint64_t k = key - key % n + v->id;
    return k < c->keys ? k : k - n;
}

/* ------------------------------------------------------------ load phase */

static bool bit_get(const uint64_t *map, uint64_t i)
{
    return map[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t *map, uint64_t i)
{
    map[i / 64] |= 1ull << (i % 64);
}

/* The first free bucket at or after b, as linear probing meets it. */
static uint64_t kv_run_end(const struct kv_cfg *c, const uint64_t *used, uint64_t b)
{
    while (bit_get(used, b))
        b = (b + 1) & (c->buckets - 1);
    return b;
}

/* Keys 0..n-1 in a seeded order (Fisher-Yates), so that which keys collide
 * and where they land depends on the seed. */
static uint32_t *kv_shuffled_keys(uint64_t n, uint64_t seed)
{
    uint32_t *order = malloc(n * sizeof(*order));
    if (!order)
        return NULL;
    struct cxf_rng r;
    cxf_rng_seed(&r, seed, cxf_rng_stream_id("kv-load"));
    for (uint64_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = n - 1; i > 0; i--) {
        uint64_t j = cxf_rng_below(&r, i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    return order;
}

static void kv_fill_value(const struct kv_cfg *c, uint64_t salt, uint64_t version, uint64_t *val)
{
    for (uint64_t j = 0; j < c->value / 8; j++)
        val[j] = kv_word(salt, version, j);
}

/* Insert one key at version 0: the placement is tracked in a host bitmap,
 * the record written without modelled time. */
static int kv_load_key(const struct kv_cfg *c, struct cxf_vcpu *v, uint64_t *used, uint64_t *rec,
                       uint64_t key)
{
    uint64_t b = kv_run_end(c, used, kv_home(c, key));
    bit_set(used, b);
    rec[0] = key + 1;
    rec[1] = 0;
    kv_fill_value(c, kv_salt(v->vm->seed, key), 0, rec + 2);
    return cxf_vm_write_raw(v, kv_gpa(c, b), rec, c->rec);
}

static int kv_setup(struct cxf_workload *w, struct cxf_vcpu *v, struct cxf_err *e)
{
    const struct kv_cfg *c = w->cfg;
    if (c->buckets > v->vm->mem_size / c->rec)
        return cxf_fail(e, -ENOSPC, "workload kv: %llu keys need a %llu-byte table (%llu buckets "
                        "of %llu bytes); the VM has %llu bytes",
                        (unsigned long long)c->keys, (unsigned long long)(c->buckets * c->rec),
                        (unsigned long long)c->buckets, (unsigned long long)c->rec,
                        (unsigned long long)v->vm->mem_size);
    uint32_t *order = kv_shuffled_keys(c->keys, v->vm->seed);
    uint64_t *used = calloc((c->buckets + 63) / 64, sizeof(*used));
    uint64_t *rec = malloc(c->rec);
    int rc = order && used && rec ? 0 : -ENOMEM;
    for (uint64_t i = 0; !rc && i < c->keys; i++)
        rc = kv_load_key(c, v, used, rec, order[i]);
    free(order);
    free(used);
    free(rec);
    return rc;
}

/* ------------------------------------------------------------ operations */

static void kv_start(struct cxf_workload *w, struct cxf_vcpu *v)
{
    (void)w;
    memset(v->regs.r, 0, sizeof(v->regs.r));
}

/* The guest address of key's bucket, probing as a lookup does; KV_NONE if
 * the probe meets an empty bucket (the table is corrupt: every key exists)
 * or the op faulted (the rest of it reads a scratch page). */
static uint64_t kv_find(const struct kv_cfg *c, struct cxf_vcpu *v, uint64_t key)
{
    uint64_t b = kv_home(c, key);
    for (uint64_t n = 0; n < c->buckets && !v->fault; n++) {
        uint64_t stored = cxf_ld64(v, kv_gpa(c, b));
        if (stored == key + 1)
            return kv_gpa(c, b);
        if (stored == 0)
            break;
        b = (b + 1) & (c->buckets - 1);
    }
    return KV_NONE;
}

/* A read loads every word of the value, as a client copying it out would
 * (the same-line shortcut makes the seven loads after a line's first cost
 * an LLC hit each), and checks it: a wrong byte seen mid-run fails the VM
 * even if a later update would have hidden it from the final verifier. */
static int kv_read_value(const struct kv_cfg *c, struct cxf_vcpu *v, uint64_t gpa, uint64_t salt,
                         uint64_t version)
{
    bool ok = true;
    for (uint64_t j = 0; j < c->value / 8; j++)
        ok &= cxf_ld64(v, gpa + KV_HDR + 8 * j) == kv_word(salt, version, j);
    return ok || v->fault ? 0 : -EIO;
}

static void kv_write_value(const struct kv_cfg *c, struct cxf_vcpu *v, uint64_t gpa,
                           uint64_t salt, uint64_t version)
{
    for (uint64_t j = 0; j < c->value / 8; j++)
        cxf_st64(v, gpa + KV_HDR + 8 * j, kv_word(salt, version, j));
    cxf_st64(v, gpa + 8, version);
}

static int kv_step(struct cxf_workload *w, struct cxf_vcpu *v)
{
    const struct kv_cfg *c = w->cfg;
    uint64_t key = kv_draw_key(c, &v->regs.rng);
    bool write = cxf_rng_below(&v->regs.rng, 100) >= c->mix->read_pct;
    uint64_t owned = write ? kv_owned(c, v, key) : KV_NONE;
    if (owned != KV_NONE)
        key = owned;
    else
        write = false; /* a read, or a vCPU beyond the key count: it only reads */
    uint64_t gpa = kv_find(c, v, key);
    if (gpa == KV_NONE)
        return v->fault ? 0 : -EIO;
    uint64_t version = cxf_ld64(v, gpa + 8), salt = kv_salt(v->vm->seed, key);
    if (!write || c->mix->rmw) {
        int rc = kv_read_value(c, v, gpa, salt, version);
        if (rc)
            return rc;
    }
    if (write)
        kv_write_value(c, v, gpa, salt, version + 1);
    v->regs.r[!write ? R_READS : c->mix->rmw ? R_RMWS : R_UPDATES]++;
    return 0;
}

/* -------------------------------------------------------------- verifier */

struct kv_check {
    const struct kv_cfg *c;
    struct cxf_vcpu *v;
    uint64_t seed;
    uint64_t *where;              /* per key: its bucket + 1, 0 = not seen */
    uint64_t *used;               /* occupied buckets */
    uint64_t *rec;
    struct cxf_err *e;
};

static int kv_check_value(const struct kv_check *k, uint64_t key)
{
    const uint64_t *val = k->rec + 2;
    uint64_t version = k->rec[1], salt = kv_salt(k->seed, key);
    for (uint64_t j = 0; j < k->c->value / 8; j++)
        if (val[j] != kv_word(salt, version, j))
            return cxf_fail(k->e, -EIO, "kv: key %llu (version %llu): value word %llu is "
                            "0x%016llx, expected 0x%016llx", (unsigned long long)key,
                            (unsigned long long)version, (unsigned long long)j,
                            (unsigned long long)val[j],
                            (unsigned long long)kv_word(salt, version, j));
    return 0;
}

/* One bucket: empty, or a key in range, seen once, with the right value. */
static int kv_check_bucket(struct kv_check *k, uint64_t b)
{
    uint64_t gpa = kv_gpa(k->c, b);
    if (cxf_vm_read_raw(k->v, gpa, k->rec, k->c->rec))
        return cxf_fail(k->e, -EIO, "kv: bucket %llu at gpa 0x%llx is unreadable (its memory "
                        "is gone)", (unsigned long long)b, (unsigned long long)gpa);
    if (k->rec[0] == 0)
        return 0;
    uint64_t key = k->rec[0] - 1;
    if (key >= k->c->keys)
        return cxf_fail(k->e, -EIO, "kv: bucket %llu holds key %llu, but there are only %llu "
                        "keys", (unsigned long long)b, (unsigned long long)key,
                        (unsigned long long)k->c->keys);
    if (k->where[key])
        return cxf_fail(k->e, -EIO, "kv: key %llu is stored twice, in buckets %llu and %llu",
                        (unsigned long long)key, (unsigned long long)(k->where[key] - 1),
                        (unsigned long long)b);
    k->where[key] = b + 1;
    bit_set(k->used, b);
    return kv_check_value(k, key);
}

/* A key is found only if no empty bucket lies between its home and it. */
static int kv_check_reachable(const struct kv_check *k, uint64_t key)
{
    const struct kv_cfg *c = k->c;
    if (!k->where[key])
        return cxf_fail(k->e, -EIO, "kv: key %llu is missing from the table",
                        (unsigned long long)key);
    uint64_t home = kv_home(c, key), b = k->where[key] - 1;
    uint64_t gap = kv_run_end(c, k->used, home), mask = c->buckets - 1;
    if (((b - home) & mask) > ((gap - home) & mask))
        return cxf_fail(k->e, -EIO, "kv: key %llu in bucket %llu cannot be found: empty "
                        "bucket %llu lies between it and its home bucket %llu",
                        (unsigned long long)key, (unsigned long long)b,
                        (unsigned long long)gap, (unsigned long long)home);
    return 0;
}

static int kv_verify(struct cxf_workload *w, struct cxf_vm *vm, struct cxf_err *e)
{
    const struct kv_cfg *c = w->cfg;
    struct kv_check k = {.c = c, .v = &vm->vcpu[0], .seed = vm->seed, .e = e,
                         .where = calloc(c->keys, sizeof(uint64_t)),
                         .used = calloc((c->buckets + 63) / 64, sizeof(uint64_t)),
                         .rec = malloc(c->rec)};
    int rc = k.where && k.used && k.rec ? 0 : cxf_fail(e, -ENOMEM, "kv: out of memory");
    if (!rc && c->buckets > vm->mem_size / c->rec)
        rc = cxf_fail(e, -EIO, "kv: the table does not fit this VM's memory");
    for (uint64_t b = 0; !rc && b < c->buckets; b++)
        rc = kv_check_bucket(&k, b);
    for (uint64_t key = 0; !rc && key < c->keys; key++)
        rc = kv_check_reachable(&k, key);
    free(k.where);
    free(k.used);
    free(k.rec);
    return rc;
}

const struct cxf_workload_ops cxf_wl_kv = {
    .name = "kv",
    .help = "kv[:keys=N,value=BYTES,mix=A|B|C|F,theta=X,think=NS] YCSB mixes on a hash table",
    .configure = kv_configure,
    .setup = kv_setup,
    .start = kv_start,
    .step = kv_step,
    .verify = kv_verify,
};
