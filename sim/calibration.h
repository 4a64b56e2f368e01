/*
 * sim/calibration.h - every default timing number of the emulator, in one
 * place. Each value is documented with its published source, and whether it
 * is a measurement or an estimate, in docs/calibration.md; keep the two in
 * step. Latencies are in nanoseconds, bandwidths in bytes per second.
 */
#ifndef CXF_CALIBRATION_H
#define CXF_CALIBRATION_H

/* ---- type-3 device media (cxl-dev) -------------------------------------- */
/* DRAM core read on a closed page: tRP + tRCD + CL at DDR5-4800 CL40. */
#define CXF_CAL_MEDIA_READ_NS        50u
/* Posted write acknowledged by the controller's write buffer (estimate). */
#define CXF_CAL_MEDIA_WRITE_NS       25u
/* Two DDR5-4800 channels (2 x 38.4 GB/s) derated to the ~36 GB/s Micron
 * measured on a CZ120 module. */
#define CXF_CAL_MEDIA_BANDWIDTH      36000000000ull

/* ---- nodes and fabric (fabric) ----------------------------------------- */
/* Local DRAM idle load-to-use latency: Pond (ASPLOS'23) measured 78 and
 * 115 ns on two platforms; 100 ns is the middle of that range. */
#define CXF_CAL_DRAM_NS              100u
/* Node DRAM bandwidth: 8 DDR5-4800 channels (8 x 38.4 GB/s) at the ~70%
 * efficiency Sun et al. (MICRO'23) measured for local DDR5. */
#define CXF_CAL_DRAM_BANDWIDTH       215000000000ull
/* Host side of a CXL root port, round trip (core/mesh to the CXL controller
 * and PHY): estimate, chosen with the device port below so that a
 * direct-attached type-3 read is ~180 ns = local + 80 ns (Pond: +70-90). */
#define CXF_CAL_HOST_PORT_NS         60u
/* Device controller and PHY, round trip (estimate, see above). */
#define CXF_CAL_DEVICE_PORT_NS       60u
/* One CXL switch traversal, round trip: estimate; Pond projects >180 ns over
 * local for switched pools, ~90 ns more than direct-attached. */
#define CXF_CAL_SWITCH_NS            90u
/* One memory bridge traversal, round trip: estimate, costed like a device
 * controller. Host-to-host through two bridges lands near 390 ns, inside the
 * 400-600 ns published for box-level pooling (Samsung CMM-B: 596 ns). */
#define CXF_CAL_BRIDGE_NS            60u
/* Wire and PHY flight per link per direction (short reach, no retimer). */
#define CXF_CAL_LINK_FLIGHT_NS       2u
/* A request or completion message on a link: one 16-byte slot of a 68-byte
 * flit (CXL 2.0 68B flit: 4 x 16 B slots + CRC + protocol id). */
#define CXF_CAL_HEADER_BYTES         16u
/* Share of raw link bandwidth that carries data: 64/68 slot efficiency and
 * header slots for data responses give ~80% (arithmetic). */
#define CXF_CAL_FLIT_EFFICIENCY      0.80
/* PCIe generation of every link: Gen5, 32 GT/s, 128b/130b. */
#define CXF_CAL_LINK_GEN             5u
#define CXF_CAL_HOST_LINK_WIDTH      16u  /* root port <-> switch, bridges */
#define CXF_CAL_DEVICE_LINK_WIDTH    8u   /* E3.S type-3 devices are x8 */

/* ---- nodes (node) -------------------------------------------------------- */
/* LLC hit latency: ~13.5 ns on AMD Zen 4 (50 cycles at 3.7 GHz, Chips and
 * Cheese), ~30 ns on Sapphire Rapids' mesh; 20 ns between them. */
#define CXF_CAL_LLC_HIT_NS           20u
/* One AMD Genoa CCD's L3 (32 MiB, 16 ways), the L3 a core can hit. */
#define CXF_CAL_LLC_SIZE             (32ull << 20)
#define CXF_CAL_LLC_WAYS             16u
/* vCPU scheduling quantum: small enough that vCPUs sharing links and
 * memory interleave finely, large enough to amortise the event. */
#define CXF_CAL_QUANTUM_NS           10000u

/* ---- migration (migrate) ------------------------------------------------- */
/* Write-protecting one page for dirty logging at migration setup (KVM's
 * pass over the memory slot): a few ns per 4 KiB page (estimate). */
#define CXF_CAL_WP_NS_PER_PAGE       5u
/* One fabric-manager command that rebinds an LD (unbind or bind vPPB) or a
 * host programming its region's decoders (estimate: a CCI round trip and
 * switch reconfiguration; the link stays up). */
#define CXF_CAL_FM_COMMAND_NS        100000u

#endif /* CXF_CALIBRATION_H */
