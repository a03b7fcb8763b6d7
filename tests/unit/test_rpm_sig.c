/*
 * test_rpm_sig.c - the package fields OVAL needs from rpm headers: the header
 * signature's key id (RSAHEADER/DSAHEADER/SIGGPG/SIGPGP, rpmsig.c) and the
 * modularity label, checked against Debian's `rpm -qa` on the real databases
 * of tests/data/rpm/, and the OpenPGP packet forms on packets built here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"
#include "test.h"

typedef int (*parse_fn)(struct ctx *, const uint8_t *, size_t, int, struct pkglist *);

/* A file of tests/data/rpm/, decompressed when it ends in ".zst". Caller frees. */
static uint8_t *
load(const char *rel, size_t *len)
{
	struct sb p = SB_INIT;
	uint8_t *raw, *out;
	unsigned long long n;
	size_t rawlen, got;

	sb_addf(&p, "rpm/%s", rel);
	raw = test_slurp(test_data(sb_str(&p)), &rawlen);
	sb_free(&p);
	if (strlen(rel) < 4 || strcmp(rel + strlen(rel) - 4, ".zst") != 0) {
		*len = rawlen;
		return raw;
	}
	n = ZSTD_getFrameContentSize(raw, rawlen);
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > (64u << 20))
		abort();
	out = malloc(n ? n : 1);
	got = ZSTD_decompress(out, n, raw, rawlen);
	if (ZSTD_isError(got) || got != n)
		abort();
	free(raw);
	*len = n;
	return out;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text (modified), sorted, into b. */
static void
sorted_lines(char *text, struct sb *b)
{
	char **lines, *p, *save = NULL;
	size_t n = 0, i;

	lines = calloc(strlen(text) + 1, sizeof(*lines));
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		lines[n++] = p;
	if (n > 1)
		qsort(lines, n, sizeof(*lines), line_cmp);
	for (i = 0; i < n; i++)
		sb_addf(b, "%s\n", lines[i]);
	free(lines);
}

/*
 * `rpm -qa` on a copy of the database: "NAME\tEVR\tARCH\tKEYID\tLABEL" per
 * package, KEYID from rpm's "Key ID x" of the usual signature idiom (first of
 * DSAHEADER, RSAHEADER, SIGGPG, SIGPGP), "(none)" when unsigned.
 */
static void
rpm_qa(struct test *t, const char *db, const char *file, const char *backend, struct sb *out)
{
	static const char qf[] = "'%{NAME}\\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}"
	    "\\t%{ARCH}\\t%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}"
	    ":{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|"
	    "\\t%{MODULARITYLABEL}\\n'";
	struct sb dir = SB_INIT, cmd = SB_INIT, all = SB_INIT;
	char cwd[4096], line[8192], *f[5], *save, *nl, *kid;
	uint8_t *buf;
	size_t len;
	FILE *fp;
	int st, k;

	ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	sb_addf(&dir, "%s/rpmdb-%s", cwd, backend);
	ASSERT(mkdir(sb_str(&dir), 0755) == 0);
	buf = load(db, &len);
	sb_addf(&cmd, "%s/%s", sb_str(&dir), file);
	fp = fopen(sb_str(&cmd), "wb");
	ASSERT(fp != NULL);
	ASSERT(fwrite(buf, 1, len, fp) == len);
	ASSERT(fclose(fp) == 0);
	free(buf);
	sb_reset(&cmd);
	sb_addf(&cmd, "rpm -qa --dbpath '%s' --define '_db_backend %s' --qf %s 2>/dev/null",
	    sb_str(&dir), backend, qf);
	fp = popen(sb_str(&cmd), "r");
	ASSERT(fp != NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		save = NULL;
		for (k = 0; k < 5; k++)
			f[k] = strtok_r(k ? NULL : line, "\t", &save);
		if (f[4] == NULL)
			continue;	/* the comparison below fails */
		kid = strstr(f[3], "Key ID ");
		sb_addf(&all, "%s\t%s\t%s\t%s\t%s\n", f[0], f[1], f[2],
		    kid ? kid + 7 : "(none)", f[4]);
	}
	st = pclose(fp);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		test_fail(t, __FILE__, __LINE__, "`%s` failed (status %d): is Debian's rpm "
		    "installed?", sb_str(&cmd), st);
		return;
	}
	ASSERT(all.len > 0);
	sorted_lines(all.s, out);
	sb_free(&dir);
	sb_free(&cmd);
	sb_free(&all);
}

