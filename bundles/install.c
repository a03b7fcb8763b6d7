/*
 * install.c - the database directory: `airlock db import` and the installed
 * bundle every scan opens (layout and order of checks in install.h).
 *
 * The bundle's files are read once; the bytes that are verified are the bytes
 * that are decompressed and, for an import, the bytes written into the new
 * generation. Nothing in the directory changes before the database has
 * decompressed and passed quick_check, and the switch to a new generation is
 * one rename of a symlink.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/cur.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/install.h"

/* Named limits (with INSTALL_STATE_MAX and INSTALL_GEN_NAME_MAX). */
#define STATE_LINE_MAX	64	/* a line of a state file */
#define GENS_MAX	256	/* gen-* entries one import looks at when cleaning up */

#define DEFAULT_DIR	AIRLOCK_DB_DIR
#define GEN_PREFIX	"gen-"
#define ZST_NAME	"bundle.db.zst"
#define SIG_NAME	"bundle.db.zst.minisig"
#define STATE_NAME	"state"
#define LOCK_NAME	"lock"
#define CURRENT_NAME	"current"
#define PREVIOUS_NAME	"previous"
#define SIG_SUFFIX	".minisig"

#define NO_DB_HINT	"no vulnerability database imported (airlock db import BUNDLE)"

const char *
install_dir(const char *dir)
{
	const char *env;

	if (dir != NULL)
		return dir;
	env = getenv("AIRLOCK_DB_DIR");
	return env != NULL && *env != '\0' ? env : DEFAULT_DIR;
}

/* "a/b" or "a/b/c" (c may be NULL), malloc'd. */
static char *
pjoin(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + 1 + strlen(b) + 1 + (c ? strlen(c) + 1 : 0);
	char *p = xmalloc(n);

	if (c != NULL)
		snprintf(p, n, "%s/%s/%s", a, b, c);
	else
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* --- state file ----------------------------------------------------------- */

int
install_state_format(const struct install_state *st, char *out, size_t outlen)
{
	char created[BUNDLE_TIME_LEN + 1], expires[BUNDLE_TIME_LEN + 1];
	char imported[BUNDLE_TIME_LEN + 1], replaced[48] = "";
	int n;

	bundle_time_format(st->created, created);
	bundle_time_format(st->expires, expires);
	bundle_time_format(st->imported, imported);
	if (st->replaced_any)
		snprintf(replaced, sizeof(replaced), "replaced=%" PRIu64 "\n",
		    st->replaced_serial);
	n = snprintf(out, outlen, "airlock-db-state=%d\nserial=%" PRIu64 "\nkeyid=%s\n"
	    "created=%s\nexpires=%s\nimported=%s\ndowngrade=%d\n%s", INSTALL_STATE_FORMAT,
	    st->serial, st->keyid, created, expires, imported, st->downgrade ? 1 : 0, replaced);
	return n < 0 || (size_t)n >= outlen ? -1 : n;
}

/* Canonical decimal u64 of s[0..n): no sign, no leading zero, no overflow. */
static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	*v = 0;
	if (n == 0 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (ckd_mul(&x, x, (uint64_t)10) || ckd_add(&x, x, (uint64_t)(s[i] - '0')))
			return -1;
	}
	*v = x;
	return 0;
}

/* The next line, which must be "key=VALUE"; val and vlen get VALUE. */
static int
state_field(struct cur *k, const char *key, const char **val, size_t *vlen)
{
	size_t n, kl = strlen(key);
	const char *line;

	if (cur_get_line(k, STATE_LINE_MAX, &line, &n) != 0 || n <= kl ||
	    memcmp(line, key, kl) != 0 || line[kl] != '=')
		return -1;
	*val = line + kl + 1;
	*vlen = n - kl - 1;
	return 0;
}

