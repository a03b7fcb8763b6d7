/*
 * bundle_private.h - internals shared by the files of bundles/ (and their tests).
 *
 * Not an interface for the rest of the tree: commands use bundle.h and sign.h.
 * query.c reaches the database through struct bundle.
 */
#ifndef AIRLOCK_BUNDLE_PRIVATE_H
#define AIRLOCK_BUNDLE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "bundles/bundle.h"

/* minisign's binary layouts (all sizes exact; see doc/airlock-bundle.5). */
#define BUNDLE_ALG_LEN		2
#define BUNDLE_KEYNUM_LEN	8
#define BUNDLE_PK_LEN		32
#define BUNDLE_SK_LEN		64
#define BUNDLE_SIG_LEN		64
#define BUNDLE_PUBKEY_BIN	(BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN + BUNDLE_PK_LEN)	/* 42 */
#define BUNDLE_SIGSTRUCT_BIN	(BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN + BUNDLE_SIG_LEN)	/* 74 */
#define BUNDLE_PREHASH_LEN	64	/* BLAKE2b-512 of the signed file */

#define BUNDLE_COMMENT_PREFIX	"untrusted comment: "
#define BUNDLE_TRUSTED_PREFIX	"trusted comment: "
#define BUNDLE_UNTRUSTED_MAX	1024	/* untrusted comment line, as minisign */

#define BUNDLE_PROF_RUNS_MAX	16	/* statement runs in progress timed apart (open.c) */

/*
 * The statements of query.c, by what they do: the index of a kept statement in
 * struct bundle's kept[] (query.c's kept_sql[] holds the SQL of each).
 */
enum bundle_q {
	BQ_PACKAGE,		/* bundle_query_package: rows with their description */
	BQ_PACKAGE_BRIEF,	/* bundle_query_package_brief, in the index's order */
	BQ_PACKAGE_BRIEF_BYNAME, /* the same, sources not numbered in name order */
	BQ_DESCRIPTION,		/* bundle_vuln_description */
	BQ_NAMESPACE,		/* bundle_has_namespace */
	BQ_SOURCE_ORDER,	/* are source ids in name order? (once per keeping) */
	BQ_HAS_CVSS,		/* is there a cvss table? (once per keeping) */
	BQ_CVSS_ROWS,		/* does it have a row? (once per keeping) */
	BQ_SEVERITY,		/* bundle_vuln_severity */
	BQ_OVAL_PRESENT,	/* bundle_oval_present */
	BQ_OVAL_CANDIDATES,	/* bundle_oval_candidates */
	BQ_OVAL_DEF,		/* bundle_oval_def_get */
	BQ_OVAL_VULNS,		/* bundle_oval_def_vulns */
	BQ_OVAL_TEST,		/* bundle_oval_test_get */
	BQ_COUNT
};

/* What query.c learns of the database while it keeps statements (bits of facts). */
#define BUNDLE_FACT_SOURCE_ORDER 0x1	/* sources_in_name_order is known */
#define BUNDLE_FACT_CVSS	0x2	/* cvss_rows is known */

/*
 * An open bundle: the verified metadata and the read-only in-memory database.
 * image is the decompressed database the connection reads (owned here, freed
 * by bundle_close() after the connection; not sqlite3_malloc'd because SQLite's
 * allocator refuses blocks of 2 GiB and more, below BUNDLE_DB_MAX).
 */
struct bundle {
	sqlite3 *db;
	struct bundle_meta meta;
	uint8_t *image;
	size_t image_len;
	/*
	 * Statement timing, on after bundle_profile_enable() (open.c); all zero
	 * before. prof_run holds the statements whose run has started and not yet
	 * finished; prof_since is when the first of them (or the compile before
	 * it) started.
	 */
	uint64_t prof_ns;		/* union of the statements' run intervals */
	uint64_t prof_nstmts;		/* statement runs that finished */
	uint64_t prof_since;		/* CLOCK_MONOTONIC, ns */
	size_t prof_nrun;
	int prof_compiling;		/* a compile started (authorizer), no run yet */
	sqlite3_stmt *prof_run[BUNDLE_PROF_RUNS_MAX];
	/*
	 * Statement reuse (query.c; bundle.h, bundle_statements_keep). While keep
	 * is set, kept[q] is statement q prepared by an earlier call and idle
	 * (reset, no bindings), or NULL; the bundle owns them, and
	 * bundle_statements_release() (also called by bundle_close()) finalizes
	 * them and forgets facts. Zero (a struct bundle of a test, memset) is
	 * "not keeping": every call prepares and finalizes its own statement.
	 */
	int keep;
	sqlite3_stmt *kept[BQ_COUNT];
	unsigned facts;			/* BUNDLE_FACT_* known */
	int sources_in_name_order;	/* source ids ascend as their names do */
	int cvss_rows;			/* the cvss table exists and has a row */
};

/* keys.c */

/* Strict base64 (original alphabet, padded, no whitespace): 0 when b64 decodes
 * to exactly outlen bytes, -1 otherwise (out is then unspecified). */
int bundle_b64_decode(const char *b64, size_t len, uint8_t *out, size_t outlen);
/* 1 when s[0..len) is valid UTF-8 without control characters (tab allowed). */
int bundle_utf8_printable(const char *s, size_t len);
uint64_t bundle_le64(const uint8_t p[8]);

/* open.c */

/*
 * bundle_open() with the decompressed-size cap as a parameter (tests use a
 * small one).
 */
int bundle_open_capped(struct ctx *c, const char *path, const struct bundle_pubkey *keys,
    size_t nkeys, int64_t now, size_t db_max, struct bundle **out);

/*
 * The decompress-and-open step of bundle_open_capped(), for callers that have
 * already verified zst (bundle_open) or that build bundles (airlock-feed's
 * bundle_open_unverified in unverified.c, which the scanner never links).
 * bundle_db_read_meta() fills b->meta from the database's meta table.
 */
int bundle_db_load(struct ctx *c, const uint8_t *zst, size_t len, size_t db_max,
    struct bundle **out);
int bundle_db_read_meta(struct ctx *c, struct bundle *b);

/* unverified.c (libfeed only): opens a bundle's database WITHOUT checking any
 * signature, for the connected side re-signing its own output. */
int bundle_open_unverified(struct ctx *c, const uint8_t *zst, size_t len,
    struct bundle **out);

/* The words the schema allows (vocab.c), NULL-terminated; bundle_in_list: whether
 * s (NULL: no) is one of them. */
extern const char *const bundle_states[];
extern const char *const bundle_severities[];
extern const char *const bundle_name_kinds[];
extern const char *const bundle_cvss_versions[];
extern const char *const bundle_oval_ecosystems[];
extern const char *const bundle_oval_classes[];
extern const char *const bundle_oval_kinds[];
extern const char *const bundle_oval_checks[];
extern const char *const bundle_oval_existences[];
extern const char *const bundle_oval_cmp_ops[];
extern const char *const bundle_oval_version_ops[];
extern const char *const bundle_oval_arch_ops[];
extern const char *const bundle_oval_flavours[];
int bundle_in_list(const char *s, const char *const *list);

#endif
