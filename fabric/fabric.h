/*
 * fabric/fabric.h - public face of the CXL fabric layer.
 *
 * Hosts (nodes) with DRAM, host bridges, root ports and CFMWS-like address
 * windows; one switch with physical ports, a virtual CXL switch (VCS) per
 * upstream port, vPPBs bound to downstream ports / logical devices; type-3
 * devices on downstream ports; and one memory bridge per node on a switch
 * port, which exports part of the node's DRAM to the fabric and decodes the
 * node's bridge window to reach the other nodes' exports.
 *
 * Memory transactions are routed from (node, HPA) along the path the hardware
 * would take (window -> host bridge -> root port -> USP -> vPPB -> DSP ->
 * device/LD -> DPA, or -> bridge -> switch -> bridge -> node DRAM), carry real
 * bytes, and are charged virtual time per hop and per link with per-direction
 * bandwidth queues.
 */
#ifndef CXF_FABRIC_H
#define CXF_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cxl-dev/cxldev.h"
#include "sim/err.h"
#include "sim/sim.h"

struct json_object;

#define CXF_MAX_HOSTS    8u
#define CXF_MAX_HBS      4u   /* host bridges per host */
#define CXF_MAX_RPS      8u   /* root ports per host bridge */
#define CXF_MAX_WINDOWS  8u   /* address windows per host */
#define CXF_MAX_PORTS    32u  /* switch physical ports */
#define CXF_MAX_VPPBS    16u  /* vPPBs per virtual CXL switch */
#define CXF_MAX_DEVICES  16u
#define CXF_MAX_REGIONS  32u
#define CXF_NAME_MAX     32u
#define CXF_MAX_LINKS    4u   /* links on one route */

/* CFMWS Window Restrictions bits (CXL 3.0 9.18.1.3, Table 9-22). */
#define CXF_WIN_DEVICE_COHERENT 0x01u
#define CXF_WIN_HOST_ONLY       0x02u
#define CXF_WIN_VOLATILE        0x04u
#define CXF_WIN_PERSISTENT      0x08u
#define CXF_WIN_FIXED           0x10u

/* ------------------------------------------------------------------ links */

enum cxf_dir { CXF_DIR_DOWN = 0, CXF_DIR_UP = 1 }; /* M2S (host->device), S2M */

/* A physical link between two components, with one bandwidth queue per
 * direction. Bandwidth = lanes x rate x 128/130 x flit efficiency. */
struct cxf_link {
    char name[48];
    unsigned width;        /* lanes: 1, 2, 4, 8, 16 */
    unsigned gen;          /* PCIe generation: 5 = 32 GT/s, 6 = 64 GT/s */
    double flit_efficiency;
    uint32_t flight_ns;    /* wire + PHY time, per direction */
    bool down;             /* fault: transactions on it fail */
    struct cxf_queue q[2]; /* per direction */
};

/* Bytes per second per direction for the link's width, generation and flit
 * efficiency. */
uint64_t cxf_link_bandwidth(const struct cxf_link *l);
void cxf_link_setup(struct cxf_link *l, const char *name, unsigned width, unsigned gen,
                    double flit_efficiency, uint32_t flight_ns);
void cxf_link_fini(struct cxf_link *l);

/* -------------------------------------------------------------- topology */

struct cxf_root_port {
    unsigned id;
    int switch_port;       /* the switch port (a USP) this root port trains to */
};

struct cxf_host_bridge {
    unsigned id;
    unsigned nrps;
    struct cxf_root_port rp[CXF_MAX_RPS];
    struct cxf_hdm hdm;    /* HB decoders: HPA -> root port */
};

/* A host physical address window, as ACPI CEDT CFMWS describes one. */
struct cxf_window {
    char name[CXF_NAME_MAX];
    uint64_t base;
    uint64_t size;
    unsigned ways;               /* host bridges interleaved */
    uint64_t granularity;        /* HBIG in bytes */
    uint8_t targets[16];         /* host bridge ids per way */
    uint16_t restrictions;       /* CXF_WIN_* */
};

/* The node's memory bridge: the specialised hardware that lets the switch
 * route memory commands between nodes. */
