/*
 * rpm_bdb.c - rpm's BerkeleyDB `Packages` database (rpm before 4.16; RHEL/
 * CentOS 5-8, SLES 12, Amazon Linux 2), read without libdb.
 *
 * The file is a BerkeleyDB hash database of pagesize-byte pages (Berkeley DB's
 * dbinc/db_page.h; rpm's lib/backend/bdb_ro.c reads it the same way), in
 * either byte order: the meta page's magic says which. Page 0 is the hash
 * meta page: magic (offset 12), version 8..10 (16), pagesize (20), encryption
 * (24), page type 8 (25), flags (26), last page number (32), max bucket (72)
 * and the 32 "spares" (96): bucket B lives on page B + spares[bits(B)], where
 * bits(B) is the number of significant bits of B. Every page starts with a
 * 26-byte header: its own number (8), previous (12) and next (16) page, item
 * count (20), free-space offset (22), type (25). A hash page (type 13, or 2
 * before BerkeleyDB 4.6) holds 2-byte item offsets after the header, items
 * alternating key and value, laid out from the end of the page downwards:
 * item I ends where item I-1 starts (item 0 at the page end). An item's
 * first byte is its type: 1 data inline, 3 "off-page": 12 bytes holding the
 * first overflow page and the total length. Overflow pages (type 7) hold
 * their share of the data after the header (as many bytes as the free-space
 * offset says) and chain through their next-page field.
 *
 * Each bucket's chain of hash pages is walked (buckets 0..max bucket) and
 * every key/value pair read: the key is rpm's 4-byte record number, the value
 * the package's header blob. Record 0 is rpm's bookkeeping (the next free
 * record number), not a package, and is skipped, as rpm skips it. Every page
 * is visited at most once (a second visit is a loop or a shared page: an
 * error), so the work is bounded by the number of pages. Encrypted or
 * checksummed databases (never written by rpm) are not supported.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/xmalloc.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"

#define BDB_MIN_PAGESIZE	512
#define BDB_MAX_PAGESIZE	65536
#define BDB_MAX_PAGES		(4 * 1024 * 1024)	/* pages of one file */
#define BDB_MAX_ITEM		(64 * 1024 * 1024)	/* one value (a header blob) */

#define BDB_HASH_MAGIC		0x061561u
#define BDB_BTREE_MAGIC		0x053162u
#define BDB_PAGE_HDR		26
#define BDB_META_SIZE		(96 + 32 * 4)

enum {	/* page types */
	P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13,
};
enum {	/* hash item types */
	H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4,
};

struct bdb {
	const uint8_t *buf;
	size_t len;
	int big;		/* the file is big-endian */
	uint32_t pagesize;
	uint32_t npages;
	uint8_t *seen;		/* a bit per page */
	size_t records;		/* packages read */
};