static int
state_parse(struct ctx *c, const uint8_t *buf, size_t len, struct install_state *st)
{
	static const char *const times[] = { "created", "expires", "imported" };
	int64_t *tv[3];
	char again[INSTALL_STATE_MAX + 1];
	const char *v;
	uint64_t u;
	size_t n, i;
	struct cur k;

	memset(st, 0, sizeof(*st));
	tv[0] = &st->created;
	tv[1] = &st->expires;
	tv[2] = &st->imported;
	if (len > INSTALL_STATE_MAX)
		return ctx_err(c, E_LIMIT, "state larger than %d bytes (INSTALL_STATE_MAX)",
		    INSTALL_STATE_MAX);
	cur_init(&k, buf, len);
	if (state_field(&k, "airlock-db-state", &v, &n) != 0 || parse_u64(v, n, &u) != 0)
		return ctx_err(c, E_FORMAT, "state: not an airlock database state");
	if (u != INSTALL_STATE_FORMAT)
		return ctx_err(c, E_UNSUPPORTED, "state: format %" PRIu64 " is not supported",
		    u);
	if (state_field(&k, "serial", &v, &n) != 0 || parse_u64(v, n, &st->serial) != 0)
		return ctx_err(c, E_FORMAT, "state: bad serial");
	if (state_field(&k, "keyid", &v, &n) != 0 || n != 16)
		return ctx_err(c, E_FORMAT, "state: bad keyid");
	for (i = 0; i < 16; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'F')))
			return ctx_err(c, E_FORMAT, "state: bad keyid");
		st->keyid[i] = v[i];
	}
	for (i = 0; i < 3; i++)
		if (state_field(&k, times[i], &v, &n) != 0 || bundle_time_parse(v, n, tv[i]) != 0)
			return ctx_err(c, E_FORMAT, "state: bad %s time", times[i]);
	if (state_field(&k, "downgrade", &v, &n) != 0 || n != 1 || (*v != '0' && *v != '1'))
		return ctx_err(c, E_FORMAT, "state: bad downgrade");
	st->downgrade = *v == '1';
	if (cur_avail(&k) > 0) {
		if (state_field(&k, "replaced", &v, &n) != 0 ||
		    parse_u64(v, n, &st->replaced_serial) != 0)
			return ctx_err(c, E_FORMAT, "state: bad replaced serial");
		st->replaced_any = 1;
	}
	if (cur_avail(&k) > 0)
		return ctx_err(c, E_FORMAT, "state: trailing data");
	/* one spelling only: what parses must be what install_state_format writes */
	if (install_state_format(st, again, sizeof(again)) != (int)len ||
	    memcmp(again, buf, len) != 0)
		return ctx_err(c, E_FORMAT, "state: not in canonical form");
	return 0;
}

int
install_state_parse(struct ctx *c, const uint8_t *buf, size_t len, struct install_state *st)
{
	int r;

	if ((r = state_parse(c, buf, len, st)) != 0)
		memset(st, 0, sizeof(*st));	/* nothing half-parsed leaks */
	return r;
}

/* Is name one of our generation directories ("gen-" and no path syntax)? */
static int
is_gen_name(const char *name, size_t n)
{
	return n > strlen(GEN_PREFIX) && n <= INSTALL_GEN_NAME_MAX &&
	    memcmp(name, GEN_PREFIX, strlen(GEN_PREFIX)) == 0 && memchr(name, '/', n) == NULL &&
	    memchr(name, '\0', n) == NULL;
}