struct cxf_bridge {
    bool present;
    int switch_port;             /* its fabric port on the switch */
    uint64_t export_offset;      /* exported range of this node's DRAM */
    uint64_t export_size;
    uint64_t fabric_base;        /* where that range sits in the fabric address space */
    uint64_t window_base;        /* node-side HPA window onto the fabric address space */
    uint64_t window_size;
    struct cxf_link host_link;   /* node <-> its bridge */
};

struct cxf_host {
    char name[CXF_NAME_MAX];
    unsigned id;
    uint64_t dram_size;
    struct cxf_backing dram;     /* the node's DRAM, real bytes */
    struct cxf_queue dram_q;     /* DRAM bandwidth */
    uint32_t dram_ns;            /* idle load-to-use latency */
    unsigned nhbs;
    struct cxf_host_bridge hb[CXF_MAX_HBS];
    unsigned nwindows;
    struct cxf_window win[CXF_MAX_WINDOWS];
    struct cxf_bridge bridge;
    bool failed;                 /* fault: node failure */
};

enum cxf_port_kind {
    CXF_PORT_UNUSED = 0,
    CXF_PORT_USP,     /* upstream port: a host root port, one VCS */
    CXF_PORT_DSP,     /* downstream port: a type-3 device */
    CXF_PORT_FABRIC,  /* a node's memory bridge */
};

struct cxf_switch_port {
    unsigned id;
    enum cxf_port_kind kind;
    struct cxf_link link;        /* to the attached component */
    unsigned host;               /* USP: host; FABRIC: the bridge's node */
    unsigned hb, rp;             /* USP: the root port */
    int vcs;                     /* USP: its VCS, else -1 */
    struct cxf_dev *dev;         /* DSP: the device */
};

/* vPPB Binding Status (CXL 3.0 7.6.7.2.1, Get VCS Info). */
enum cxf_vppb_status {
    CXF_VPPB_UNBOUND = 0,
    CXF_VPPB_IN_PROGRESS = 1,
    CXF_VPPB_BOUND_PORT = 2,
    CXF_VPPB_BOUND_LD = 3,
};

struct cxf_vppb {
    enum cxf_vppb_status status;
    unsigned port;               /* bound physical port */
    uint16_t ld;                 /* bound LD, CXF_LD_FM_OWNED for an SLD */
};

struct cxf_vcs {
    unsigned id;
    unsigned usp_port;
    unsigned host;
    unsigned nvppbs;
    struct cxf_vppb vppb[CXF_MAX_VPPBS];
    struct cxf_hdm hdm;          /* USP decoders: HPA -> vPPB */
};

struct cxf_timing {
    uint32_t host_port_ns;       /* host side of a CXL root port, round trip */
    uint32_t switch_ns;          /* one switch traversal, round trip */
    uint32_t device_port_ns;     /* device controller, round trip */
    uint32_t bridge_ns;          /* one memory bridge traversal, round trip */
    uint32_t dram_ns;            /* node DRAM idle load latency */
    uint64_t dram_bandwidth;     /* node DRAM bandwidth */
    uint32_t link_flight_ns;     /* per link per direction */
    uint32_t header_bytes;       /* a request / completion message on a link */
    double flit_efficiency;
};

void cxf_timing_default(struct cxf_timing *t);

struct cxf_region;

struct cxf_fabric {
    const struct cxf_sim *clock;  /* optional, for event timestamps */
    struct cxf_timing timing;
    uint64_t generation;          /* bumped on any change that moves an address */
    char switch_name[CXF_NAME_MAX];
    unsigned nhosts;
    struct cxf_host host[CXF_MAX_HOSTS];
    unsigned nports;
    struct cxf_switch_port port[CXF_MAX_PORTS];
    unsigned nvcs;
    struct cxf_vcs vcs[CXF_MAX_HOSTS];
    unsigned usp_decoders;        /* HDM decoders per USP */
    unsigned ndevs;
    struct cxf_dev *dev[CXF_MAX_DEVICES];
    struct cxf_region *region[CXF_MAX_REGIONS];
    struct cxf_path **paths;      /* interned, see struct cxf_path */
    unsigned npaths;
    uint64_t fabric_space;        /* size of the bridges' fabric address space */
    struct {                      /* the FM API's last background operation */
        bool valid;
        uint16_t opcode;
        uint16_t rc;
    } fm_bg;
};

/* ----------------------------------------------------------- configuration */

/* The embedded default topology (2 nodes, 1 switch, 2 MLD pool devices of
 * 4 GiB, a bridge per node) as JSON text. */
