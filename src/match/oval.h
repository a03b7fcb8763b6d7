/*
 * oval.h - OVAL definitions of a bundle (oval_def, oval_test) evaluated
 * against an image's installed packages: the criteria tree, OVAL's three-valued
 * logic, and the findings a definition yields.
 *
 * The criteria string (oval_def.criteria, written by airlock-feed):
 *   node := OP '(' node (',' node)* ')' | '!' node | 't' DIGITS
 *   OP   := '&' AND | '|' OR | '1' ONE | '^' XOR
 * ASCII, no spaces; t<id> is an oval_test id (decimal, no leading zero, > 0).
 * Signed data, still parsed as untrusted: at most OVAL_CRITERIA_MAX bytes, at
 * most OVAL_DEPTH_MAX operators ('!' included) enclosing any node (the
 * writer's BUNDLE_OVAL_DEPTH_MAX), at most OVAL_NODES_MAX nodes; over a limit
 * is E_LIMIT, anything else malformed E_FORMAT.
 *
 * Results are OVAL's true / false / unknown (its "error", "not evaluated"
 * and "unknown" all count as unknown here). Operators (OVAL 5.11,
 * OperatorEnumeration) over the children's results:
 *   AND: false if any false, else unknown if any unknown, else true;
 *   OR:  true if any true, else unknown if any unknown, else false;
 *   ONE: false if two or more true; else unknown if any unknown; else true
 *        iff exactly one true;
 *   XOR: unknown if any unknown, else true iff the number of true is odd;
 * negation swaps true and false and keeps unknown. A test's check over the
 * results of its items (CheckEnumeration) is the same with "all" = AND,
 * "at least one" = OR, "only one" = ONE, "none satisfy" = NOR.
 *
 * Evaluation of one definition (oval_eval_def):
 *  - pkg test: its items are the installed packages whose name is one of the
 *    test's names or matches its name_pattern (POSIX ERE, searched as regexec
 *    does); for a definition with name_kind "source" the items are the
 *    distinct (source name, source version) pairs of the packages instead.
 *    No item: true when existence is none_exist or any_exist, else false.
 *    Otherwise existence decides first (none_exist: false; only_one_exists:
 *    false unless exactly one item); then, without state fields, true; with
 *    them, each item against every field (AND): evr and version compared with
 *    the ecosystem's ordering (version_cmp(): rpm EVR with a missing epoch 0,
 *    or dpkg), "equals"/"not equal" on version as strings, "pattern match" as
 *    a POSIX ERE; arch equals or matches the package's arch; sigkey equals
 *    the package's header signature key id; the items' results combined by
 *    the check. A version that cannot be compared makes that item unknown and
 *    the package is reported (oval_sink.bad_version), once.
 *  - Module streams (RHEL): inside an AND whose direct children include a
 *    (not negated) module test "N:S", pkg tests anywhere below that AND
 *    consider only packages whose modularity label starts with "N:S:"
 *    (several such ANDs nest: every stream in scope must match).
 *  - A pattern longer than OVAL_PATTERN_MAX, with more than
 *    OVAL_PATTERN_BOUNDS_MAX interval expressions or one above
 *    OVAL_PATTERN_REPEAT_MAX, or that regcomp() refuses makes its test
 *    unknown (compiled once per test, REG_EXTENDED | REG_NOSUB).
 *  - Oracle flavours: for a namespace "ol:*", a pkg test with an evr compares
 *    only packages of its own flavour (ksplice: ".ksplice" in the release;
 *    fips: "_fips" or ".fips" in it; else normal): any other package does not
 *    satisfy it. A test without evr does not constrain the flavour.
 *  - module test: true iff some installed package's modularity label starts
 *    with "N:S:" (false then with check "none satisfy" or none_exist);
 *    platform test: the namespace was chosen from the image's os-release, so
 *    true (false with check "none satisfy" or existence none_exist);
 *    unsupported test: unknown, its why kept as the reason.
 *
 * Findings: the witnesses are the packages that satisfied a version-comparing
 * pkg test (a state whose evr or version is "less than" or "less than or
 * equal": the vulnerable versions; an "equals" on a release package such as
 * SUSE's "sles-release is ==15" only qualifies the platform) in subtrees whose
 * result supports
 * the definition's (a true node keeps its true children's witnesses, an
 * unknown node its true and unknown children's; witnesses below a negation
 * are dropped: a negated test proves an absence); when there is none,
 * packages of existence-only tests (no state: "X is installed") are. A test
 * with its own state (oval_test.state: the vendor gave each package's status,
 * as Ubuntu's CVE OVAL does in its criterion comments) is a witness whatever
 * its class, and its state, vendor status and note replace the definition's
 * for the packages it matched (its witnesses yield nothing when that state is
 * "not-affected"). A TRUE definition yields one hit per (witness package, vuln
 * id) with that state (nothing for a definition "not-affected"); UNKNOWN with
 * witnesses yields hits with status "unknown" and a note naming the reasons;
 * FALSE or UNKNOWN without witnesses yields nothing. fixed_version is the
 * witness test's evr (or version) when its operation is "less than" (and the
 * test's own state, if any, is "fixed"), else NULL ("less than or equal"
 * names the last vulnerable version, not a fix; Ubuntu's "pending" names a
 * fix not yet published); comparison is "INSTALLED OP VALUE (rpm|dpkg)", or
 * for an existence-only witness "no fix: vendor state STATE" ("installed; no
 * version compared" for a fixed one).
 *
 * Ownership: oval_eval_new() borrows the bundle and package list (both must
 * outlive the evaluator) and caches each test it reads (with its compiled
 * patterns) until oval_eval_free(). Strings in a struct oval_hit are borrowed
 * for the duration of the sink's callback.
 */
