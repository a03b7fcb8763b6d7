/*
 * osrel.c - which distribution an image is, from os-release(5) and the
 * distributions' own release files.
 *
 * os-release is a list of shell-style KEY=VALUE assignments: values may be
 * unquoted, "double quoted" (backslash escapes \" \\ \$ \` and a backslash
 * before any other byte keeps both) or 'single quoted' (literal). Blank lines
 * and lines starting with '#' are comments; malformed lines are ignored, as
 * systemd's parser ignores them. Later assignments override earlier ones.
 */
#include "config.h"

#include <stdio.h>
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
#define OSREL_MAX_ALPINE	64		/* the version in etc/alpine-release */
#define OSREL_MAX_RELFILE	4096		/* bytes of a release file looked at */
#define OSREL_MAX_VERSION	64		/* a version taken from one */
#define OSREL_MAX_REPOS		(64 * 1024)	/* bytes of etc/apk/repositories looked at */
#define OSREL_MAX_BRANCH	16		/* "3.18": digits and one dot */

const char *const image_os_paths[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/debian_version",
	"etc/alpine-release",
	"etc/centos-release",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/oracle-release",
	"etc/fedora-release",
	"etc/redhat-release",
	"etc/amazon-linux-release",
	"etc/system-release",
	"etc/SuSE-release",
	"etc/apk/repositories",
	NULL,
};

/* "NAME release VERSION (CODENAME)" files, most specific first. */
static const char *const rh_files[] = {
	"etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
	"etc/oracle-release", "etc/fedora-release", "etc/redhat-release",
	"etc/amazon-linux-release", "etc/system-release", NULL,
};

/* The os-release ID of the distribution a release file's first line names. */
static const struct {
	const char *prefix;
	const char *id;
} rh_names[] = {
	{ "CentOS", "centos" },
	{ "Rocky Linux", "rocky" },
	{ "AlmaLinux", "almalinux" },
	{ "Oracle Linux", "ol" },
	{ "Fedora", "fedora" },
	{ "Red Hat Enterprise Linux", "rhel" },
	{ "Amazon Linux", "amzn" },
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
	free(os->release);
	free(os->branch);
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

/*
 * etc/alpine-release holds the release as one line ("3.18.4", on edge
 * "3.19_alpha20230901"): its version when it is a plain token of
 * [0-9A-Za-z._-], at most OSREL_MAX_ALPINE bytes; else NULL.
 */
static char *
alpine_release(const struct image_file *f)
{
	size_t n = 0;

	while (n < f->len && n <= OSREL_MAX_ALPINE &&
	    ((f->data[n] >= '0' && f->data[n] <= '9') ||
	    (f->data[n] >= 'a' && f->data[n] <= 'z') ||
	    (f->data[n] >= 'A' && f->data[n] <= 'Z') ||
	    f->data[n] == '.' || f->data[n] == '_' || f->data[n] == '-'))
		n++;
	if (n == 0 || n > OSREL_MAX_ALPINE ||
	    !(n == f->len || f->data[n] == '\n' || f->data[n] == '\r'))
		return NULL;
	return xstrndup((const char *)f->data, n);
}

static int
is_version_char(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    ch == '.' || ch == '_' || ch == '-';
}

/* The first line of a release file, blanks trimmed, at most OSREL_MAX_RELFILE. */
static char *
first_line(const struct image_file *f)
{
	size_t n = 0, b = 0;

	while (n < f->len && n < OSREL_MAX_RELFILE && f->data[n] != '\n' && f->data[n] != '\r')
		n++;
	while (b < n && (f->data[b] == ' ' || f->data[b] == '\t'))
		b++;
	while (n > b && (f->data[n - 1] == ' ' || f->data[n - 1] == '\t'))
		n--;
	if (n == b || memchr(f->data + b, '\0', n - b) != NULL)
		return NULL;
	return xstrndup((const char *)f->data + b, n - b);
}

/* The version after " release " in a line: "CentOS Linux release 7.9.2009 (Core)". */
static char *
release_version(const char *line)
{
	const char *p = strstr(line, " release ");
	size_t n = 0;

	if (p == NULL)
		return NULL;
	p += 9;
	while (p[n] != '\0' && n <= OSREL_MAX_VERSION && is_version_char((uint8_t)p[n]))
		n++;
	if (n == 0 || n > OSREL_MAX_VERSION || !(p[0] >= '0' && p[0] <= '9'))
		return NULL;
	return xstrndup(p, n);
}

/* "VERSION = 12" and "PATCHLEVEL = 3" of SuSE-release: "12.3" ("12" for 0). */
static char *
suse_version(const struct image_file *f)
{
	char ver[OSREL_MAX_VERSION + 1], pl[OSREL_MAX_VERSION + 1], *out;
	const uint8_t *p = f->data, *end = f->data + (f->len < OSREL_MAX_RELFILE ? f->len :
	    OSREL_MAX_RELFILE), *e;
	size_t n;

	ver[0] = pl[0] = '\0';
	for (; p < end; p = e + 1) {
		char *dst = NULL;

		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if ((size_t)(e - p) > 8 && memcmp(p, "VERSION", 7) == 0)
			dst = ver, p += 7;
		else if ((size_t)(e - p) > 11 && memcmp(p, "PATCHLEVEL", 10) == 0)
			dst = pl, p += 10;
		if (dst == NULL)
			continue;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e || *p++ != '=')
			continue;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		for (n = 0; p + n < e && n < OSREL_MAX_VERSION && is_version_char(p[n]); n++)
			dst[n] = (char)p[n];
		dst[n] = '\0';
		if (e == end)
			break;
	}
	if (ver[0] < '0' || ver[0] > '9')
		return NULL;
	if (pl[0] == '\0' || strcmp(pl, "0") == 0 || strchr(ver, '.') != NULL)
		return xstrdup(ver);
	out = xmalloc(strlen(ver) + 1 + strlen(pl) + 1);
	snprintf(out, strlen(ver) + 1 + strlen(pl) + 1, "%s.%s", ver, pl);
	return out;
}