extern const char cxf_default_config[];

/* Build a fabric from JSON text or a file (docs/config.md). On error return
 * a negative errno and, when e is not NULL, one line naming the key path and
 * the problem (file errors start with the path). */
int cxf_fabric_from_json(struct cxf_fabric **out, const char *json, struct cxf_err *e);
int cxf_fabric_from_file(struct cxf_fabric **out, const char *path, struct cxf_err *e);
/* A configuration file's text (at most 1 MiB, no NUL bytes); free() it. */
int cxf_config_read(const char *path, char **text, struct cxf_err *e);
void cxf_fabric_free(struct cxf_fabric *f);
/* Give the fabric and every device on it the simulation clock (event
 * records are timestamped with it); devices added later inherit it. */
void cxf_fabric_set_clock(struct cxf_fabric *f, const struct cxf_sim *sim);

/* Topology building blocks (used by the config parser and by tests). */
struct cxf_fabric *cxf_fabric_new(void);
int cxf_fabric_add_host(struct cxf_fabric *f, const char *name, uint64_t dram_size,
                        struct cxf_err *e);
/* A host bridge with `nrps` root ports and `decoders` HDM decoders. */
int cxf_fabric_add_hb(struct cxf_fabric *f, unsigned host, unsigned nrps, unsigned decoders,
                      struct cxf_err *e);
int cxf_fabric_add_window(struct cxf_fabric *f, unsigned host, const struct cxf_window *w,
                          struct cxf_err *e);
int cxf_fabric_add_device(struct cxf_fabric *f, unsigned port, const struct cxf_dev_config *c,
                          unsigned width, struct cxf_err *e);
/* Connect host root port (hb, rp) to switch port `port`, creating its VCS. */
int cxf_fabric_add_usp(struct cxf_fabric *f, unsigned host, unsigned hb, unsigned rp,
                       unsigned port, unsigned width, unsigned nvppbs, struct cxf_err *e);
int cxf_fabric_add_bridge(struct cxf_fabric *f, unsigned host, unsigned port, unsigned width,
                          uint64_t export_offset, uint64_t export_size, uint64_t window_base,
                          struct cxf_err *e);
/* After every host and bridge exists: lay out the fabric address space and
 * check windows for overlaps. */
int cxf_fabric_finish(struct cxf_fabric *f, struct cxf_err *e);

/* Names of hosts, devices, windows and the switch: letters, digits, '-', '_'
 * (they appear in commands, paths and link names). */
bool cxf_name_chars_valid(const char *name);

/* Lookups; -1 when absent. */
int cxf_fabric_host_by_name(const struct cxf_fabric *f, const char *name);
int cxf_fabric_dev_by_name(const struct cxf_fabric *f, const char *name);
int cxf_fabric_dev_port(const struct cxf_fabric *f, const struct cxf_dev *d);
struct cxf_vcs *cxf_fabric_host_vcs(struct cxf_fabric *f, unsigned host, unsigned n);

/* ------------------------------------------------- bindings (FM-API model) */

/* Bind vPPB `vppb` of VCS `vcs` to physical port `port` (LD `ld` of an MLD,
 * CXF_LD_FM_OWNED for an SLD). Returns a mailbox return code. */
uint16_t cxf_fabric_bind(struct cxf_fabric *f, unsigned vcs, unsigned vppb, unsigned port,
                         uint16_t ld);
uint16_t cxf_fabric_unbind(struct cxf_fabric *f, unsigned vcs, unsigned vppb);
/* The VCS/vPPB an LD is bound to; -1 when unbound. */
int cxf_fabric_ld_binding(const struct cxf_fabric *f, unsigned port, uint16_t ld, unsigned *vcs,
                          unsigned *vppb);

/* The switch's FM-API CCI (CXL 3.0 7.6.7). */
uint16_t cxf_fm_exec(struct cxf_fabric *f, struct cxf_cci_req *req);
const struct cxf_cci_cmd *cxf_fm_commands(size_t *n);
/* The MLD component command set (Get LD Info, Get/Set LD Allocations). */
const struct cxf_cci_cmd *cxf_fm_ld_commands(size_t *n);
/* MLD component commands on the FM-owned LD of the device at `port`
 * (what Tunnel Management Command reaches). */
uint16_t cxf_fm_ld_exec(struct cxf_fabric *f, unsigned port, struct cxf_cci_req *req);

