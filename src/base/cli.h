/*
 * cli.h - git-style subcommand dispatch shared by airlock and airlock-feed.
 *
 * A command is one row {name, fn, usage, summary}. fn returns an exit status
 * (0 or 1) or a negative E_* code; cli_main() prints "PROG: MESSAGE" for the
 * latter and exits 2 (usage errors also print the command's usage).
 */
#ifndef AIRLOCK_CLI_H
#define AIRLOCK_CLI_H

struct ctx;

struct cmd {
	const char *name;
	int (*fn)(struct ctx *c, int argc, char **argv);
	const char *usage;	/* "scan [-f FORMAT] ... IMAGE" */
	const char *summary;	/* one line */
};

int cli_main(const char *prog, const struct cmd *cmds, int argc, char **argv);

/* getopt(3) reset between commands; returns optind after reset. */
void cli_reset_getopt(void);

#endif