/* The major version: "7.9.2009" -> "7". */
static char *
major_of(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return n > 0 ? xstrndup(v, n) : NULL;
}

/*
 * No os-release, no debian_version, no alpine-release: an older Red Hat family,
 * Amazon or SUSE image. version_id follows what their os-release would say:
 * the major version (Amazon Linux AMI: the whole "2018.03"); SUSE "12.3".
 */
static void
os_from_release_files(const struct image *img, struct osinfo *os)
{
	const struct image_file *f = NULL;
	char *line;
	size_t i, j;

	for (i = 0; rh_files[i] != NULL && f == NULL; i++)
		f = image_file(img, rh_files[i]);
	if (f != NULL && (line = first_line(f)) != NULL) {
		for (j = 0; j < sizeof(rh_names) / sizeof(rh_names[0]); j++)
			if (strncmp(line, rh_names[j].prefix, strlen(rh_names[j].prefix)) == 0)
				break;
		if (j < sizeof(rh_names) / sizeof(rh_names[0])) {
			os->id = xstrdup(rh_names[j].id);
			os->release = release_version(line);
			if (os->release != NULL)
				os->version_id = strstr(line, " AMI ") != NULL ?
				    xstrdup(os->release) : major_of(os->release);
			os->pretty_name = line;
			return;
		}
		free(line);
	}
	if ((f = image_file(img, "etc/SuSE-release")) != NULL &&
	    (line = first_line(f)) != NULL) {
		if (strncmp(line, "openSUSE", 8) == 0)
			os->id = xstrdup("opensuse");
		else if (strncmp(line, "SUSE Linux Enterprise Desktop", 29) == 0)
			os->id = xstrdup("sled");
		else if (strncmp(line, "SUSE Linux Enterprise", 21) == 0)
			os->id = xstrdup("sles");
		if (os->id == NULL) {
			free(line);
			return;
		}
		os->release = suse_version(f);
		os->version_id = xstrdup_or_null(os->release);
		os->pretty_name = line;
	}
}

/* The point release from the distribution's own file, where it says more. */
static void
os_release_detail(const struct image *img, struct osinfo *os)
{
	const struct image_file *f;
	char *line;
	size_t i, n = 0;

	if (os->id == NULL || os->release != NULL)
		return;
	if (strcmp(os->id, "debian") == 0) {
		/* "12.5": digits and dots on one line ("bookworm/sid" says nothing) */
		if ((f = image_file(img, "etc/debian_version")) == NULL)
			return;
		while (n < f->len && n < OSREL_MAX_VERSION &&
		    ((f->data[n] >= '0' && f->data[n] <= '9') || f->data[n] == '.'))
			n++;
		if (n > 0 && f->data[0] != '.' && (n == f->len || f->data[n] == '\n'))
			os->release = xstrndup((const char *)f->data, n);
		return;
	}
	if (strcmp(os->id, "sles") == 0 || strcmp(os->id, "sled") == 0 ||
	    strncmp(os->id, "opensuse", 8) == 0) {
		if ((f = image_file(img, "etc/SuSE-release")) != NULL)
			os->release = suse_version(f);
		return;
	}
	for (i = 0; i < sizeof(rh_names) / sizeof(rh_names[0]); i++)
		if (strcmp(os->id, rh_names[i].id) == 0)
			break;
	if (i == sizeof(rh_names) / sizeof(rh_names[0]))
		return;
	for (i = 0; rh_files[i] != NULL && os->release == NULL; i++) {
		if ((f = image_file(img, rh_files[i])) == NULL || (line = first_line(f)) == NULL)
			continue;
		os->release = release_version(line);
		free(line);
	}
}