/* Ours, as rpm_qa() prints them. */
static void
ours(const struct pkglist *l, struct sb *out)
{
	struct sb all = SB_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		sb_addf(&all, "%s\t%s\t%s\t%s\t%s\n", l->v[i].name, l->v[i].version,
		    l->v[i].arch ? l->v[i].arch : "(none)",
		    l->v[i].sigkey ? l->v[i].sigkey : "(none)",
		    l->v[i].modularity_label ? l->v[i].modularity_label : "(none)");
	sorted_lines(all.s, out);
	sb_free(&all);
}

static void
check_vs_rpm(struct test *t, const char *db, parse_fn parse, const char *file,
    const char *backend, size_t n, size_t nsigned)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len, i, s = 0;

	ctx_init(&c);
	rpm_qa(t, db, file, backend, &want);
	if (t->failed)
		return;
	buf = load(db, &len);
	ASSERT_OK(&c, parse(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, n);
	for (i = 0; i < l.n; i++)
		s += l.v[i].sigkey != NULL;
	ASSERT_INT_EQ(s, nsigned);
	ours(&l, &got);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

/* RHEL 8 libuuid: Red Hat's release key 2 (fd431d51, its long id 199e2f91fd431d51). */
DEFINE_TEST(test_rpm_sig_rhel8_vs_rpm)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *buf;
	size_t len;

	check_vs_rpm(t, "bdb/rhel-8-libuuid/Packages", pkgdb_rpm_parse_bdb, "Packages",
	    "bdb_ro", 1, 1);
	if (t->failed)
		return;
	ctx_init(&c);
	buf = load("bdb/rhel-8-libuuid/Packages", &len);
	ASSERT_OK(&c, pkgdb_rpm_parse_bdb(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_STR_EQ(l.v[0].name, "libuuid");
	ASSERT_STR_EQ(l.v[0].sigkey, "199e2f91fd431d51");
	ASSERT(l.v[0].modularity_label == NULL);
	pkglist_free(&l);
}

/* SLES 12 SP4: 106 packages signed, the two gpg-pubkey entries not. */
DEFINE_TEST(test_rpm_sig_sles12_vs_rpm)
{
	check_vs_rpm(t, "bdb/sles-12sp4/Packages.zst", pkgdb_rpm_parse_bdb, "Packages",
	    "bdb_ro", 108, 106);
}

DEFINE_TEST(test_rpm_sig_mariner_vs_rpm)
{
	check_vs_rpm(t, "sqlite/cbl-mariner-2.0/rpmdb.sqlite.zst", pkgdb_rpm_parse_sqlite,
	    "rpmdb.sqlite", "sqlite", 129, 129);
}

/*
 * SLE 15 BCI (NDB, which Debian's rpm cannot read): every package carries a
 * signature by the key rpm reports for SLES 12 SP4's packages above, SUSE's
 * package signing key 70af9e8139db7c82.
 */
DEFINE_TEST(test_rpm_sig_sle15_ndb)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *buf;
	size_t len, i;

	ctx_init(&c);
	buf = load("ndb/sle-15-bci/Packages.db.zst", &len);
	ASSERT_OK(&c, pkgdb_rpm_parse_ndb(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, 35);
	for (i = 0; i < l.n; i++) {
		ASSERT_STR_EQ(l.v[i].sigkey, "70af9e8139db7c82");
		ASSERT(l.v[i].modularity_label == NULL);
	}
	pkglist_free(&l);
}

/* ---- packets built here ---------------------------------------------------- */

static void
put32(struct sb *b, uint32_t v)
{
	sb_addc(b, (char)(v >> 24));
	sb_addc(b, (char)(v >> 16));
	sb_addc(b, (char)(v >> 8));
	sb_addc(b, (char)v);
}

/* A subpacket: one-octet length (counting the type), type, data. */
static void
subpkt(struct sb *b, int type, const char *data, size_t n)
{
	sb_addc(b, (char)(n + 1));
	sb_addc(b, (char)type);
	sb_add(b, data, n);
}

/* A version 4 (or 6) signature body with the given subpacket areas. */
static void
body_v46(struct sb *b, int version, const struct sb *hashed, const struct sb *unhashed)
{
	sb_addc(b, (char)version);
	sb_add(b, "\x00\x01\x08", 3);	/* binary document, RSA, SHA256 */
	if (version == 4) {
		sb_addc(b, (char)(hashed->len >> 8));
		sb_addc(b, (char)hashed->len);
	} else
		put32(b, (uint32_t)hashed->len);
	if (hashed->len)
		sb_add(b, hashed->s, hashed->len);
	if (version == 4) {
		sb_addc(b, (char)(unhashed->len >> 8));
		sb_addc(b, (char)unhashed->len);
	} else
		put32(b, (uint32_t)unhashed->len);
	if (unhashed->len)
		sb_add(b, unhashed->s, unhashed->len);
	sb_add(b, "\xab\xcd", 2);	/* hash16 */
	sb_add(b, "\x00\x08\xff", 3);	/* an MPI */
}

/* The body in an old-format packet (tag 2) with length type lt, or a new one (lt -1). */
static void
packet(struct sb *out, const struct sb *body, int lt)
{
	sb_reset(out);
	switch (lt) {
	case 0: sb_addc(out, (char)0x88); sb_addc(out, (char)body->len); break;
	case 1: sb_addc(out, (char)0x89); sb_addc(out, (char)(body->len >> 8));
		sb_addc(out, (char)body->len); break;
	case 2: sb_addc(out, (char)0x8a); put32(out, (uint32_t)body->len); break;
	case 3: sb_addc(out, (char)0x8b); break;
	default:
		sb_addc(out, (char)0xc2);
		if (body->len < 192)
			sb_addc(out, (char)body->len);
		else {
			sb_addc(out, (char)255);
			put32(out, (uint32_t)body->len);
		}
	}
	sb_add(out, body->s, body->len);
}

static int
keyid(struct ctx *c, const struct sb *pkt, char out[RPM_SIGKEY_LEN + 1])
{
	return rpm_sig_keyid(c, (const uint8_t *)pkt->s, pkt->len, out);
}

static const char id_a[8] = "\x19\x9e\x2f\x91\xfd\x43\x1d\x51";
static const char id_b[8] = "\x0c\xd9\xfe\xd3\x31\x35\xce\x90";

DEFINE_TEST(test_rpm_sig_packet_forms)
{
	struct sb h = SB_INIT, u = SB_INIT, body = SB_INIT, pkt = SB_INIT, fpr = SB_INIT;
	char out[RPM_SIGKEY_LEN + 1];
	struct ctx c;
	int lt;

	ctx_init(&c);
	/* version 3: the key id field */
	sb_add(&body, "\x03\x05\x00\x61\xf2\x5f\x5c", 7);
	sb_add(&body, id_a, 8);
	sb_add(&body, "\x01\x08\xab\xcd\x00\x08\xff", 7);
	for (lt = -1; lt <= 3; lt++) {
		packet(&pkt, &body, lt);
		ASSERT_OK(&c, keyid(&c, &pkt, out));
		ASSERT_STR_EQ(out, "199e2f91fd431d51");
	}
	/* version 4, issuer in the unhashed area only (as rpm signs) */
	subpkt(&h, 2, "\x61\xf2\x5f\x5c", 4);
	subpkt(&u, 16, id_b, 8);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	for (lt = -1; lt <= 3; lt++) {
		packet(&pkt, &body, lt);
		ASSERT_OK(&c, keyid(&c, &pkt, out));
		ASSERT_STR_EQ(out, "0cd9fed33135ce90");
	}
	/* hashed issuer first */
	subpkt(&h, 16 | 0x80, id_a, 8);	/* critical bit set */
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 1);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "199e2f91fd431d51");
	/* an issuer fingerprint only: a v4 key's last 8 octets */
	sb_reset(&h);
	sb_reset(&u);
	sb_addc(&fpr, 4);
	sb_add(&fpr, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);
	sb_add(&fpr, id_b, 8);
	subpkt(&h, 33, fpr.s, fpr.len);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, -1);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "0cd9fed33135ce90");
	/* both: the issuer subpacket decides */
	subpkt(&u, 16, id_a, 8);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, -1);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "199e2f91fd431d51");
	/* version 6: four-octet area lengths, a v6 key's first 8 octets */
	sb_reset(&h);
	sb_reset(&u);
	sb_reset(&fpr);
	sb_addc(&fpr, 6);
	sb_add(&fpr, id_a, 8);
	sb_add(&fpr, "0123456789abcdef01234567", 24);
	subpkt(&h, 33, fpr.s, fpr.len);
	sb_reset(&body);
	body_v46(&body, 6, &h, &u);
	packet(&pkt, &body, -1);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "199e2f91fd431d51");
	/* no issuer at all: no key id, no error */
	sb_reset(&h);
	subpkt(&h, 2, "\x61\xf2\x5f\x5c", 4);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 0);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "");
	/* a two-octet subpacket length (192..) */
	sb_reset(&h);
	sb_addc(&h, (char)192);
	sb_addc(&h, 9);		/* 201 bytes: type + 200 */
	sb_addc(&h, 20);	/* notation data */
	{
		char pad[200];

		memset(pad, 'n', sizeof(pad));
		sb_add(&h, pad, sizeof(pad));
	}
	subpkt(&h, 16, id_b, 8);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 1);
	ASSERT_OK(&c, keyid(&c, &pkt, out));
	ASSERT_STR_EQ(out, "0cd9fed33135ce90");
	sb_free(&h);
	sb_free(&u);
	sb_free(&body);
	sb_free(&pkt);
	sb_free(&fpr);
}

