/* feedcmd.h - airlock-feed's subcommands: one file each, one row in airlock-feed.c. */
#ifndef AIRLOCK_FEEDCMD_H
#define AIRLOCK_FEEDCMD_H

struct ctx;

int feedcmd_keygen(struct ctx *c, int argc, char **argv);
int feedcmd_build(struct ctx *c, int argc, char **argv);
int feedcmd_sign(struct ctx *c, int argc, char **argv);
int feedcmd_info(struct ctx *c, int argc, char **argv);
int feedcmd_sources(struct ctx *c, int argc, char **argv);

#endif