/* The generation DIR/link points to, and its state. E_NOTFOUND when no link. */
static int
link_state_read(struct ctx *c, const char *dir, const char *link, struct install_state *st)
{
	char target[INSTALL_GEN_NAME_MAX + 2];
	char *lpath = pjoin(dir, link, NULL), *spath = NULL;
	uint8_t *buf = NULL;
	size_t len;
	ssize_t n;
	int r = E_INTERNAL;

	memset(st, 0, sizeof(*st));
	if ((n = readlink(lpath, target, sizeof(target))) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			r = ctx_err(c, E_NOTFOUND, "%s: nothing installed", lpath);
		else
			r = ctx_errno(c, E_IO, "%s", lpath);
		goto out;
	}
	if (!is_gen_name(target, (size_t)n)) {
		r = ctx_err(c, E_FORMAT, "%s: does not point to a generation of %s", lpath, dir);
		goto out;
	}
	target[n] = '\0';
	spath = pjoin(dir, target, STATE_NAME);
	if ((r = file_read(c, spath, INSTALL_STATE_MAX, &buf, &len)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes (INSTALL_STATE_MAX)",
			    spath, INSTALL_STATE_MAX);
		goto out;
	}
	if ((r = install_state_parse(c, buf, len, st)) != 0) {
		ctx_prefix(c, "%s", spath);
		goto out;
	}
	memcpy(st->gen, target, (size_t)n + 1);
	r = 0;
out:
	if (r != 0)
		memset(st, 0, sizeof(*st));
	free(buf);
	free(spath);
	free(lpath);
	return r;
}

int
install_state_read(struct ctx *c, const char *dir, struct install_state *st)
{
	int r;

	dir = install_dir(dir);
	if ((r = link_state_read(c, dir, CURRENT_NAME, st)) == E_NOTFOUND)
		r = ctx_err(c, E_NOTFOUND, "%s: %s", dir, NO_DB_HINT);
	return r;
}

int
install_previous_read(struct ctx *c, const char *dir, struct install_state *st)
{
	return link_state_read(c, install_dir(dir), PREVIOUS_NAME, st);
}

/* --- verification --------------------------------------------------------- */

/* A bundle read into memory: the only copy of its bytes that is used. */
struct loaded {
	uint8_t *zst;
	size_t zlen;
	uint8_t *sig;
	size_t siglen;
};

static void
loaded_free(struct loaded *l)
{
	free(l->zst);
	free(l->sig);
	memset(l, 0, sizeof(*l));
}

static int
load_files(struct ctx *c, const char *path, struct loaded *l)
{
	size_t splen = strlen(path) + sizeof(SIG_SUFFIX);
	char *sigpath = xmalloc(splen);
	int r;

	memset(l, 0, sizeof(*l));
	snprintf(sigpath, splen, "%s%s", path, SIG_SUFFIX);
	if ((r = file_read(c, path, BUNDLE_ZST_MAX, &l->zst, &l->zlen)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (BUNDLE_ZST_MAX)", path,
			    BUNDLE_ZST_MAX);
	} else if ((r = file_read(c, sigpath, BUNDLE_SIG_MAX, &l->sig, &l->siglen)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes (BUNDLE_SIG_MAX)",
			    sigpath, BUNDLE_SIG_MAX);
	}
	if (r != 0)
		loaded_free(l);
	free(sigpath);
	return r;
}

/*
 * The checks of install.h's order on bytes already in memory. installed (may be
 * NULL) is the serial floor; expect (may be NULL) the state the bundle must
 * match (the installed bundle itself). label names the bundle in messages.
 */
