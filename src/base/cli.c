/* cli.c - subcommand dispatch, the only place that prints errors and picks exit codes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/cli.h"
#include "base/ctx.h"

static void
usage_all(FILE *f, const char *prog, const struct cmd *cmds)
{
	const struct cmd *k;

	fprintf(f, "usage: %s COMMAND [OPTIONS] [ARGS]\n\ncommands:\n", prog);
	for (k = cmds; k->name; k++)
		fprintf(f, "  %-10s %s\n", k->name, k->summary);
	fprintf(f, "\n%s COMMAND -h shows the options of a command; %s version its version.\n",
	    prog, prog);
}

/*
 * AIRLOCK_STATS=1: one line on stderr with the bytes this process read
 * (/proc/self/io rchar) and its peak RSS, for bench/. Nothing when unset.
 */
static void
print_stats(const char *prog)
{
	char line[128];
	unsigned long long rchar = 0;
	struct rusage ru;
	FILE *f;

	if (getenv("AIRLOCK_STATS") == NULL)
		return;
	if ((f = fopen("/proc/self/io", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "rchar: %llu", &rchar) == 1)
				break;
		fclose(f);
	}
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		memset(&ru, 0, sizeof(ru));
	fprintf(stderr, "%s: stats: rchar=%llu maxrss_kib=%ld\n", prog, rchar, ru.ru_maxrss);
}

void
cli_reset_getopt(void)
{
	optind = 1;
	opterr = 0;
}

int
cli_main(const char *prog, const struct cmd *cmds, int argc, char **argv)
{
	const struct cmd *k;
	struct ctx c;
	int r;

	ctx_init(&c);
	if (argc < 2) {
		usage_all(stderr, prog, cmds);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_all(stdout, prog, cmds);
		return 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", prog, PACKAGE_VERSION);
		return 0;
	}
	for (k = cmds; k->name; k++)
		if (strcmp(k->name, argv[1]) == 0)
			break;
	if (k->name == NULL) {
		fprintf(stderr, "%s: unknown command '%s' (see %s -h)\n", prog, argv[1], prog);
		return 2;
	}
	if (argc > 2 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0)) {
		printf("usage: %s %s\n", prog, k->usage);
		return 0;
	}
	cli_reset_getopt();
	r = k->fn(&c, argc - 1, argv + 1);
	print_stats(prog);
	if (r >= 0)
		return r;
	if (c.err[0] == '\0')
		snprintf(c.err, sizeof(c.err), "failed (%s)", ctx_code_name(r));
	/* one line, always; usage errors point at the command's help */
	if (r == E_USAGE)
		fprintf(stderr, "%s: %s (see %s %s -h)\n", prog, c.err, prog, k->name);
	else
		fprintf(stderr, "%s: %s\n", prog, c.err);
	return 2;
}