static uint32_t
get32(const struct bdb *d, const uint8_t *p)
{
	if (d->big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const struct bdb *d, const uint8_t *p)
{
	return d->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Page pgno (1..last), visited for the first time, of the given type. */
static int
page_get(struct ctx *c, struct bdb *d, uint32_t pgno, int type, int type2,
    const uint8_t **out)
{
	const uint8_t *pg;

	if (pgno == 0 || pgno >= d->npages)
		return ctx_err(c, E_FORMAT, "page number %u out of range (%u pages)", pgno,
		    d->npages);
	if (d->seen[pgno / 8] & (1u << (pgno % 8)))
		return ctx_err(c, E_FORMAT, "page %u reached twice (a loop)", pgno);
	d->seen[pgno / 8] |= (uint8_t)(1u << (pgno % 8));
	pg = d->buf + (size_t)pgno * d->pagesize;
	if (get32(d, pg + 8) != pgno)
		return ctx_err(c, E_FORMAT, "page %u says it is page %u", pgno, get32(d, pg + 8));
	if (pg[25] != type && pg[25] != type2)
		return ctx_err(c, E_FORMAT, "page %u has type %u, not %u", pgno, pg[25], type);
	*out = pg;
	return 0;
}

/* Reassembles an off-page value of tlen bytes from pgno on into *out (allocated). */
static int
overflow_get(struct ctx *c, struct bdb *d, uint32_t pgno, uint32_t tlen, uint8_t **out)
{
	const uint8_t *pg;
	uint8_t *buf;
	uint32_t got = 0, plen;
	int r;

	*out = NULL;
	if (tlen == 0)
		return ctx_err(c, E_FORMAT, "empty off-page item");
	if (tlen > BDB_MAX_ITEM)
		return ctx_err(c, E_LIMIT, "off-page item of %u bytes, more than BDB_MAX_ITEM (%d)",
		    tlen, BDB_MAX_ITEM);
	if (tlen > d->len)
		return ctx_err(c, E_FORMAT, "off-page item of %u bytes, larger than the file",
		    tlen);
	buf = xmalloc(tlen);
	while (got < tlen) {
		if (pgno == 0) {
			r = ctx_err(c, E_FORMAT, "overflow chain ends %u bytes short", tlen - got);
			goto fail;
		}
		if ((r = page_get(c, d, pgno, P_OVERFLOW, P_OVERFLOW, &pg)) != 0)
			goto fail;
		plen = get16(d, pg + 22);
		if (plen == 0 || plen > d->pagesize - BDB_PAGE_HDR || plen > tlen - got) {
			r = ctx_err(c, E_FORMAT, "overflow page %u holds a bad length %u", pgno, plen);
			goto fail;
		}
		memcpy(buf + got, pg + BDB_PAGE_HDR, plen);
		got += plen;
		pgno = get32(d, pg + 16);
	}
	*out = buf;
	return 0;
fail:
	free(buf);
	return r;
}

/* The key/value pair at index i (even) of hash page pgno. */
static int
pair_read(struct ctx *c, struct bdb *d, const uint8_t *pg, uint32_t pgno, unsigned int i,
    unsigned int nent, int layer, struct pkglist *out)
{
	unsigned int minoff = BDB_PAGE_HDR + 2 * nent, kend, koff, voff, klen, vlen;
	const uint8_t *k, *v;
	uint8_t *ov = NULL;
	int r;

	koff = get16(d, pg + BDB_PAGE_HDR + 2 * i);
	voff = get16(d, pg + BDB_PAGE_HDR + 2 * (i + 1));
	kend = i == 0 ? d->pagesize : get16(d, pg + BDB_PAGE_HDR + 2 * (i - 1));
	if (kend > d->pagesize || koff < minoff || koff >= kend || voff < minoff ||
	    voff >= koff)
		return ctx_err(c, E_FORMAT, "page %u: item %u: bad offsets", pgno, i);
	klen = kend - koff;
	vlen = koff - voff;
	k = pg + koff;
	v = pg + voff;
	if (k[0] != H_KEYDATA || klen != 5)
		return ctx_err(c, E_FORMAT, "page %u: item %u: key is not a record number",
		    pgno, i);
	if (k[1] == 0 && k[2] == 0 && k[3] == 0 && k[4] == 0)
		return 0;	/* record 0: rpm's next-record counter */
	if (++d->records > RPM_MAX_PACKAGES)
		return ctx_err(c, E_LIMIT, "more than RPM_MAX_PACKAGES (%d) records",
		    RPM_MAX_PACKAGES);
	switch (v[0]) {
	case H_KEYDATA:
		r = rpm_hdr_add(c, v + 1, vlen - 1, layer, out);
		break;
	case H_OFFPAGE:
		if (vlen != 12)
			return ctx_err(c, E_FORMAT, "page %u: item %u: off-page item of %u bytes",
			    pgno, i + 1, vlen);
		if ((r = overflow_get(c, d, get32(d, v + 4), get32(d, v + 8), &ov)) != 0)
			break;
		r = rpm_hdr_add(c, ov, get32(d, v + 8), layer, out);
		free(ov);
		break;
	case H_DUPLICATE:
	case H_OFFDUP:
		return ctx_err(c, E_FORMAT, "page %u: item %u: duplicate values for one record",
		    pgno, i + 1);
	default:
		return ctx_err(c, E_FORMAT, "page %u: item %u: unknown item type %u", pgno,
		    i + 1, v[0]);
	}
	if (r != 0)
		ctx_prefix(c, "record %u", get32(d, k + 1));
	return r;
}

static int
bucket_read(struct ctx *c, struct bdb *d, uint32_t pgno, int layer, struct pkglist *out)
{
	const uint8_t *pg;
	unsigned int nent, i;
	int r;

	while (pgno != 0) {
		if ((r = page_get(c, d, pgno, P_HASH, P_HASH_UNSORTED, &pg)) != 0)
			return r;
		nent = get16(d, pg + 20);
		if (nent % 2 != 0 || BDB_PAGE_HDR + 2 * nent > d->pagesize)
			return ctx_err(c, E_FORMAT, "page %u: bad item count %u", pgno, nent);
		for (i = 0; i < nent; i += 2)
			if ((r = pair_read(c, d, pg, pgno, i, nent, layer, out)) != 0)
				return r;
		pgno = get32(d, pg + 16);
	}
	return 0;
}

int
pkgdb_rpm_parse_bdb(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out)
{
	struct bdb d;
	const uint8_t *m = buf;
	uint32_t magic, version, last, maxbucket, b, bits, x, pgno;
	size_t n0 = out->n;
	int r = E_INTERNAL;

	memset(&d, 0, sizeof(d));
	d.buf = buf;
	d.len = len;
	if (len > RPM_MAX_DB_SIZE) {
		r = ctx_err(c, E_LIMIT, "%zu bytes, more than RPM_MAX_DB_SIZE (%zu)", len,
		    RPM_MAX_DB_SIZE);
		goto out;
	}
	if (len < BDB_MIN_PAGESIZE) {
		r = ctx_err(c, E_FORMAT, "%zu bytes: too short for a Berkeley DB", len);
		goto out;
	}
	magic = get32(&d, m + 12);
	if (magic != BDB_HASH_MAGIC && magic != BDB_BTREE_MAGIC) {
		d.big = 1;
		magic = get32(&d, m + 12);
	}
	if (magic == BDB_BTREE_MAGIC) {
		r = ctx_err(c, E_UNSUPPORTED, "a Berkeley DB btree, not the hash rpm writes");
		goto out;
	}
	if (magic != BDB_HASH_MAGIC) {
		r = ctx_err(c, E_FORMAT, "not a Berkeley DB hash database");
		goto out;
	}
	version = get32(&d, m + 16);
	if (version < 8 || version > 10) {
		r = ctx_err(c, E_UNSUPPORTED, "Berkeley DB hash version %u (not 8..10)", version);
		goto out;
	}
	d.pagesize = get32(&d, m + 20);
	if (d.pagesize < BDB_MIN_PAGESIZE || d.pagesize > BDB_MAX_PAGESIZE ||
	    (d.pagesize & (d.pagesize - 1)) != 0) {
		r = ctx_err(c, E_FORMAT, "bad page size %u", d.pagesize);
		goto out;
	}
	if (m[24] != 0 || (m[26] & 0x01) != 0) {
		r = ctx_err(c, E_UNSUPPORTED, "encrypted or checksummed Berkeley DB");
		goto out;
	}
	if (m[25] != P_HASHMETA) {
		r = ctx_err(c, E_FORMAT, "page 0 has type %u, not hash meta", m[25]);
		goto out;
	}
	last = get32(&d, m + 32);
	if (last >= BDB_MAX_PAGES) {
		r = ctx_err(c, E_LIMIT, "%u pages, more than BDB_MAX_PAGES (%d)", last,
		    BDB_MAX_PAGES);
		goto out;
	}
	d.npages = last + 1;
	if ((size_t)d.npages * d.pagesize > len) {
		r = ctx_err(c, E_FORMAT, "truncated: %u pages of %u bytes in %zu bytes",
		    d.npages, d.pagesize, len);
		goto out;
	}
	maxbucket = get32(&d, m + 72);
	if (maxbucket >= d.npages) {
		r = ctx_err(c, E_FORMAT, "max bucket %u, but %u pages", maxbucket, d.npages);
		goto out;
	}
	d.seen = xcalloc((d.npages + 7) / 8, 1);
	for (b = 0; b <= maxbucket; b++) {
		for (bits = 0, x = b; x != 0; x >>= 1)
			bits++;
		if (ckd_add(&pgno, b, get32(&d, m + 96 + 4 * bits))) {
			r = ctx_err(c, E_FORMAT, "bucket %u: bad spares", b);
			goto out;
		}
		if (pgno == 0) {
			r = ctx_err(c, E_FORMAT, "bucket %u on the meta page", b);
			goto out;
		}
		if ((r = bucket_read(c, &d, pgno, layer, out)) != 0) {
			ctx_prefix(c, "bucket %u", b);
			goto out;
		}
	}
	r = 0;
out:
	free(d.seen);
	if (r != 0)
		pkglist_truncate(out, n0);
	return r;
}

static int
bdb_read(struct ctx *c, const struct image *img, struct pkglist *out)
{
	return rpm_read_backend(c, img, RPM_BE_BDB, pkgdb_rpm_parse_bdb, out);
}

static const char *const bdb_paths[] = {
	RPM_DIR_SYSIMAGE RPM_FILE_BDB, RPM_DIR_VARLIB RPM_FILE_BDB, NULL,
};

const struct pkgdb_reader pkgdb_rpm_bdb = {
	.name = "rpm-bdb",
	.ecosystem = "rpm",
	.read = bdb_read,
	.paths = bdb_paths,
};
