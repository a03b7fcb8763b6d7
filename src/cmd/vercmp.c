/*
 * vercmp.c - `airlock vercmp deb|rpm|apk A B` prints <, = or > as dpkg, rpm
 * or apk-tools orders A and B; `airlock vercmp ECO -` does the same for each
 * "A B" line of stdin (one result line per input line; the first bad line
 * stops the run with exit 2).
 *
 * Nothing after the ecosystem is an option, so versions may start with '-'.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "cmd/cmd.h"
#include "version/version.h"

/* Longest stdin line: two versions at their limit and the blanks around them. */
#define VERCMP_LINE_MAX (2 * VERSION_MAX_LEN + 64)
/* Bytes of a version quoted in an error message. */
#define VERCMP_SHOW_MAX 64

/* Indexed by enum version_eco: the names version_eco_from_name() takes. */
static const char *const eco_names[] = {
	[VERSION_DEB] = "deb",
	[VERSION_RPM] = "rpm",
	[VERSION_APK] = "apk",
};

/* Copies v into buf for a message: non-printable bytes as \xHH, long ones cut. */
static const char *
show(char *buf, size_t size, const char *v)
{
	size_t i, o = 0;
	unsigned char ch;

	for (i = 0; v[i] != '\0' && o + 8 < size; i++) {
		if (i == VERCMP_SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		ch = (unsigned char)v[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '\'')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	buf[o] = '\0';
	return buf;
}

/* Compares a and b and prints the answer, or sets the message for a bad version. */
static int
compare_one(struct ctx *c, enum version_eco eco, const char *a, const char *b)
{
	char shown[4 * VERCMP_SHOW_MAX + 8];
	const char *bad, *why = NULL;
	int r, res;

	r = version_cmp(eco, a, b, &res);
	if (r == E_FORMAT || r == E_LIMIT) {
		bad = a;
		if (version_check(eco, a, &why) == 0) {
			bad = b;
			(void)version_check(eco, b, &why);
		}
		return ctx_err(c, r, "invalid %s version '%s': %s", eco_names[eco],
		    show(shown, sizeof(shown), bad), why ? why : "rejected");
	}
	if (r != 0)
		return ctx_err(c, r, "cannot compare versions (%s)", ctx_code_name(r));
	putchar(res < 0 ? '<' : res > 0 ? '>' : '=');
	putchar('\n');
	return 0;
}

/* Reads one line without its newline; 0, 1 at end of input, or an error. */
static int
read_line(struct ctx *c, FILE *f, char *buf, size_t size, unsigned long lineno)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			return ctx_err(c, E_FORMAT, "line %lu: NUL byte", lineno);
		if (n + 1 >= size)
			return ctx_err(c, E_LIMIT, "line %lu: longer than %d bytes "
			    "(VERCMP_LINE_MAX)", lineno, VERCMP_LINE_MAX);
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	if (ferror(f))
		return ctx_errno(c, E_IO, "reading stdin");
	if (ch == EOF && n == 0)
		return 1;
	return 0;
}

/* Splits a line into exactly two blank-separated fields, in place. */
static int
split_pair(char *line, char **a, char **b)
{
	char *f[2], *p = line;
	int i;

	for (i = 0; i < 2; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return -1;
		f[i] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	*a = f[0];
	*b = f[1];
	return 0;
}

static int
compare_stdin(struct ctx *c, enum version_eco eco)
{
	char line[VERCMP_LINE_MAX + 1], *a, *b;
	unsigned long lineno;
	int r;

	for (lineno = 1;; lineno++) {
		r = read_line(c, stdin, line, sizeof(line), lineno);
		if (r == 1)
			break;
		if (r != 0)
			return r;
		if (split_pair(line, &a, &b) != 0)
			return ctx_err(c, E_FORMAT, "line %lu: expected two versions", lineno);
		if ((r = compare_one(c, eco, a, b)) != 0) {
			ctx_prefix(c, "line %lu", lineno);
			return r;
		}
	}
	return 0;
}

int
cmd_vercmp(struct ctx *c, int argc, char **argv)
{
	const char *name;
	int eco, opt, r = E_INTERNAL;

	while ((opt = getopt(argc, argv, "+q")) != -1) {
		switch (opt) {
		case 'q':
			c->quiet = 1;	/* nothing to silence: results are the output */
			break;
		default:
			r = ctx_err(c, E_USAGE, "vercmp: unknown option '-%c'", optopt);
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		r = ctx_err(c, E_USAGE, "vercmp: missing ecosystem (deb, rpm or apk)");
		goto out;
	}
	name = argv[0];
	if ((eco = version_eco_from_name(name)) < 0) {
		r = ctx_err(c, E_USAGE, "vercmp: unknown ecosystem '%.32s' (deb, rpm or apk)",
		    name);
		goto out;
	}
	if (argc == 2 && strcmp(argv[1], "-") == 0)
		r = compare_stdin(c, (enum version_eco)eco);
	else if (argc == 3)
		r = compare_one(c, (enum version_eco)eco, argv[1], argv[2]);
	else {
		r = ctx_err(c, E_USAGE, "vercmp: expected two versions or '-'");
		goto out;
	}
	if (r != 0) {
		ctx_prefix(c, "vercmp");
		goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		r = ctx_errno(c, E_IO, "vercmp: writing stdout");
		goto out;
	}
	r = 0;
out:
	return r;
}
