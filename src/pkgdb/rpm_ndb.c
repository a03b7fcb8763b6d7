/*
 * rpm_ndb.c - rpm's NDB `Packages.db` (SUSE: SLE 15, openSUSE Leap 15 and
 * Tumbleweed), read without librpm.
 *
 * Layout (rpm's lib/backend/ndb/rpmpkg.c; every number little-endian): the
 * file is made of 16-byte blocks. It starts with slot pages of 4096 bytes;
 * the first 32 bytes are the header: magic "RpmP", version 0, generation,
 * the number of slot pages, the next package index. Then 16-byte slots:
 * magic "Slot", package index, first block, block count; a first block of 0
 * is a free slot. A used slot points past the slot pages at a blob: a 16-byte
 * head (magic "BlbS", package index, generation, blob length), the blob (the
 * package's header), zero padding to the block boundary less 12 bytes, and a
 * 12-byte tail (Adler-32 of everything before it, blob length, magic "BlbE").
 *
 * Checked: the header; every slot's magic; used slots have a non-zero index,
 * a non-zero block count, blocks past the slot pages and inside the file;
 * no two slots share an index or overlap; the block count is exactly what
 * the blob length needs; head and tail agree (magic, index, length); the
 * Adler-32 matches (rpm itself checks it only when verifying the database,
 * but a mismatch is damage and we would rather say so). Packages are read in
 * the order of their blocks, as rpm lists them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"

#define NDB_MAX_SLOTPAGES	4096		/* slot pages (256 slots each) */

#define NDB_PAGE		4096
#define NDB_BLK			16
#define NDB_SLOT		16
#define NDB_HDR			32
#define NDB_BLOBHEAD		16
#define NDB_BLOBTAIL		12

#define NDB_MAGIC(a, b, c, d)	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
	(uint32_t)(d) << 24)
#define NDB_PKGDB_MAGIC		NDB_MAGIC('R', 'p', 'm', 'P')
#define NDB_SLOT_MAGIC		NDB_MAGIC('S', 'l', 'o', 't')
#define NDB_HEAD_MAGIC		NDB_MAGIC('B', 'l', 'b', 'S')
#define NDB_TAIL_MAGIC		NDB_MAGIC('B', 'l', 'b', 'E')

struct slot {
	uint32_t pkgidx;
	uint32_t blkoff;
	uint32_t blkcnt;
	uint32_t slotno;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	size_t i, k;

