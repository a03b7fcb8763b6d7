/*
 * bundle.h - the signed vulnerability database: trust checks and queries.
 *
 * This is the part both binaries link. It can verify and read a bundle but
 * cannot sign one (signing is in sign.h, linked only into airlock-feed).
 *
 * A bundle is NAME.db.zst (SQLite database, zstd) plus NAME.db.zst.minisig, a
 * minisign-format detached signature (alg "ED": Ed25519 over BLAKE2b-512 of the
 * file) whose signed trusted comment carries the bundle metadata:
 *   airlock-bundle=1 serial=N created=YYYY-MM-DDTHH:MM:SSZ expires=... keyid=HEX16
 * See doc/airlock-bundle.5.
 *
 * Ownership: bundle_open() returns a struct bundle the caller releases with
 * bundle_close(); strings in rows passed to callbacks are borrowed for the
 * duration of the callback only.
 */
#ifndef AIRLOCK_BUNDLE_H
#define AIRLOCK_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct bundle;

/* Named limits of the isolated side. */
#define BUNDLE_ZST_MAX   ((size_t)1 << 30)	/* compressed bundle: 1 GiB */
#define BUNDLE_DB_MAX    ((size_t)4 << 30)	/* decompressed database: 4 GiB */
#define BUNDLE_SIG_MAX   4096			/* .minisig file */
#define BUNDLE_KEY_MAX   4096			/* public key file */
#define BUNDLE_COMMENT_MAX 1024			/* trusted comment, as minisign */
#define BUNDLE_FORMAT    1			/* format version we read and write */

struct bundle_pubkey {
	uint8_t keynum[8];	/* minisign key id, as stored (little-endian) */
	uint8_t pk[32];		/* Ed25519 public key */
};

struct bundle_meta {
	int format;
	uint64_t serial;
	int64_t created;	/* unix time */
	int64_t expires;	/* unix time */
	char keyid[17];		/* 16 uppercase hex digits, as minisign prints */
	char trusted_comment[BUNDLE_COMMENT_MAX + 1];
	/*
	 * Not signed: how this run accepted the bundle, set by bundles/install.c
	 * (install_open) for the reports to state. Zero everywhere else.
	 */
	int expired;		/* past expires, accepted with --allow-expired */
	int downgrade;		/* serial below an installed one, --allow-downgrade */
	uint64_t downgraded_from; /* that installed serial, when downgrade */
};

/* Key id as minisign prints it: 16 uppercase hex digits of the little-endian u64. */
void bundle_keyid_hex(const uint8_t keynum[8], char out[17]);

int bundle_pubkey_parse(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_pubkey *pk);
int bundle_pubkey_load(struct ctx *c, const char *path, struct bundle_pubkey *pk);

/*
 * The trusted keys: the public key file pubfile and/or every *.pub file of dir
 * (in name order). When both are NULL, dir is $AIRLOCK_KEYS, else
 * AIRLOCK_KEYS_DIR (/etc/airlock/keys). At most BUNDLE_KEYS_MAX keys; none is E_NOTFOUND.
 * *keys is allocated by the call and freed by the caller with free().
 */
#define BUNDLE_KEYS_MAX  64			/* trusted keys */
int bundle_keys_load(struct ctx *c, const char *pubfile, const char *dir,
    struct bundle_pubkey **keys, size_t *nkeys);

/*
 * Revocation. A revocation list names key ids, one per line as minisign prints
 * them (16 hex digits, either case), with blank lines and '#' comments (a whole
 * line, or after the id); surrounding spaces and tabs are ignored. Anything
 * else is E_FORMAT naming the line; more than BUNDLE_REVOKED_MAX ids is E_LIMIT.
 * bundle_revoked_parse allocates *ids (freed by the caller with free(); NULL
 * when there are none) with key ids as stored in keys (little-endian keynum).
 */
#define BUNDLE_REVOKED_MAX	1024		/* key ids in the revocation lists */
#define BUNDLE_REVOKED_FILE_MAX	(64 * 1024)	/* a revocation list file */
#define BUNDLE_REVOKED_NAME	"revoked"	/* its name in a key directory */

struct bundle_keyid {
	uint8_t keynum[8];
};

int bundle_revoked_parse(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_keyid **ids, size_t *nids);

