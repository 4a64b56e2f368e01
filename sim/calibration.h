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

#endif /* CXF_CALIBRATION_H */
