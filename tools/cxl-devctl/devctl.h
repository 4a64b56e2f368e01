/* tools/cxl-devctl/devctl.h - the tool's two subcommands. */
#ifndef CXF_DEVCTL_H
#define CXF_DEVCTL_H

#define DEVCTL "cxl-devctl"

int devctl_mbox(int argc, char **argv);
int devctl_decode(int argc, char **argv);

#endif