/*
 * bundle_keys_load, then revocation: the ids listed in revfile (when not NULL;
 * it must exist) and in the key directory's BUNDLE_REVOKED_NAME file (when it
 * exists) are revoked. The key directory is dir, or with pubfile alone, still
 * the default one ($AIRLOCK_KEYS, else AIRLOCK_KEYS_DIR (/etc/airlock/keys)): a site's
 * revocation also covers a key given with -p. bundle_keys_load does the same
 * with revfile NULL.
 *
 * A revoked key stays in *keys with its public key wiped (all zero bytes, which
 * no Ed25519 key is, so it can never verify anything); a revoked id without a
 * .pub file is added the same way, so bundle_verify refuses either one by name
 * ("key X is revoked") right after the key-id lookup, before any signature
 * check. *keys holds at most BUNDLE_KEYS_MAX + BUNDLE_REVOKED_MAX entries.
 */
int bundle_keys_load_revoked(struct ctx *c, const char *pubfile, const char *dir,
    const char *revfile, struct bundle_pubkey **keys, size_t *nkeys);
/* 1 when k is a revoked entry (see above). */
int bundle_pubkey_is_revoked(const struct bundle_pubkey *k);

/*
 * Times in the trusted comment: "YYYY-MM-DDTHH:MM:SSZ", UTC, years 1970-9999.
 * bundle_time_parse is strict (exact syntax, real calendar dates, no leap
 * seconds) and returns 0 or E_FORMAT without a message; bundle_time_format
 * clamps t to that range.
 */
#define BUNDLE_TIME_LEN  20
int bundle_time_parse(const char *s, size_t len, int64_t *t);
void bundle_time_format(int64_t t, char out[BUNDLE_TIME_LEN + 1]);

/* Formats / parses the trusted comment (without the "trusted comment: " tag). */
void bundle_comment_format(const struct bundle_meta *m, char *out, size_t outlen);
int bundle_comment_parse(struct ctx *c, const char *comment, struct bundle_meta *m);

/*
 * Checks a detached minisign signature over data, in this order: exact sizes and
 * algorithm tag, key id among keys and not revoked, signature, trusted-comment
 * signature, then the trusted comment's syntax. Fills meta on success. E_VERIFY
 * for any signature/trust failure, E_FORMAT for a malformed signature file.
 */
int bundle_verify(struct ctx *c, const uint8_t *data, size_t len, const uint8_t *sig,
    size_t siglen, const struct bundle_pubkey *keys, size_t nkeys,
    struct bundle_meta *meta);

/*
 * Reads PATH and PATH.minisig, verifies (bundle_verify), refuses an expired
 * bundle (E_STALE) unless now is 0, then decompresses the same verified bytes
 * under BUNDLE_DB_MAX and opens the SQLite database read-only, in memory, with
 * SQLITE_DBCONFIG_DEFENSIVE on and trusted_schema off. Nothing touches the bytes
 * before the signature checks pass.
 */
int bundle_open(struct ctx *c, const char *path, const struct bundle_pubkey *keys,
    size_t nkeys, int64_t now, struct bundle **out);
void bundle_close(struct bundle *b);
const struct bundle_meta *bundle_get_meta(const struct bundle *b);

/* One row of the normalized model: a package's state for one vulnerability. */
struct bundle_affected {
	const char *source;		/* feed source name: "debian" */
	const char *vuln_id;		/* "CVE-2016-1585" */
	const char *ecosystem;		/* "deb" / "apk" / "rpm" */
	const char *namespace;		/* "debian:12" */
	const char *package;		/* name as the vendor keys it */
	const char *name_kind;		/* "source" or "binary" */
	const char *state;		/* fixed|unfixed|wont-fix|unknown|not-affected */
	const char *fixed_version;	/* NULL when there is none */
	const char *severity;		/* normalized: critical|high|medium|low|negligible|unknown */
	const char *vendor_severity;	/* the vendor's word, e.g. "unimportant", "high**" */
	const char *vendor_status;	/* the vendor's status word: "resolved", "open" */
	const char *note;		/* vendor note (nodsa_reason, ...), or NULL */
	const char *advisory;		/* the vendor's advisory for this entry
					 * ("ALAS2-2018-939"), or NULL */
	const char *description;	/* or NULL */
};

/* Per-source manifest row, as stored in the bundle. */
struct bundle_source_info {
	const char *name;
	const char *format;
	const char *parser_version;
	int64_t records;
};

/* One input file of a source (the source_input table), as stored in the bundle. */
struct bundle_source_input {
	const char *source;		/* source name: "debian" */
	const char *path;		/* input file as given to the builder */
	const char *sha256;		/* its SHA-256: 64 lowercase hex digits */
	int64_t bytes;			/* its size */
	const char *upstream_time;	/* publisher's timestamp of the data, or NULL */
};

