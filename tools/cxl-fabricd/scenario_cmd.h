/*
 * tools/cxl-fabricd/scenario_cmd.h - cxl-fabricd --scenario: run a scenario
 * file and report (docs/scenarios.md).
 */
#ifndef CXF_SCENARIO_CMD_H
#define CXF_SCENARIO_CMD_H

#include <stdbool.h>

/* The process exit code: 0 the expected outcome, 1 another outcome, 2 a bad
 * scenario (one error line). */
int fabricd_scenario(const char *path, bool json);

#endif