static void
expect_bad(struct test *t, const char *bytes, size_t n, int code, const char *msg)
{
	char out[RPM_SIGKEY_LEN + 1];
	struct ctx c;
	int r;

	ctx_init(&c);
	r = rpm_sig_keyid(&c, (const uint8_t *)bytes, n, out);
	if (r != code || strstr(c.err, msg) == NULL || out[0] != '\0')
		test_fail(t, __FILE__, __LINE__, "want %s \"%s\", got %s \"%s\"",
		    ctx_code_name(code), msg, ctx_code_name(r), c.err);
}

DEFINE_TEST(test_rpm_sig_malformed)
{
	struct sb h = SB_INIT, u = SB_INIT, body = SB_INIT, pkt = SB_INIT;
	char *big;

	expect_bad(t, "", 0, E_FORMAT, "not an OpenPGP packet");
	expect_bad(t, "\x02\x05", 2, E_FORMAT, "not an OpenPGP packet");
	expect_bad(t, "\xb4\x01\x03", 3, E_FORMAT, "packet tag 13");	/* user id */
	expect_bad(t, "\xc2\xe0\x03", 3, E_FORMAT, "partial body length");
	expect_bad(t, "\x89\x00", 2, E_FORMAT, "cut short");
	expect_bad(t, "\x88\x05\x03", 3, E_FORMAT, "packet of 5 bytes in 1");
	expect_bad(t, "\x88\x01\x03\x00", 4, E_FORMAT, "packet of 1 bytes in 2");
	expect_bad(t, "\x88\x00", 2, E_FORMAT, "empty packet");
	expect_bad(t, "\x88\x03\x03\x05\x00", 5, E_FORMAT, "malformed version 3");
	expect_bad(t, "\x88\x03\x03\x04\x00", 5, E_FORMAT, "malformed version 3");
	expect_bad(t, "\x88\x02\x05\x00", 4, E_UNSUPPORTED, "signature version 5");
	expect_bad(t, "\x88\x03\x04\x00\x01", 5, E_FORMAT, "cut short");
	/* areas that do not fit */
	sb_add(&body, "\x04\x00\x01\x08\x00\x09\x05\x02", 8);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "subpacket area of 9 bytes");
	/* a subpacket longer than its area, one of length 0 */
	sb_reset(&h);
	sb_add(&h, "\x09\x10\x01\x02", 4);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "subpacket of 9 bytes in 3");
	sb_reset(&h);
	sb_addc(&h, 0);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "subpacket of 0 bytes");
	/* an issuer of 7 bytes, a fingerprint of a wrong size */
	sb_reset(&h);
	subpkt(&h, 16, id_a, 7);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "issuer subpacket of 7 bytes");
	sb_reset(&h);
	subpkt(&h, 33, "\x04" "0123456789", 11);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "issuer fingerprint subpacket of 11 bytes");
	/* no hash16 after the areas */
	sb_reset(&body);
	sb_add(&body, "\x04\x00\x01\x08\x00\x00\x00\x00\xab", 9);
	packet(&pkt, &body, 0);
	expect_bad(t, pkt.s, pkt.len, E_FORMAT, "version 4 packet cut short");
	/* limits: subpackets in an area, bytes */
	sb_reset(&h);
	{
		int i;

		for (i = 0; i < 257; i++)
			subpkt(&h, 2, "\x61\xf2\x5f\x5c", 4);
	}
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&pkt, &body, 1);
	expect_bad(t, pkt.s, pkt.len, E_LIMIT, "RPMSIG_MAX_SUBPACKETS");
	big = calloc(1, 65537);
	big[0] = (char)0x8b;
	big[1] = 3;
	expect_bad(t, big, 65537, E_LIMIT, "RPMSIG_MAX_LEN");
	free(big);
	sb_free(&h);
	sb_free(&u);
	sb_free(&body);
	sb_free(&pkt);
}