typedef int (*bundle_affected_fn)(struct ctx *c, const struct bundle_affected *row,
    void *arg);
typedef int (*bundle_source_fn)(struct ctx *c, const struct bundle_source_info *src,
    void *arg);

/* Every row for (ecosystem, namespace, package, name_kind), in vuln_id order,
 * then source name, then input order.
 * A callback's non-zero return stops the walk and is returned. */
int bundle_query_package(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_affected_fn fn, void *arg);
/* The same rows in the same order without their description (row->description
 * is NULL), read from the affected index without a sort or a vuln lookup per
 * row (much cheaper): the matcher fetches the descriptions of its findings
 * only, with bundle_vuln_description. */
int bundle_query_package_brief(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_affected_fn fn, void *arg);
/* The description that source (a source name) stored for vuln_id, as the rows of
 * bundle_query_package carry it: *out is allocated (free()) or NULL (none). */
int bundle_vuln_description(struct ctx *c, struct bundle *b, const char *source,
    const char *vuln_id, char **out);
/* How the bundle covers namespace (e.g. "debian:12"): *cov is
 * BUNDLE_NS_NONE (no source), BUNDLE_NS_FIXES_ONLY (only sources that list fixes,
 * so an absent package is not known safe) or BUNDLE_NS_COMPLETE (some source
 * lists every known vulnerability). */
enum { BUNDLE_NS_NONE = 0, BUNDLE_NS_FIXES_ONLY = 1, BUNDLE_NS_COMPLETE = 2 };
int bundle_has_namespace(struct ctx *c, struct bundle *b, const char *namespace, int *cov);
int bundle_sources(struct ctx *c, struct bundle *b, bundle_source_fn fn, void *arg);
/* Every input file of every source, in source then insertion order. A row with
 * a missing column, a malformed sha256 or a negative size is E_FORMAT. */
typedef int (*bundle_input_fn)(struct ctx *c, const struct bundle_source_input *in,
    void *arg);
int bundle_source_inputs(struct ctx *c, struct bundle *b, bundle_input_fn fn, void *arg);

/*
 * NVD's best severity for vuln_id, from the cvss table (enrichment by CVE id
 * only). Preference: Primary (NVD's own analysis) before Secondary (a CNA's),
 * then CVSS v3.1 > v3.0 > v4.0 > v2.0, then input order. The base severity
 * maps as CRITICAL -> critical, HIGH -> high, MEDIUM -> medium, LOW -> low,
 * NONE -> negligible (see doc/airlock-json.7). *severity, *version point to
 * static strings; both are NULL (and *score -1) when no source has a CVSS
 * entry for vuln_id, or the bundle predates the cvss table.
 */
int bundle_vuln_severity(struct ctx *c, struct bundle *b, const char *vuln_id,
    const char **severity, const char **version, double *score);

/*
 * ---- OVAL (the oval_* tables of rhel-oval, oracle-oval, suse-oval,
 * ubuntu-oval, debian-oval; doc/airlock-bundle.5) ----------------------------
 *
 * The scanner finds candidate definitions through oval_index, reads each one
 * and the tests its criteria name, and evaluates them (src/match/oval.c).
 * Rows are checked before they reach a callback (a required column NULL, a
 * word outside the schema's vocabulary: E_FORMAT); the criteria string is
 * parsed by the evaluator. Strings are borrowed for the callback's duration.
 * Their statements are kept as the others' are (bundle_statements_keep).
 */
struct bundle_oval_def_row {
	int64_t id;
	const char *source;		/* feed source name: "rhel-oval" */
	const char *namespace;		/* "rhel:8" */
	const char *ecosystem;		/* "rpm" | "deb" */
	const char *name_kind;		/* "binary" | "source" (debian-oval) */
	const char *def_id;		/* "oval:com.redhat.rhsa:def:20190966" */
	const char *klass;		/* OVAL class: "patch", "vulnerability", ... */
	const char *title;		/* or NULL */
	const char *advisory;		/* "RHSA-2019:0966", or NULL */
	const char *state;		/* what TRUE means: fixed|unfixed|wont-fix|unknown|
					 * not-affected */
	const char *severity;		/* normalized */
	const char *vendor_severity;	/* or NULL */
	const char *vendor_status;	/* or NULL */
	const char *note;		/* or NULL */
	const char *criteria;		/* "|(t1,&(t2,t3))": see oval.h */
};