#ifndef AIRLOCK_MATCH_OVAL_H
#define AIRLOCK_MATCH_OVAL_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct sb;
struct bundle;
struct bundle_oval_def_row;
struct pkg;
struct pkglist;

#define OVAL_CRITERIA_MAX	(1 << 20)	/* bytes of one criteria string */
#define OVAL_DEPTH_MAX		64		/* operators enclosing a node */
#define OVAL_NODES_MAX		131072		/* nodes of one criteria tree */
#define OVAL_PATTERN_MAX	1024		/* bytes of one regular expression */
#define OVAL_PATTERN_BOUNDS_MAX	4		/* interval expressions {n,m} in one */
#define OVAL_PATTERN_REPEAT_MAX	64		/* largest n or m of one */
#define OVAL_REASONS_MAX	4		/* distinct reasons kept for "unknown" */

enum oval_result { OVAL_FALSE = 0, OVAL_TRUE = 1, OVAL_UNKNOWN = 2 };
enum oval_op { OVAL_AND, OVAL_OR, OVAL_ONE, OVAL_XOR };
enum oval_node_kind { OVAL_NODE_TEST, OVAL_NODE_OP, OVAL_NODE_NOT };

/* The tree in preorder: a node's children follow it, each child's subtree
 * spanning its size nodes. */
struct oval_node {
	enum oval_node_kind kind;
	enum oval_op op;		/* OVAL_NODE_OP */
	int64_t test;			/* OVAL_NODE_TEST: the oval_test id */
	uint32_t size;			/* nodes in this subtree, itself included */
	uint32_t nchildren;		/* OP: at least 1; NOT: 1; TEST: 0 */
};

struct oval_tree {
	struct oval_node *v;		/* owned */
	size_t n;
};

/* Parses s[0..len) (see above). *out is emptied first; freed with oval_tree_free. */
int oval_criteria_parse(struct ctx *c, const char *s, size_t len, struct oval_tree *out);
void oval_tree_free(struct oval_tree *t);
/* The tree as a criteria string again (appended to out). */
void oval_criteria_format(const struct oval_tree *t, struct sb *out);

/* OVAL's operator tables (see above); n may be 0 (AND: true, OR/ONE/XOR: false). */
enum oval_result oval_combine(enum oval_op op, const enum oval_result *v, size_t n);
enum oval_result oval_negate(enum oval_result r);

/* One finding of a definition for one package and vulnerability. */
struct oval_hit {
	const struct bundle_oval_def_row *def;
	const char *vuln_id;
	const char *description;	/* the source's, or NULL */
	const struct pkg *pkg;		/* the installed binary package */
	const char *package;		/* the name compared (binary, or source name) */
	const char *version;		/* the version compared */
	const char *status;		/* fixed | unfixed | wont-fix | unknown */
	const char *fixed_version;	/* or NULL */
	const char *comparison;
	const char *vendor_status;	/* the witness test's, else the def's; or NULL */
	const char *note;		/* or NULL */
};

struct oval_sink {
	int (*hit)(struct ctx *c, const struct oval_hit *h, void *arg);
	/* pkg's version could not be compared with a definition's (once per package) */
	int (*bad_version)(struct ctx *c, const struct pkg *p, const char *reason, void *arg);
	void *arg;
};

struct oval_stats {
	size_t defs;		/* definitions evaluated */
	size_t defs_true;
	size_t defs_unknown;
	size_t unknown_unwitnessed;	/* unknown with no package to name: no finding */
	size_t tests_read;	/* distinct tests read from the bundle */
};

struct oval_eval;

/*
 * An evaluator for the packages of pkgs whose ecosystem is ecosystem ("rpm",
 * "deb"; others are ignored). Fails only on a programming error.
 */
int oval_eval_new(struct ctx *c, struct bundle *b, const struct pkglist *pkgs,
    const char *ecosystem, struct oval_eval **out);
/* Evaluates definition def (an oval_def id) and hands its hits to sink. */
int oval_eval_def(struct ctx *c, struct oval_eval *e, int64_t def, const struct oval_sink *sink);
const struct oval_stats *oval_eval_stats(const struct oval_eval *e);
void oval_eval_free(struct oval_eval *e);	/* NULL is a no-op */

#endif
