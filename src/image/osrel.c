/*
 * osrel.c - which distribution an image is, from os-release(5).
 *
 * os-release is a list of shell-style KEY=VALUE assignments: values may be
 * unquoted, "double quoted" (backslash escapes \" \\ \$ \` and a backslash
 * before any other byte keeps both) or 'single quoted' (literal). Blank lines
 * and lines starting with '#' are comments; malformed lines are ignored, as
 * systemd's parser ignores them. Later assignments override earlier ones.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "image/image.h"

#define OSREL_MAX_SIZE		(64 * 1024)	/* whole os-release file */
#define OSREL_MAX_LINE		4096		/* one assignment */
#define OSREL_MAX_LINES		1024
#define OSREL_MAX_CODENAME	64		/* a codename derived from VERSION */

const char *const image_os_paths[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/debian_version",
	NULL,
};

void
osinfo_free(struct osinfo *os)
{
	if (os == NULL)
		return;
	free(os->id);
	free(os->version_id);
	free(os->codename);
	free(os->pretty_name);
	memset(os, 0, sizeof(*os));
}

static int
is_key_char(char ch, int first)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_')
		return 1;
	return !first && ch >= '0' && ch <= '9';
}

/*
 * Parses the value part of one assignment (the bytes after '=') into val:
 * quoted parts as described above; unquoted blanks are kept inside the value
 * and trimmed at its end (as systemd does). Returns 0, or -1 when a quote is
 * not terminated.
 */
static int
parse_value(const char *p, size_t n, struct sb *val)
{
	size_t i = 0, keep = 0;
	char q;

	sb_reset(val);
	sb_add(val, "", 0);
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (i < n) {
		if (p[i] == '"' || p[i] == '\'') {
			q = p[i++];
			while (i < n && p[i] != q) {
				if (q == '"' && p[i] == '\\' && i + 1 < n) {
					char e = p[i + 1];

					if (e != '"' && e != '\\' && e != '$' && e != '`')
						sb_addc(val, '\\');
					sb_addc(val, e);
					i += 2;
					continue;
				}
				sb_addc(val, p[i++]);
			}
			if (i == n)
				return -1;
			i++;
			keep = val->len;
			continue;
		}
		if (p[i] == '\\' && i + 1 < n) {
			sb_addc(val, p[i + 1]);
			i += 2;
			keep = val->len;
			continue;
		}
		sb_addc(val, p[i]);
		if (p[i] != ' ' && p[i] != '\t')
			keep = val->len;
		i++;
	}
	val->len = keep;
	val->s[keep] = '\0';
	return 0;
}

static void
set_field(char **dst, const struct sb *val)
{
	free(*dst);
	*dst = val->len > 0 ? xstrndup(val->s, val->len) : NULL;
}

/* "12 (bookworm)" -> "bookworm"; "18.04.6 LTS (Bionic Beaver)" -> "bionic". */
static char *
codename_from_version(const char *v)
{
	const char *open, *p;
	char buf[OSREL_MAX_CODENAME + 1];
	size_t n = 0;

	if (v == NULL || (open = strchr(v, '(')) == NULL)
		return NULL;
	for (p = open + 1; *p && *p != ')' && *p != ' ' && *p != ','; p++) {
		if (n == OSREL_MAX_CODENAME)
			return NULL;
		buf[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	if (n == 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

int
image_os_parse(struct ctx *c, const uint8_t *buf, size_t len, struct osinfo *os)
{
	struct sb val = SB_INIT;
	struct cur k;
	char *version = NULL, *ubuntu_codename = NULL;
	const char *line;
	size_t n, klen, lines = 0;
	int r = E_INTERNAL, g;

	memset(os, 0, sizeof(*os));
	if (len > OSREL_MAX_SIZE) {
		r = ctx_err(c, E_LIMIT, "os-release larger than OSREL_MAX_SIZE (%d bytes)",
		    OSREL_MAX_SIZE);
		goto out;
	}
	cur_init(&k, buf, len);
	while (cur_avail(&k) > 0) {
		if ((g = cur_get_line(&k, OSREL_MAX_LINE, &line, &n)) != 0) {
			r = ctx_err(c, g, "os-release: line %zu longer than OSREL_MAX_LINE (%d)",
			    lines + 1, OSREL_MAX_LINE);
			goto out;
		}
		if (++lines > OSREL_MAX_LINES) {
			r = ctx_err(c, E_LIMIT, "os-release: more than OSREL_MAX_LINES (%d) lines",
			    OSREL_MAX_LINES);
			goto out;
		}
		if (n > 0 && line[n - 1] == '\r')
			n--;
		while (n > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			n--;
		}
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n) != NULL)
			continue;
		for (klen = 0; klen < n && is_key_char(line[klen], klen == 0); klen++)
			;
		if (klen == 0 || klen == n || line[klen] != '=')
			continue;
		if (parse_value(line + klen + 1, n - klen - 1, &val) != 0)
			continue;
#define KEY_IS(s) (klen == sizeof(s) - 1 && memcmp(line, s, klen) == 0)
		if (KEY_IS("ID"))
			set_field(&os->id, &val);
		else if (KEY_IS("VERSION_ID"))
			set_field(&os->version_id, &val);
		else if (KEY_IS("VERSION_CODENAME"))
			set_field(&os->codename, &val);
		else if (KEY_IS("PRETTY_NAME"))
			set_field(&os->pretty_name, &val);
		else if (KEY_IS("VERSION"))
			set_field(&version, &val);
		else if (KEY_IS("UBUNTU_CODENAME"))
			set_field(&ubuntu_codename, &val);
#undef KEY_IS
	}
	if (os->codename == NULL && ubuntu_codename != NULL) {
		os->codename = ubuntu_codename;
		ubuntu_codename = NULL;
	}
	if (os->codename == NULL)
		os->codename = codename_from_version(version);
	r = 0;
out:
	if (r != 0)
		osinfo_free(os);
	free(version);
	free(ubuntu_codename);
	sb_free(&val);
	return r;
}

/*
 * An image without os-release but with etc/debian_version ("9.13", or
 * "bookworm/sid" on testing): Debian, with the major version when numeric.
 */
static void
os_from_debian_version(const struct image_file *f, struct osinfo *os)
{
	size_t n = 0;

	os->id = xstrdup("debian");
	while (n < f->len && n < 8 && f->data[n] >= '0' && f->data[n] <= '9')
		n++;
	if (n > 0 && (n == f->len || f->data[n] == '.' || f->data[n] == '\n'))
		os->version_id = xstrndup((const char *)f->data, n);
}

int
image_os(struct ctx *c, const struct image *img, struct osinfo *os)
{
	const struct image_file *f;
	int r;

	memset(os, 0, sizeof(*os));
	if ((f = image_file(img, "etc/os-release")) == NULL)
		f = image_file(img, "usr/lib/os-release");
	if (f == NULL) {
		if ((f = image_file(img, "etc/debian_version")) != NULL)
			os_from_debian_version(f, os);
		return 0;
	}
	if ((r = image_os_parse(c, f->data, f->len, os)) != 0)
		ctx_prefix(c, "%s", f->path);
	return r;
}
