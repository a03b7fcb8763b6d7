/*
 * oval.h - the shared OVAL definitions parser and what a vendor file
 * (feeds/oval_<vendor>.c) tells it. Private to feeds/.
 *
 * oval.c streams the document, stages it in a private temporary SQLite
 * database, then resolves every definition's criteria to tests and writes
 * oval_test / oval_def rows (bundles/write.h). A vendor supplies only what
 * differs: how a definition names its release (namespace), the severity
 * words, the advisory id, the state a TRUE result means, Oracle's flavours.
 *
 * Ownership: everything a vendor hook receives is borrowed for the call; the
 * strings it returns are static or point into what it received.
 */
#ifndef AIRLOCK_FEED_OVAL_H
#define AIRLOCK_FEED_OVAL_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct bundle_writer;

#define OVAL_NS_MAX	64	/* bytes of one namespace, "sles:15.5" */

/* A <reference source= ref_id=> of a definition's metadata. */
struct oval_ref {
	const char *source, *ref_id;
};

/* A definition's metadata, as the file gives it. */
struct oval_meta {
	const char *id;			/* "oval:com.redhat.rhsa:def:20190966" */
	const char *klass;		/* "patch", "vulnerability", ... */
	const char *title;		/* or NULL */
	const char *severity;		/* <advisory><severity>, or NULL */
	const char *dsa;		/* Debian <debian><dsa>, or NULL */
	const char *const *platforms;	/* <affected><platform> texts */
	size_t nplatforms;
	const struct oval_ref *refs;
	size_t nrefs;
	/* Red Hat <advisory><affected><resolution state=...>: states and, per
	 * resolution, its <component> names joined with ", " */
	const char *const *resolutions;
	const char *const *components;
	size_t nresolutions;
};

/* What a TRUE result of a definition means (oval_def.state and company). */
struct oval_verdict {
	const char *state;		/* fixed|unfixed|wont-fix|unknown */
	const char *vendor_status;	/* or NULL */
	char note[512];			/* "" for none */
};

/*
 * What one criterion's comment says of the packages its (pkg) test names, when
 * a vendor gives each package's status there (Ubuntu's CVE OVAL). state NULL:
 * the comment says nothing of the kind, and the definition's state applies.
 * The comment itself is stored as the test's note (oval_test.note).
 */
struct oval_pkgstatus {
	const char *state;		/* fixed|unfixed|wont-fix|unknown|not-affected */
	const char *vendor_status;	/* the vendor's status word ("needed"), or NULL */
};

/* What the pkg tests reachable from a definition's criteria do. */
struct oval_facts {
	int has_pkg;			/* some pkg test */
	int has_cmp;			/* one compares with a fix (evr/version "less than") */
	int has_exist;			/* one has no version field (installed = matched) */
};

/*
 * The state when the vendor adds nothing: patch definitions and those with a
 * has_cmp test are "fixed"; else a has_exist test makes them "unfixed"; else
 * pkg tests that only compare versions for equality (SUSE's "is ==0", never
 * true) make them "not-affected"; without pkg tests they are "unknown".
 */
const char *oval_default_state(const struct oval_meta *m, const struct oval_facts *f);

/* Namespaces of one definition: up to OVAL_NAMESPACES_MAX. */
#define OVAL_NAMESPACES_MAX 64
struct oval_nslist {
	char ns[OVAL_NAMESPACES_MAX][OVAL_NS_MAX];
	size_t n;
};

/* Adds ns once; E_LIMIT past OVAL_NAMESPACES_MAX. */
int oval_nslist_add(struct ctx *c, struct oval_nslist *l, const char *ns);