/* ---- header tags ------------------------------------------------------------ */

struct hent {
	uint32_t tag, type;
	const void *data;
	size_t len;
};

/* A header blob of the entries (count: 1 per string, len per BIN). */
static void
hdr_build(const struct hent *e, size_t n, struct sb *out)
{
	struct sb data = SB_INIT;
	size_t i;

	sb_reset(out);
	put32(out, (uint32_t)n);
	put32(out, 0);
	for (i = 0; i < n; i++) {
		put32(out, e[i].tag);
		put32(out, e[i].type);
		put32(out, (uint32_t)data.len);
		put32(out, e[i].type == 7 ? (uint32_t)e[i].len : 1);
		sb_add(&data, e[i].data, e[i].len);
	}
	out->s[4] = (char)(data.len >> 24);
	out->s[5] = (char)(data.len >> 16);
	out->s[6] = (char)(data.len >> 8);
	out->s[7] = (char)data.len;
	sb_add(out, data.s, data.len);
	sb_free(&data);
}

#define S(tag, s) { tag, 6, s, sizeof(s) }

DEFINE_TEST(test_rpm_sig_header_tags)
{
	struct sb h = SB_INIT, u = SB_INIT, body = SB_INIT, sa = SB_INIT, sb_ = SB_INIT,
	    blob = SB_INIT;
	struct hent e[8] = {
		S(1000, "nodejs"), S(1001, "10.19.0"),
		S(1002, "1.module+el8.1.0+5726+6ed65f8c"),
		S(5096, "nodejs:10:8010020200206153005:c27ad7f8"),
	};
	struct pkglist l = { 0 };
	struct rpm_hdr hd;
	struct ctx c;

	ctx_init(&c);
	subpkt(&u, 16, id_a, 8);
	body_v46(&body, 4, &h, &u);
	packet(&sa, &body, 1);
	sb_reset(&u);
	subpkt(&u, 16, id_b, 8);
	sb_reset(&body);
	body_v46(&body, 4, &h, &u);
	packet(&sb_, &body, 1);
	/* RSAHEADER before SIGPGP */
	e[4] = (struct hent){ 259, 7, sb_.s, sb_.len };
	e[5] = (struct hent){ 268, 7, sa.s, sa.len };
	hdr_build(e, 6, &blob);
	ASSERT_OK(&c, rpm_hdr_parse(&c, (const uint8_t *)blob.s, blob.len, &hd));
	ASSERT_STR_EQ(hd.sigkey, "199e2f91fd431d51");
	/* DSAHEADER before RSAHEADER */
	e[6] = (struct hent){ 267, 7, sb_.s, sb_.len };
	hdr_build(e, 7, &blob);
	ASSERT_OK(&c, rpm_hdr_parse(&c, (const uint8_t *)blob.s, blob.len, &hd));
	ASSERT_STR_EQ(hd.sigkey, "0cd9fed33135ce90");
	/* SIGPGP alone */
	e[4] = (struct hent){ 259, 7, sa.s, sa.len };
	hdr_build(e, 5, &blob);
	ASSERT_OK(&c, pkgdb_rpm_parse_header(&c, (const uint8_t *)blob.s, blob.len, 0, &l));
	ASSERT_STR_EQ(l.v[0].sigkey, "199e2f91fd431d51");
	ASSERT_STR_EQ(l.v[0].modularity_label, "nodejs:10:8010020200206153005:c27ad7f8");
	pkglist_free(&l);
	/* unsigned: NULL */
	hdr_build(e, 4, &blob);
	ASSERT_OK(&c, pkgdb_rpm_parse_header(&c, (const uint8_t *)blob.s, blob.len, 0, &l));
	ASSERT(l.v[0].sigkey == NULL);
	pkglist_free(&l);
	/* a duplicate, a wrong type, a malformed packet (named, nothing appended) */
	e[5] = (struct hent){ 259, 7, sa.s, sa.len };
	hdr_build(e, 6, &blob);
	ASSERT_INT_EQ(rpm_hdr_parse(&c, (const uint8_t *)blob.s, blob.len, &hd), E_FORMAT);
	ASSERT(strstr(c.err, "duplicate SIGPGP") != NULL);
	e[4] = (struct hent)S(268, "RSA");
	hdr_build(e, 5, &blob);
	ASSERT_INT_EQ(rpm_hdr_parse(&c, (const uint8_t *)blob.s, blob.len, &hd), E_FORMAT);
	ASSERT(strstr(c.err, "RSAHEADER has type 6, not BIN") != NULL);
	e[4] = (struct hent){ 268, 7, sa.s, sa.len - 1 };
	hdr_build(e, 5, &blob);
	ASSERT_INT_EQ(pkgdb_rpm_parse_header(&c, (const uint8_t *)blob.s, blob.len, 0, &l),
	    E_FORMAT);
	ASSERT(strstr(c.err, "package nodejs: RSAHEADER: signature: packet of") != NULL);
	ASSERT_INT_EQ(l.n, 0);
	/* pkglist_add copies both fields */
	{
		struct pkg p = { .name = (char *)"a", .version = (char *)"1-1", .ecosystem = "rpm",
		    .modularity_label = (char *)"m:s:1:c", .sigkey = (char *)"0123456789abcdef" };
		char lab[] = "m:s:1:c";

		p.modularity_label = lab;
		pkglist_add(&l, &p);
		lab[0] = 'x';
		ASSERT_STR_EQ(l.v[0].modularity_label, "m:s:1:c");
		ASSERT_STR_EQ(l.v[0].sigkey, "0123456789abcdef");
		pkglist_free(&l);
	}
	sb_free(&h);
	sb_free(&u);
	sb_free(&body);
	sb_free(&sa);
	sb_free(&sb_);
	sb_free(&blob);
}
