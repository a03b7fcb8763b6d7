/* cmd.h - the scanner's subcommands: one file each, one row in airlock.c. */
#ifndef AIRLOCK_CMD_H
#define AIRLOCK_CMD_H

struct ctx;

int cmd_scan(struct ctx *c, int argc, char **argv);
int cmd_packages(struct ctx *c, int argc, char **argv);
int cmd_verify(struct ctx *c, int argc, char **argv);
int cmd_vercmp(struct ctx *c, int argc, char **argv);
int cmd_db(struct ctx *c, int argc, char **argv);

#endif