struct oval_vendor {
	const char *source;		/* "rhel-oval" */
	const char *ecosystem;		/* "rpm" | "deb" */
	const char *name_kind;		/* "binary" | "source" */
	/* "@ARG" -> the namespace every definition goes to; E_USAGE when bad */
	int (*arg_namespace)(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX]);
	/*
	 * The namespaces a definition names. Leaving l empty skips it (a product
	 * we do not scan), unless it names no platform at all: then *none is set
	 * and the file's one namespace is used (E_FORMAT when the file has
	 * several or none; the user gives it as @ARG). Unknown releases are
	 * E_FORMAT (fail closed).
	 */
	int (*namespaces)(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l,
	    int *none);
	/* vendor severity word -> critical|high|medium|low|negligible|unknown */
	const char *(*severity)(const char *word);
	/* the advisory id (RHSA-2019:0966, ELSA-..., USN-..., DSA-...) or NULL */
	const char *(*advisory)(const struct oval_meta *m);
	/* The state (NULL: oval_default_state); E_FORMAT for vendor words it
	 * does not know. */
	int (*verdict)(struct ctx *c, const struct oval_meta *m,
	    const struct oval_facts *f, struct oval_verdict *v);
	/* Oracle: "ksplice" | "fips" for a state's evr, else NULL; NULL hook: none */
	const char *(*flavour)(const char *evr);
	/*
	 * Whether a definition lists what is not fixed, so that its namespace is
	 * covered "complete" rather than "fixes-only". NULL: its state is
	 * unfixed, wont-fix or unknown.
	 */
	int (*lists_unfixed)(const struct oval_meta *m, const char *state);
	/*
	 * Whether the input file (by its published name) covers its whole
	 * release; 0 for a file of one product stream (Red Hat's
	 * "ansible-2-including-unpatched"), whose namespaces then stay
	 * "fixes-only" whatever it lists. NULL: every file does.
	 */
	int (*whole_release)(const char *path);
	/*
	 * The status a <criterion comment=> gives the packages of its test
	 * (struct oval_pkgstatus), for a definition m; ps->state NULL for none;
	 * E_FORMAT for a status sentence whose words it does not know. Only
	 * pkg tests take it; a "fixed" one must compare versions ("less than").
	 * NULL hook: criterion comments are not read.
	 */
	int (*criterion)(struct ctx *c, const struct oval_meta *m, const char *comment,
	    struct oval_pkgstatus *ps);
	/* Note added to a def all of whose version tests compare with "0:0"
	 * (Debian: "less than 0" is how it writes both not-affected and open
	 * issues); NULL for none. */
	const char *zero_note;
};

/* Counts of one parse (for tests and stats). */
struct oval_stats {
	int64_t definitions;		/* <definition> elements */
	int64_t inventory;		/* of class inventory (inlined, not stored) */
	int64_t skipped;		/* no namespace we scan, or no criteria */
	int64_t records;		/* oval_def rows (definition x namespace) */
	int64_t tests;			/* oval_test rows */
	int64_t unsupported;		/* of kind unsupported */
};

int oval_parse_file(struct ctx *c, const struct oval_vendor *v, const char *path,
    const char *arg, struct bundle_writer *w, int64_t *records);
int oval_parse_mem(struct ctx *c, const struct oval_vendor *v, const char *arg,
    const uint8_t *buf, size_t len, struct bundle_writer *w, int64_t *records,
    struct oval_stats *st);

/* Helpers for vendor files. */
/* The first reference whose source equals one of sources (ASCII case
 * insensitive), NULL-terminated; its ref_id, or NULL. */
const char *oval_ref_find(const struct oval_meta *m, const char *const *sources);
/* ASCII case-insensitive lookup of word in a NULL-terminated {word, value}
 * table; "unknown" when absent or NULL. */
const char *oval_word_map(const char *word, const char *const (*table)[2]);
/* Whether s is 1 to max ASCII digits (a major release number). */
int oval_all_digits(const char *s, size_t max);
/* For each platform of m that is prefix followed by a major release N (1 to
 * max digits), adds "name:N" to l; *none when m names no platform. */
int oval_platform_majors(struct ctx *c, const struct oval_meta *m, const char *prefix,
    const char *name, size_t max, struct oval_nslist *l, int *none);

/* The vendors (feeds/oval_<vendor>.c). */
extern const struct oval_vendor oval_vendor_rhel;
extern const struct oval_vendor oval_vendor_oracle;
extern const struct oval_vendor oval_vendor_suse;
extern const struct oval_vendor oval_vendor_ubuntu;
extern const struct oval_vendor oval_vendor_debian;

#endif