static int
check_load(struct ctx *c, const char *label, const struct loaded *l,
    const struct install_opts *o, const struct install_state *installed,
    const struct install_state *expect, struct bundle **out)
{
	char when[BUNDLE_TIME_LEN + 1];
	struct bundle_meta meta;
	struct bundle *b = NULL;
	int r;

	*out = NULL;
	if ((r = bundle_verify(c, l->zst, l->zlen, l->sig, l->siglen, o->keys, o->nkeys,
	    &meta)) != 0) {
		ctx_prefix(c, "%s", label);
		return r;
	}
	if (expect != NULL && (meta.serial != expect->serial ||
	    strcmp(meta.keyid, expect->keyid) != 0))
		return ctx_err(c, E_VERIFY, "%s: bundle (serial %" PRIu64 ", key %s) does not "
		    "match its state (serial %" PRIu64 ", key %s)", label, meta.serial,
		    meta.keyid, expect->serial, expect->keyid);
	if (o->now > meta.expires) {
		bundle_time_format(meta.expires, when);
		if (!o->allow_expired)
			return ctx_err(c, E_STALE, "%s: expired on %s (serial %" PRIu64 ")%s", label,
			    when, meta.serial, expect != NULL ? ": import a newer bundle, or "
			    "scan with --allow-expired" : "");
		meta.expired = 1;
	}
	if (installed != NULL && meta.serial < installed->serial) {
		if (!o->allow_downgrade)
			return ctx_err(c, E_STALE, "%s: bundle serial %" PRIu64 " is older than "
			    "the installed serial %" PRIu64 " (--allow-downgrade to accept it)",
			    label, meta.serial, installed->serial);
		meta.downgrade = 1;
		meta.downgraded_from = installed->serial;
	}
	/* the verified buffer itself, as bundle_open_capped (open.c) does */
	if ((r = bundle_db_load(c, l->zst, l->zlen, o->db_max ? o->db_max : BUNDLE_DB_MAX,
	    &b)) != 0) {
		ctx_prefix(c, "%s", label);
		goto out;
	}
	/* the database's meta must repeat the signed format and serial */
	if ((r = bundle_db_read_meta(c, b)) != 0) {
		ctx_prefix(c, "%s", label);
		goto out;
	}
	if (b->meta.format != meta.format || b->meta.serial != meta.serial) {
		r = ctx_err(c, E_VERIFY, "%s: database serial %" PRIu64 " does not match the "
		    "signed serial %" PRIu64, label, b->meta.serial, meta.serial);
		goto out;
	}
	b->meta = meta;
	*out = b;
	b = NULL;
	r = 0;
out:
	bundle_close(b);
	return r;
}

int
install_open(struct ctx *c, const char *dir, const char *path, const struct install_opts *o,
    struct bundle **out, struct install_state *stp, char **opened)
{
	struct install_state st;
	struct loaded l = { NULL, 0, NULL, 0 };
	int r, have = 0;
	char *zpath = NULL;

	*out = NULL;
	if (opened != NULL)
		*opened = NULL;
	memset(&st, 0, sizeof(st));
	dir = install_dir(dir);
	r = install_state_read(c, dir, &st);
	if (r == 0)
		have = 1;
	else if (r != E_NOTFOUND || path == NULL)
		goto out;	/* an unreadable state fails closed: no rollback check */
	if (path == NULL) {
		zpath = pjoin(dir, st.gen, ZST_NAME);
		if ((r = load_files(c, zpath, &l)) != 0)
			goto out;
		if ((r = check_load(c, zpath, &l, o, NULL, &st, out)) != 0)
			goto out;
		(*out)->meta.downgrade = st.downgrade;
		(*out)->meta.downgraded_from = st.downgrade ? st.replaced_serial : 0;
	} else {
		zpath = xstrdup(path);
		if ((r = load_files(c, zpath, &l)) != 0)
			goto out;
		if ((r = check_load(c, zpath, &l, o, have ? &st : NULL, NULL, out)) != 0)
			goto out;
	}
	if (stp != NULL)
		*stp = st;
	if (opened != NULL) {
		*opened = zpath;
		zpath = NULL;
	}
	r = 0;
out:
	loaded_free(&l);
	free(zpath);
	return r;
}

/* --- import --------------------------------------------------------------- */

static int
fsync_path(struct ctx *c, const char *path)
{
	int fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 || fsync(fd) == -1)
		r = ctx_errno(c, E_IO, "%s: fsync", path);
	if (fd != -1)
		close(fd);
	return r;
}

/* Creates path (which must not exist) with data, synced. */
static int
write_synced(struct ctx *c, const char *path, const void *data, size_t len)
{
	const uint8_t *p = data;
	ssize_t n;
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1)
		return ctx_errno(c, E_IO, "%s", path);
	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = ctx_errno(c, E_IO, "%s: write", path);
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (r == 0 && fsync(fd) == -1)
		r = ctx_errno(c, E_IO, "%s: fsync", path);
	if (close(fd) == -1 && r == 0)
		r = ctx_errno(c, E_IO, "%s: close", path);
	return r;
}