struct bundle_oval_test_row {
	int64_t id;
	const char *kind;		/* "pkg" | "module" | "platform" | "unsupported" */
	const char *comment;		/* or NULL */
	const char *check;		/* "at least one" | "all" | "only one" | "none satisfy" */
	const char *existence;		/* "at_least_one_exists" | "any_exist" | "all_exist" |
					 * "none_exist" | "only_one_exists" */
	const char *const *names;	/* the object's package names, in insertion order */
	size_t nnames;
	const char *name_pattern;	/* POSIX ERE, or NULL */
	const char *evr_op, *evr;	/* each state field: (operation, value) or NULLs */
	const char *version_op, *version;
	const char *arch_op, *arch;
	const char *sigkey;		/* 16 lowercase hex digits, or NULL */
	const char *module;		/* kind module: "NAME:STREAM" */
	const char *flavour;		/* "ksplice" | "fips" | NULL */
	const char *why;		/* kind unsupported: what it tests */
	const char *state;		/* kind pkg: what a package matched through it is
					 * (as affected.state), or NULL: the def's */
	const char *vendor_status;	/* with state: the vendor's status word, or NULL */
	const char *note;		/* with state: the vendor's words, or NULL */
};

typedef int (*bundle_oval_candidate_fn)(struct ctx *c, int64_t def, void *arg);
typedef int (*bundle_oval_def_fn)(struct ctx *c, const struct bundle_oval_def_row *d,
    void *arg);
typedef int (*bundle_oval_vuln_fn)(struct ctx *c, const char *vuln_id,
    const char *description, void *arg);
typedef int (*bundle_oval_test_fn)(struct ctx *c, const struct bundle_oval_test_row *t,
    void *arg);

/* *yes: 1 when the bundle has the OVAL tables (0: a bundle older than them;
 * the other bundle_oval_* calls then fail). */
int bundle_oval_present(struct ctx *c, struct bundle *b, int *yes);
/* Every definition id indexed under (ecosystem, namespace, package,
 * name_kind), ascending, each once. */
int bundle_oval_candidates(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_oval_candidate_fn fn, void *arg);
/* The definition def (E_NOTFOUND when there is none), with its source's name. */
int bundle_oval_def_get(struct ctx *c, struct bundle *b, int64_t def, bundle_oval_def_fn fn,
    void *arg);
/* Its vulnerability ids in the definition's order, each with the description
 * the source stored for it (vuln table), or NULL. */
int bundle_oval_def_vulns(struct ctx *c, struct bundle *b, int64_t def,
    bundle_oval_vuln_fn fn, void *arg);
/* The test test (E_NOTFOUND when there is none), with its names. */
int bundle_oval_test_get(struct ctx *c, struct bundle *b, int64_t test,
    bundle_oval_test_fn fn, void *arg);
/* bundle_statements_release(), under its older name. */
void bundle_oval_release(struct bundle *b);
/* ---- end of OVAL ---------------------------------------------------------- */

/*
 * Statement reuse, for a run of many lookups (match_run() brackets its own).
 * After bundle_statements_keep(b), the lookups (bundle_query_package*,
 * bundle_vuln_description, bundle_has_namespace, bundle_vuln_severity and the
 * bundle_oval_* calls) leave the statement they prepared on b, idle, for the
 * next call, and what they learnt of the schema (whether the cvss table has
 * rows, how sources are numbered) is remembered: a scan's thousands of
 * lookups compile each statement once. A
 * call made while its kept statement is in use (from a callback of the same
 * query) prepares and finalizes its own. bundle_statements_release(b)
 * finalizes the kept statements and ends the reuse; bundle_close() does it
 * too. The database must not change in between. Without keep, each call
 * prepares and finalizes its own statement. NULL is a no-op for both.
 */
void bundle_statements_keep(struct bundle *b);
void bundle_statements_release(struct bundle *b);

/*
 * Lookup timing, for AIRLOCK_STATS (see bench/lookup.sh). After
 * bundle_profile_enable(), every statement run on b is timed, with
 * CLOCK_MONOTONIC, from its compilation in sqlite3_prepare (once parsed) to
 * the end of its run (the step that returns SQLITE_DONE or an error, or the
 * reset or finalize of a run left unfinished); runs that overlap (a row
 * callback that queries again) count once. That includes what a row callback
 * does between steps. bundle_profile() gives the time so far and the number
 * of finished runs. Enabling installs an authorizer that allows everything
 * (see open.c), which expires statements prepared before.
 */
int bundle_profile_enable(struct ctx *c, struct bundle *b);
void bundle_profile(const struct bundle *b, uint64_t *ns, uint64_t *nstmts);

#endif