#define CXF_OP_BG_OP_STATUS            0x0002
#define CXF_OP_IDENTIFY_SWITCH_DEVICE  0x5100
#define CXF_OP_GET_PHYSICAL_PORT_STATE 0x5101
#define CXF_OP_GET_VCS_INFO            0x5200
#define CXF_OP_BIND_VPPB               0x5201
#define CXF_OP_UNBIND_VPPB             0x5202
#define CXF_OP_TUNNEL_MANAGEMENT       0x5300
#define CXF_OP_GET_LD_INFO             0x5400
#define CXF_OP_GET_LD_ALLOCATIONS      0x5401
#define CXF_OP_SET_LD_ALLOCATIONS      0x5402

/* ---------------------------------------------------------------- regions */

struct cxf_region_target {
    struct cxf_dev *dev;
    unsigned ld;
    unsigned decoder;      /* the endpoint decoder used */
    unsigned position;     /* interleave position */
    unsigned vcs, vppb;    /* how the host reaches it */
    uint64_t resets;       /* the LD's decoder resets when the region was made: an
                              unbind since makes this target stale */
};

struct cxf_region {
    unsigned id;
    unsigned host;
    unsigned window;
    bool persistent;
    uint64_t base;         /* HPA */
    uint64_t size;
    unsigned ways;
    uint64_t granularity;
    struct cxf_region_target target[16];
    int hb_decoder[CXF_MAX_HBS];     /* decoder used per host bridge, -1 unused */
    int usp_decoder[CXF_MAX_HOSTS];  /* decoder used per VCS, -1 unused */
};

struct cxf_region_req {
    unsigned host;
    const char *window;    /* window name; NULL: the first that fits the type */
    bool persistent;
    unsigned ntargets;
    struct { const char *dev; unsigned ld; } target[16];
    uint64_t granularity;  /* 0: the window's granularity */
    uint64_t size;         /* 0: as large as the targets and window allow */
};

/* Program and commit a whole decode path for a region, as `cxl
 * create-region` and the Linux driver do: endpoint decoders on each LD, the
 * USP decoders of the VCSs, the host bridge decoders; targets are put in a
 * valid interleave order automatically. */
int cxf_region_create(struct cxf_fabric *f, const struct cxf_region_req *req,
                      struct cxf_region **out, struct cxf_err *e);
/* The HPA at which `host` reaches device-wide DPA `dpa` of `dev` through one
 * of its regions; -ENOENT when no region of the host maps it. */
int cxf_region_hpa(const struct cxf_fabric *f, unsigned host, const struct cxf_dev *dev,
                   uint64_t dpa, uint64_t *hpa);
/* Uncommit the region's decoders (top down) and forget it. */
int cxf_region_destroy(struct cxf_fabric *f, struct cxf_region *r, struct cxf_err *e);

/* ---------------------------------------------------------------- routing */

enum cxf_target_kind {
    CXF_TGT_NONE = 0,
    CXF_TGT_DRAM,      /* a node's DRAM: local, or remote through bridges */
    CXF_TGT_DEVICE,    /* a type-3 device LD through the switch */
};

/* What an access costs on its way: the links, the hops and the media. The
 * same for every address that goes the same way, so the fabric interns one
 * per distinct path and callers keep pointers to it (valid for the fabric's
 * life). */
struct cxf_path {
    enum cxf_target_kind kind;
    unsigned nlinks;
    struct cxf_link *link[CXF_MAX_LINKS]; /* host outwards */
    uint32_t hop_ns;           /* pipeline latency of every hop, round trip */
    unsigned hops;             /* hops on the path (for humans and tests) */
    bool remote;               /* DRAM of another node, through the bridges */
    struct cxf_dev *dev;       /* DEVICE: the media */
    struct cxf_host *host;     /* DRAM: the media */
};

/* Where an address goes and what it costs: computed once per page by the
 * fabric and cached by the caller until `generation` changes. */
struct cxf_route {
    enum cxf_target_kind kind;
    uint64_t generation;
    uint8_t *host_ptr;         /* the bytes at the routed address */
    uint64_t contiguous;       /* bytes from host_ptr that route the same way */
    const struct cxf_path *path;
    bool remote;               /* DRAM of another node, through the bridges */
    unsigned node;             /* DRAM: whose */
    uint64_t dram_offset;      /* DRAM: offset in that node's DRAM */
    struct cxf_dev *dev;       /* DEVICE */
    unsigned ld;
    uint64_t dpa;              /* DEVICE: device-wide DPA */
    bool has_poison;           /* a poisoned line lies in this page's contiguous bytes */
};