	while (n > 0) {
		k = n < 5552 ? n : 5552;	/* the most bytes before b can overflow */
		for (i = 0; i < k; i++) {
			a += p[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
		p += k;
		n -= k;
	}
	return b << 16 | a;
}

static int
by_blkoff(const void *va, const void *vb)
{
	const struct slot *a = va, *b = vb;

	return (a->blkoff > b->blkoff) - (a->blkoff < b->blkoff);
}

static int
by_pkgidx(const void *va, const void *vb)
{
	const struct slot *a = va, *b = vb;

	return (a->pkgidx > b->pkgidx) - (a->pkgidx < b->pkgidx);
}

/* The blob of slot s, checked. */
static int
blob_get(struct ctx *c, const uint8_t *buf, const struct slot *s, const uint8_t **blob,
    uint32_t *bloblen)
{
	const uint8_t *p = buf + (size_t)s->blkoff * NDB_BLK, *tail;
	size_t size = (size_t)s->blkcnt * NDB_BLK;
	uint32_t len;

	if (size < NDB_BLOBHEAD + NDB_BLOBTAIL)
		return ctx_err(c, E_FORMAT, "%u blocks: too small for a blob", s->blkcnt);
	if (le32(p) != NDB_HEAD_MAGIC)
		return ctx_err(c, E_FORMAT, "no blob head at block %u", s->blkoff);
	if (le32(p + 4) != s->pkgidx)
		return ctx_err(c, E_FORMAT, "blob head names package %u", le32(p + 4));
	len = le32(p + 12);
	if (len > size - NDB_BLOBHEAD - NDB_BLOBTAIL ||
	    (NDB_BLOBHEAD + (size_t)len + NDB_BLOBTAIL + NDB_BLK - 1) / NDB_BLK != s->blkcnt)
		return ctx_err(c, E_FORMAT, "blob of %u bytes in %u blocks", len, s->blkcnt);
	tail = p + size - NDB_BLOBTAIL;
	if (le32(tail + 8) != NDB_TAIL_MAGIC || le32(tail + 4) != len)
		return ctx_err(c, E_FORMAT, "bad blob tail");
	if (le32(tail) != adler32(p, size - NDB_BLOBTAIL))
		return ctx_err(c, E_FORMAT, "blob checksum mismatch");
	*blob = p + NDB_BLOBHEAD;
	*bloblen = len;
	return 0;
}

int
pkgdb_rpm_parse_ndb(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out)
{
	struct slot *slots = NULL, *s;
	const uint8_t *p, *blob = NULL;
	uint32_t version, npages, minblk, fileblks, page, o, slotno, bloblen = 0;
	size_t nslots = 0, cap = 0, i, n0 = out->n;
	int r = E_INTERNAL;

	if (len > RPM_MAX_DB_SIZE) {
		r = ctx_err(c, E_LIMIT, "%zu bytes, more than RPM_MAX_DB_SIZE (%zu)", len,
		    RPM_MAX_DB_SIZE);
		goto out;
	}
	if (len < NDB_PAGE || le32(buf) != NDB_PKGDB_MAGIC) {
		r = ctx_err(c, E_FORMAT, "not an rpm NDB package database");
		goto out;
	}
	if ((version = le32(buf + 4)) != 0) {
		r = ctx_err(c, E_UNSUPPORTED, "NDB version %u (not 0)", version);
		goto out;
	}
	if (len % NDB_BLK != 0) {
		r = ctx_err(c, E_FORMAT, "%zu bytes: not whole %d-byte blocks", len, NDB_BLK);
		goto out;
	}
	npages = le32(buf + 12);
	if (npages == 0) {
		r = ctx_err(c, E_FORMAT, "no slot pages");
		goto out;
	}
	if (npages > NDB_MAX_SLOTPAGES) {
		r = ctx_err(c, E_LIMIT, "%u slot pages, more than NDB_MAX_SLOTPAGES (%d)", npages,
		    NDB_MAX_SLOTPAGES);
		goto out;
	}
	if ((size_t)npages * NDB_PAGE > len) {
		r = ctx_err(c, E_FORMAT, "truncated: %u slot pages in %zu bytes", npages, len);
		goto out;
	}
	minblk = npages * (NDB_PAGE / NDB_BLK);
	fileblks = (uint32_t)(len / NDB_BLK);
	slotno = NDB_HDR / NDB_SLOT;
	for (page = 0; page < npages; page++) {
		for (o = page ? 0 : NDB_HDR; o < NDB_PAGE; o += NDB_SLOT, slotno++) {
			p = buf + (size_t)page * NDB_PAGE + o;
			if (le32(p) != NDB_SLOT_MAGIC) {
				r = ctx_err(c, E_FORMAT, "slot %u: bad magic", slotno);
				goto out;
			}
			if (le32(p + 8) == 0)
				continue;	/* free */
			if (nslots == RPM_MAX_PACKAGES) {
				r = ctx_err(c, E_LIMIT, "more than RPM_MAX_PACKAGES (%d) slots",
				    RPM_MAX_PACKAGES);
				goto out;
			}
			if (nslots == cap) {
				cap = cap ? cap * 2 : 256;
				slots = xreallocarray(slots, cap, sizeof(*slots));
			}
			s = &slots[nslots++];
			s->pkgidx = le32(p + 4);
			s->blkoff = le32(p + 8);
			s->blkcnt = le32(p + 12);
			s->slotno = slotno;
			if (s->pkgidx == 0 || s->blkcnt == 0 || s->blkoff < minblk ||
			    s->blkoff > fileblks || s->blkcnt > fileblks - s->blkoff) {
				r = ctx_err(c, E_FORMAT, "slot %u: bad blocks %u+%u (file: %u)",
				    slotno, s->blkoff, s->blkcnt, fileblks);
				goto out;
			}
		}
	}
	if (nslots > 1) {
		qsort(slots, nslots, sizeof(*slots), by_pkgidx);
		for (i = 1; i < nslots; i++)
			if (slots[i].pkgidx == slots[i - 1].pkgidx) {
				r = ctx_err(c, E_FORMAT, "package %u in two slots", slots[i].pkgidx);
				goto out;
			}
		qsort(slots, nslots, sizeof(*slots), by_blkoff);
		for (i = 1; i < nslots; i++)
			if (slots[i].blkoff - slots[i - 1].blkoff < slots[i - 1].blkcnt) {
				r = ctx_err(c, E_FORMAT, "slots %u and %u overlap",
				    slots[i - 1].slotno, slots[i].slotno);
				goto out;
			}
	}
	for (i = 0; i < nslots; i++) {
		s = &slots[i];
		if ((r = blob_get(c, buf, s, &blob, &bloblen)) != 0 ||
		    (r = rpm_hdr_add(c, blob, bloblen, layer, out)) != 0) {
			ctx_prefix(c, "package %u (slot %u)", s->pkgidx, s->slotno);
			goto out;
		}
	}
	r = 0;
out:
	free(slots);
	if (r != 0)
		pkglist_truncate(out, n0);
	return r;
}

static int
ndb_read(struct ctx *c, const struct image *img, struct pkglist *out)
{
	return rpm_read_backend(c, img, RPM_BE_NDB, pkgdb_rpm_parse_ndb, out);
}

static const char *const ndb_paths[] = {
	RPM_DIR_SYSIMAGE RPM_FILE_NDB, RPM_DIR_VARLIB RPM_FILE_NDB, NULL,
};

const struct pkgdb_reader pkgdb_rpm_ndb = {
	.name = "rpm-ndb",
	.ecosystem = "rpm",
	.read = ndb_read,
	.paths = ndb_paths,
};