/*
 * The branch of one etc/apk/repositories line (line[0..n)): the path segment
 * after "/alpine/" is "v<digits>.<digits>" -> "3.18", or "edge" -> "edge";
 * NULL for a comment, a blank line or anything else (a local repository).
 */
static char *
apk_line_branch(const uint8_t *line, size_t n)
{
	static const char key[] = "/alpine/";
	size_t i, k = sizeof(key) - 1, b, e, dots = 0;

	if (n == 0 || line[0] == '#')
		return NULL;
	for (i = 0; i + k <= n; i++)
		if (memcmp(line + i, key, k) == 0)
			break;
	if (i + k > n)
		return NULL;
	b = i + k;
	for (e = b; e < n && line[e] != '/'; e++)
		;
	if (e - b == 4 && memcmp(line + b, "edge", 4) == 0)
		return xstrdup("edge");
	if (e - b < 4 || e - b > OSREL_MAX_BRANCH + 1 || line[b] != 'v' ||
	    line[b + 1] < '0' || line[b + 1] > '9' || line[e - 1] == '.')
		return NULL;
	for (i = b + 1; i < e; i++) {
		if (line[i] == '.' && line[i - 1] != '.')
			dots++;
		else if (line[i] < '0' || line[i] > '9')
			return NULL;
	}
	if (dots != 1)
		return NULL;
	return xstrndup((const char *)line + b + 1, e - b - 1);
}

/*
 * The branch the image installs from: that of the first repository line
 * naming one (main comes first in Alpine's own file; a later testing or
 * community line does not change the release).
 */
static char *
apk_branch(const struct image_file *f)
{
	size_t len = f->len < OSREL_MAX_REPOS ? f->len : OSREL_MAX_REPOS, b = 0, e;
	char *branch;

	while (b < len) {
		for (e = b; e < len && f->data[e] != '\n'; e++)
			;
		while (b < e && (f->data[b] == ' ' || f->data[b] == '\t'))
			b++;
		if ((branch = apk_line_branch(f->data + b, e - b)) != NULL)
			return branch;
		b = e + 1;
	}
	return NULL;
}

static void
os_apk_branch(const struct image *img, struct osinfo *os)
{
	const struct image_file *f;

	if (os->id != NULL && strcmp(os->id, "alpine") == 0 &&
	    (f = image_file(img, "etc/apk/repositories")) != NULL)
		os->branch = apk_branch(f);
}

int
image_os(struct ctx *c, const struct image *img, struct osinfo *os)
{
	const struct image_file *f, *alp;
	int r;

	memset(os, 0, sizeof(*os));
	alp = image_file(img, "etc/alpine-release");
	if ((f = image_file(img, "etc/os-release")) == NULL)
		f = image_file(img, "usr/lib/os-release");
	if (f == NULL) {
		if ((f = image_file(img, "etc/debian_version")) != NULL)
			os_from_debian_version(f, os);
		else if (alp != NULL) {
			/* Alpine without os-release: the release file alone */
			os->id = xstrdup("alpine");
			os->release = alpine_release(alp);
			os->version_id = xstrdup_or_null(os->release);
		} else
			os_from_release_files(img, os);
		os_apk_branch(img, os);
		os_release_detail(img, os);
		return 0;
	}
	if ((r = image_os_parse(c, f->data, f->len, os)) != 0) {
		ctx_prefix(c, "%s", f->path);
		return r;
	}
	/* Alpine: etc/alpine-release is the release, and the version when
	 * os-release lacks VERSION_ID */
	if (os->id != NULL && strcmp(os->id, "alpine") == 0 && alp != NULL) {
		os->release = alpine_release(alp);
		if (os->version_id == NULL)
			os->version_id = xstrdup_or_null(os->release);
	}
	os_apk_branch(img, os);
	os_release_detail(img, os);
	return 0;
}