/* Route (node, hpa). 0 or: -ENOENT no window/decoder claims the address,
 * -ENXIO a vPPB on the path is unbound, -ENOLINK a link on the path is down,
 * -EHOSTDOWN the target or source node has failed, -EXDEV misrouted (the
 * decoders disagree: a programming error). */
int cxf_fabric_route(struct cxf_fabric *f, unsigned node, uint64_t hpa, struct cxf_route *r);
/* The same, also writing the path in words into buf, e.g.
 * "node1 > node1-cxl > hb0 > rp0 > sw0 > vppb1 > pool0.ld1". */
int cxf_fabric_route_describe(struct cxf_fabric *f, unsigned node, uint64_t hpa,
                              struct cxf_route *r, char *buf, size_t len);

/* Charge one access of `bytes` issued at `now` along a path: request down,
 * media, response up, with link queueing. Returns the completion time. */
cxf_time_t cxf_path_charge(const struct cxf_fabric *f, const struct cxf_path *p, cxf_time_t now,
                           uint32_t bytes, bool write);
/* The unloaded cost of a 64-byte read on the path (no queueing). */
cxf_time_t cxf_path_idle_read_ns(const struct cxf_fabric *f, const struct cxf_path *p);
/* Any link of the path down? */
bool cxf_path_up(const struct cxf_path *p);

/* CXL.mem transactions (CXL 3.0 3.3): M2S Req MemRd answered by S2M DRS
 * MemData, M2S RwD MemWr answered by S2M NDR Cmp. */
enum cxf_m2s_op { CXF_M2S_MEMRD, CXF_M2S_MEMWR };
enum cxf_s2m_op { CXF_S2M_NONE, CXF_S2M_DRS_MEMDATA, CXF_S2M_NDR_CMP };

struct cxf_xact {
    enum cxf_m2s_op op;
    uint64_t hpa;
    uint32_t len;          /* 64 (a line) or 4096 (a page, 64 lines pipelined) */
    void *data;            /* read into / written from */
    bool poison;           /* M2S RwD: write data is poisoned */
    /* results */
    enum cxf_s2m_op resp;
    bool data_poisoned;    /* S2M DRS Poison bit */
    int status;            /* 0, or the routing error */
    cxf_time_t done;       /* completion time */
};

/* Perform a transaction from `node` at time `now` on real bytes. Returns
 * x->status. */
int cxf_fabric_mem(struct cxf_fabric *f, unsigned node, struct cxf_xact *x, cxf_time_t now);

/* -------------------------------------------------------- bridges & faults */

/* The HPA at which `node` reaches `target`'s DRAM offset through its bridge
 * window; -ENOENT if the offset is not exported or a bridge is missing. */
int cxf_bridge_hpa(const struct cxf_fabric *f, unsigned node, unsigned target,
                   uint64_t dram_offset, uint64_t *hpa);
/* Change what a node exports (invalidates translations). */
int cxf_bridge_set_export(struct cxf_fabric *f, unsigned host, uint64_t offset, uint64_t size,
                          struct cxf_err *e);

int cxf_fault_link(struct cxf_fabric *f, const char *link_name, bool down, struct cxf_err *e);
/* Node failure: its bridge stops answering and its memory is gone. */
int cxf_fault_node_fail(struct cxf_fabric *f, unsigned host);
/* Poison a line of a device (device-wide DPA). */
int cxf_fault_poison(struct cxf_fabric *f, const char *dev, uint64_t dpa, struct cxf_err *e);
struct cxf_link *cxf_fabric_link_by_name(struct cxf_fabric *f, const char *name);
/* Every link in turn (switch ports, then bridges' host links); NULL past the last. */
struct cxf_link *cxf_fabric_link(struct cxf_fabric *f, unsigned i);

/* ---------------------------------------------------------------- output */

/* The topology as JSON in the style of ndctl's `cxl list`: arrays of
 * objects with lower-case keys. */
struct json_object *cxf_fabric_topology_json(const struct cxf_fabric *f);

#endif /* CXF_FABRIC_H */