/* Points DIR/name at target: a new symlink renamed over the old one, DIR synced. */
static int
switch_link(struct ctx *c, const char *dir, const char *name, const char *target)
{
	size_t tl = strlen(name) + 6;
	char *tmpname = xmalloc(tl), *tmp, *path;
	int r;

	snprintf(tmpname, tl, ".%s.tmp", name);
	tmp = pjoin(dir, tmpname, NULL);
	path = pjoin(dir, name, NULL);
	if (unlink(tmp) == -1 && errno != ENOENT)
		r = ctx_errno(c, E_IO, "%s", tmp);
	else if (symlink(target, tmp) == -1)
		r = ctx_errno(c, E_IO, "%s: symlink", tmp);
	else
		r = file_commit(c, tmp, path);	/* rename, fsync DIR; unlinks tmp on failure */
	free(tmpname);
	free(tmp);
	free(path);
	return r;
}

/* Removes DIR/name, a generation directory (its files, then itself): best effort. */
static void
remove_gen(const char *dir, const char *name)
{
	char *path = pjoin(dir, name, NULL);
	struct dirent *e;
	DIR *d;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			unlink(path);	/* not a directory: a stray file or link */
		free(path);
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		free(path);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	rmdir(path);
	free(path);
}

/* Removes every gen-* of dir but keep1 and keep2 (may be NULL), and stray
 * temporary links: what interrupted imports and replaced generations left. */
static void
cleanup(const char *dir, const char *keep1, const char *keep2)
{
	char *names[GENS_MAX], *p;
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while (n < GENS_MAX && (e = readdir(d)) != NULL) {
		if (!is_gen_name(e->d_name, strlen(e->d_name)) ||
		    (keep1 != NULL && strcmp(e->d_name, keep1) == 0) ||
		    (keep2 != NULL && strcmp(e->d_name, keep2) == 0))
			continue;
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		remove_gen(dir, names[i]);
		free(names[i]);
	}
	p = pjoin(dir, "." CURRENT_NAME ".tmp", NULL);
	unlink(p);
	free(p);
	p = pjoin(dir, "." PREVIOUS_NAME ".tmp", NULL);
	unlink(p);
	free(p);
}

/* 1 when the installed generation holds exactly l's bytes. */
static int
same_as_installed(const char *dir, const struct install_state *st, const struct loaded *l)
{
	char *zpath = pjoin(dir, st->gen, ZST_NAME);
	struct loaded cur;
	struct ctx scratch;	/* a failure here only means "not the same" */
	int same = 0;

	ctx_init(&scratch);
	if (load_files(&scratch, zpath, &cur) == 0) {
		same = cur.zlen == l->zlen && cur.siglen == l->siglen &&
		    memcmp(cur.zst, l->zst, l->zlen) == 0 && memcmp(cur.sig, l->sig, l->siglen) == 0;
		loaded_free(&cur);
	}
	free(zpath);
	return same;
}

static int
lock_dir(struct ctx *c, const char *dir, int *fdp)
{
	char *path = pjoin(dir, LOCK_NAME, NULL);
	int fd, r = 0;

	*fdp = -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) == -1) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			r = ctx_errno(c, E_IO, "%s: lock", path);
			close(fd);
			goto out;
		}
	}
	*fdp = fd;
out:
	free(path);
	return r;
}

int
install_import(struct ctx *c, const char *dir, const char *path, const struct install_opts *o,
    struct install_state *stp, int *unchanged)
{
	struct install_state cur, st;
	struct install_opts io;
	struct loaded l = { NULL, 0, NULL, 0 };
	const struct bundle_meta *m;
	struct bundle *b = NULL;
	char *gendir = NULL, *fpath = NULL, text[INSTALL_STATE_MAX + 1];
	const char *gen = NULL;
	struct stat sb;
	size_t glen;
	int r = E_INTERNAL, have = 0, lockfd = -1, committed = 0, n;

