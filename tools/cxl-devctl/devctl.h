/* tools/cxl-devctl/devctl.h - the tool's two subcommands. */
#ifndef CXF_DEVCTL_H
#define CXF_DEVCTL_H

#define DEVCTL "cxl-devctl"

/* Exit status for bad arguments: sysexits' EX_USAGE, kept apart from the
 * answers (decode uses 0, 1 and 2 for mapped / other position / outside). */
#define DEVCTL_EXIT_USAGE 64

int devctl_mbox(int argc, char **argv);
int devctl_decode(int argc, char **argv);

#endif