	if (stp != NULL)
		memset(stp, 0, sizeof(*stp));
	if (unchanged != NULL)
		*unchanged = 0;
	dir = install_dir(dir);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return ctx_errno(c, E_IO, "%s: create database directory", dir);
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return ctx_err(c, E_IO, "%s: not a directory", dir);
	if ((r = lock_dir(c, dir, &lockfd)) != 0)
		return r;
	/* under the lock: what is installed now is the floor */
	r = install_state_read(c, dir, &cur);
	if (r == 0)
		have = 1;
	else if (r != E_NOTFOUND)
		goto out;	/* unreadable state: refuse rather than lose the rollback floor */
	if ((r = load_files(c, path, &l)) != 0)
		goto out;
	io = *o;
	io.allow_expired = 0;	/* never install an expired bundle */
	if ((r = check_load(c, path, &l, &io, have ? &cur : NULL, NULL, &b)) != 0)
		goto out;
	m = bundle_get_meta(b);
	if (have && m->serial == cur.serial && same_as_installed(dir, &cur, &l)) {
		if (stp != NULL)
			*stp = cur;
		if (unchanged != NULL)
			*unchanged = 1;
		r = 0;
		goto out;
	}
	memset(&st, 0, sizeof(st));
	st.serial = m->serial;
	memcpy(st.keyid, m->keyid, sizeof(st.keyid));
	st.created = m->created;
	st.expires = m->expires;
	st.imported = o->now;
	st.downgrade = m->downgrade;
	st.replaced_any = have;
	st.replaced_serial = have ? cur.serial : 0;
	bundle_close(b);	/* checked: the database itself is not needed any more */
	b = NULL;
	if ((n = install_state_format(&st, text, sizeof(text))) < 0) {
		r = ctx_err(c, E_INTERNAL, "state too long");
		goto out;
	}

	/* the new generation, complete and synced before anything points to it */
	glen = strlen(dir) + sizeof("/" GEN_PREFIX ".XXXXXX") + 20;
	gendir = xmalloc(glen);
	snprintf(gendir, glen, "%s/" GEN_PREFIX "%" PRIu64 ".XXXXXX", dir, st.serial);
	if (mkdtemp(gendir) == NULL) {
		r = ctx_errno(c, E_IO, "%s: create generation directory", dir);
		free(gendir);
		gendir = NULL;
		goto out;
	}
	gen = gendir + strlen(dir) + 1;
	snprintf(st.gen, sizeof(st.gen), "%s", gen);
	if (chmod(gendir, 0755) == -1) {
		r = ctx_errno(c, E_IO, "%s", gendir);
		goto out;
	}
	fpath = pjoin(gendir, ZST_NAME, NULL);
	if ((r = write_synced(c, fpath, l.zst, l.zlen)) != 0)
		goto out;
	free(fpath);
	fpath = pjoin(gendir, SIG_NAME, NULL);
	if ((r = write_synced(c, fpath, l.sig, l.siglen)) != 0)
		goto out;
	free(fpath);
	fpath = pjoin(gendir, STATE_NAME, NULL);
	if ((r = write_synced(c, fpath, text, (size_t)n)) != 0)
		goto out;
	if ((r = fsync_path(c, gendir)) != 0)
		goto out;

	/* previous first (it may equal current for a moment), then the switch */
	if (have && (r = switch_link(c, dir, PREVIOUS_NAME, cur.gen)) != 0)
		goto out;
	if ((r = switch_link(c, dir, CURRENT_NAME, gen)) != 0)
		goto out;
	committed = 1;
	cleanup(dir, gen, have ? cur.gen : NULL);
	if (stp != NULL)
		*stp = st;
	r = 0;
out:
	if (gendir != NULL && !committed)
		remove_gen(dir, gen);
	bundle_close(b);
	loaded_free(&l);
	free(fpath);
	free(gendir);
	if (lockfd != -1)
		close(lockfd);	/* releases the lock */
	return r;
}
