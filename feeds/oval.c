/*
 * oval.c - the OVAL definitions parser shared by the five OVAL sources
 * (rhel-oval, oracle-oval, suse-oval, ubuntu-oval, debian-oval; the vendor
 * specifics are in feeds/oval_<vendor>.c, see oval.h).
 *
 * Input: an OVAL 5 <oval_definitions> document, plain or compressed (gzip,
 * bzip2, xz, zstd: feeds/stream.h), streamed through libxml2's xmlTextReader
 * with XML_PARSE_NONET and without NOENT, DTDLOAD or HUGE; a document type
 * declaration or an entity reference is E_FORMAT (the format needs neither).
 *
 * Two phases, so memory stays bounded however large the file:
 *
 * 1. Staging. OVAL puts <definitions> before the <tests>, <objects>, <states>
 *    and <variables> they reference, so each element is written as it ends
 *    into a private temporary SQLite database (sqlite3_open(""): a temporary
 *    file, never the bundle; page cache OVAL_CACHE_KIB), keyed by its OVAL id.
 *    A definition's criteria are staged as a string in the final grammar
 *    (bundles/write.h) whose leaves are still OVAL ids: "T<id>;" for a
 *    criterion, "D<id>;" for an extend_definition.
 *
 * 2. Resolution, in file order. Each definition that is not of class
 *    inventory gets its namespaces from the vendor (pass 1; a definition
 *    naming no platform takes the file's one namespace), then (pass 2) its
 *    criteria are rewritten: extend_definition is inlined (negate applied,
 *    double negations folded, a cycle is E_FORMAT), and every test is resolved
 *    through its object, state and variables into one oval_test row, written
 *    once per file when first used (its bundle id cached in the staging
 *    database). A reference to an id the file lacks is E_FORMAT naming the
 *    line of the element that made it.
 *
 * Test kinds (bundles/write.c documents the columns):
 *   pkg       rpminfo_test (rpm vendors) / dpkginfo_test (deb vendors) whose
 *             object names packages (equals, a constant_variable's values, or
 *             a pattern match translated to POSIX ERE) and whose state, if any,
 *             uses only evr (the six comparisons), version (those or pattern
 *             match), arch (equals or pattern match) and signature_keyid
 *             (equals) fields, combined with AND.
 *   module    textfilecontent54_test on /etc/dnf/modules.d/NAME.module whose
 *             state text pattern requires "stream = STREAM" and an enabled
 *             state (Red Hat's module-stream criteria): "NAME:STREAM".
 *   platform  tests that identify the release the namespace already selects:
 *             rpmverifyfile_test on /etc/<x>-release, textfilecontent54_test
 *             on /etc/debian_version, /etc/lsb-release, /etc/os-release or
 *             /etc/<x>-release, family_test, uname_test without a state.
 *   unsupported  everything else, with why ("uname_test os_release",
 *             "textfilecontent54_test /boot/grub2/grub.cfg", "rpminfo_state
 *             field release", a pattern that has no POSIX ERE equivalent).
 * A test check="none exist" (deprecated by OVAL 5.3) is stored as check
 * 'none satisfy' with existence 'none_exist'.
 *
 * A definition's vulns: the CVE ids of its <reference source="CVE"> and
 * <advisory><cve> elements in order (the CVE-YYYY-N token of ref_id, as SUSE
 * writes "SUSE CVE-2021-29154"), else its advisory id, else its own id.
 * Records: one per oval_def row (definition x namespace). A namespace is
 * declared "complete" when some definition in it lists what is not fixed
 * (oval_vendor.lists_unfixed), else "fixes-only".
 */
#include "config.h"

#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <sqlite3.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feeds/oval.h"
#include "feeds/stream.h"

/* Named limits. */
#define OVAL_FILE_MAX		((uint64_t)1 << 30)	/* input file as stored: 1 GiB */
#define OVAL_XML_MAX		((uint64_t)4 << 30)	/* decompressed XML: 4 GiB */
#define OVAL_CHUNK		65536			/* bytes per read */
#define OVAL_DEPTH_MAX		96			/* element nesting (+1 per criteria) */
#define OVAL_TEXT_MAX		(1 << 20)		/* text of one element: 1 MiB */
#define OVAL_ATTR_MAX		8192			/* one attribute value */
#define OVAL_ID_MAX		256			/* an OVAL id */
#define OVAL_CRITERIA_DEPTH_MAX	64			/* nested <criteria> of a def */
#define OVAL_CRITERIA_NODES_MAX	65536			/* criteria elements of a def */
#define OVAL_EXTEND_DEPTH_MAX	16			/* nested extend_definition */
#define OVAL_META_MAX		4096			/* platforms, references, cves or
							   resolutions of a definition */
#define OVAL_FIELDS_MAX		64			/* fields of one object or state */
#define OVAL_VAR_VALUES_MAX	65536			/* values of one variable */
#define OVAL_NAMES_MAX		65536			/* package names of one test */
#define OVAL_PATTERN_MAX	4096			/* a regular expression */
#define OVAL_FILE_NS_MAX	256			/* distinct namespaces of one file */
#define OVAL_CACHE_KIB		16384			/* staging page cache: 16 MiB */

static const struct feed_stream_limits oval_limits = {
	OVAL_FILE_MAX, OVAL_XML_MAX, "OVAL_FILE_MAX", "OVAL_XML_MAX"
};

/* Where an element sits (parent + name decide it). */
enum el {
	EL_SKIP, EL_ROOT, EL_GENERATOR, EL_TIMESTAMP, EL_DEFINITIONS, EL_TESTS,
	EL_OBJECTS, EL_STATES, EL_VARIABLES, EL_DEFINITION, EL_METADATA, EL_TITLE,
	EL_AFFECTED, EL_PLATFORM, EL_REFERENCE, EL_DESCRIPTION, EL_ADVISORY,
	EL_SEVERITY, EL_CVE, EL_ADV_AFFECTED, EL_RESOLUTION, EL_COMPONENT, EL_DEBIAN,
	EL_DSA, EL_CRITERIA, EL_CRITERION, EL_EXTEND, EL_TEST, EL_TEST_OBJECT,
	EL_TEST_STATE, EL_OBJECT, EL_STATE, EL_FIELD, EL_SUBFIELD, EL_VARIABLE,
	EL_VALUE
};

/* The definition being read. */
struct pdef {
	char *id, *klass;
	int line;
	int has_criteria;
	struct sb title, description, severity, dsa;
	struct sb platforms, refs, cves, resolutions;	/* '\n'-separated records */
	size_t nplatforms, nrefs, ncves, nresolutions;
	struct sb crit;					/* staged criteria */
	int crit_depth;					/* open <criteria> */
	size_t crit_nodes;
	size_t children[OVAL_CRITERIA_DEPTH_MAX + 1];	/* per open <criteria> */
	struct sb res_components;			/* of the open <resolution> */
	char *res_state;
};

/* The test, object, state or variable being read. */
struct pitem {
	char *id, *type;
	int line;
	/* test */
	char *comment, *check, *existence, *state_op, *object_ref, *state_ref;
	int nobjects, nstates;
	/* object / state */
	char *operator;
	char *why;					/* first unsupported construct */
	int nfields;
	/* the open field */
	char *f_name, *f_op, *f_var_ref, *f_var_check;
	int f_line;
	int nvalues;
};

struct oparser {
	struct ctx *c;
	const struct oval_vendor *v;
	struct bundle_writer *w;
	char forced[OVAL_NS_MAX];			/* "" unless @ARG */
	struct feed_stream *in;
	xmlTextReaderPtr xr;
	int err;
	sqlite3 *db;
	sqlite3_stmt **st;

	/* reading */
	enum el stack[OVAL_DEPTH_MAX + 1];
	int cap_depth;					/* capturing text: depth, or -1 */
	enum el cap_el;
	struct sb text;
	struct pdef d;
	int in_def;
	struct pitem it;
	int in_item;
	enum el item_el;
	char timestamp[64];

	/* resolving */
	int def_line;					/* line of the def being resolved */
	const struct oval_meta *meta;			/* its metadata */
	int64_t next_fake;				/* test ids when w == NULL */
	struct oval_facts facts;
	int64_t ncmp, nzero;
	char *extend_stack[OVAL_EXTEND_DEPTH_MAX];
	int nextend;
	const char *path;				/* input file, NULL for a buffer */
	struct oval_nslist file_ns;			/* pass 1: the file's namespaces */
	struct {
		char ns[OVAL_NS_MAX];
		int complete;
	} covered[OVAL_FILE_NS_MAX];
	size_t ncovered;
	struct oval_stats stats;
};

/* ---- errors -------------------------------------------------------------- */

static int perr_at(struct oparser *p, int line, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int perr(struct oparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
vperr(struct oparser *p, int line, int code, const char *fmt, va_list ap)
{
	char msg[CTX_ERR_MAX];

	if (p->err != 0)
		return p->err;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		ctx_err(p->c, code, "line %d: %s", line, msg);
	else
		ctx_err(p->c, code, "%s", msg);
	p->err = code;
	return code;
}

/* Records the first error, at line (0: none known). */
static int
perr_at(struct oparser *p, int line, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vperr(p, line, code, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * The line of an element. libxml2 keeps lines above 65535 only on text nodes
 * (XML_PARSE_BIG_LINES: in psvi, the line where the text ended), so a big
 * line is the first child text's line less the newlines in that text.
 */
static long
node_line(xmlNodePtr node)
{
	xmlNodePtr t = node->children;
	const char *s;
	long line;

	if (node->line != 65535 || t == NULL || t->type != XML_TEXT_NODE || t->psvi == NULL)
		return xmlGetLineNo(node);
	line = (long)(ptrdiff_t)t->psvi;
	for (s = (const char *)t->content; s != NULL && *s != '\0'; s++)
		if (*s == '\n')
			line--;
	return line;
}

/* The line of the reader's current node (the parser may be further on). */
static int
cur_line(struct oparser *p)
{
	xmlNodePtr node;
	long line = -1;

	if (p->xr == NULL)
		return 0;
	if ((node = xmlTextReaderCurrentNode(p->xr)) != NULL)
		line = node_line(node);
	if (line <= 0 || line > INT32_MAX)
		line = xmlTextReaderGetParserLineNumber(p->xr);
	return (int)line;
}

/* Records the first error at the reader's line. */
static int
perr(struct oparser *p, int code, const char *fmt, ...)
{
	va_list ap;
	int line = cur_line(p);
	int r;

	va_start(ap, fmt);
	r = vperr(p, line, code, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- small string helpers ------------------------------------------------ */

static int
ascii_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Trims s in place (ASCII whitespace); returns s. */
static char *
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && is_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (is_space((unsigned char)s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
	return s;
}

/* Control characters (our record separators among them) become spaces. */
static void
flatten(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static int
in_words(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* "oval:NAMESPACE:TYPE:N" with TYPE as given, N digits without a leading zero. */
static int
valid_id(const char *s, const char *type)
{
	const char *p;
	size_t n, tl = strlen(type);

	if (strncmp(s, "oval:", 5) != 0)
		return 0;
	p = s + 5;
	for (n = 0; p[n] != ':'; n++) {
		char ch = p[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return 0;
	}
	if (n == 0)
		return 0;
	p += n + 1;
	if (strncmp(p, type, tl) != 0 || p[tl] != ':')
		return 0;
	p += tl + 1;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return strlen(s) <= OVAL_ID_MAX;
}

/* OVAL's operation enumeration (oval-common-schema OperationEnumeration). */
static const char *const oval_operations[] = {
	"equals", "not equal", "case insensitive equals", "case insensitive not equal",
	"greater than", "less than", "greater than or equal", "less than or equal",
	"bitwise and", "bitwise or", "pattern match", "subset of", "superset of", NULL
};
static const char *const oval_checks[] = {
	"all", "at least one", "none exist", "none satisfy", "only one", NULL
};
static const char *const oval_existences[] = {
	"all_exist", "any_exist", "at_least_one_exists", "none_exist", "only_one_exists",
	NULL
};
static const char *const oval_operators[] = { "AND", "ONE", "OR", "XOR", NULL };
static const char *const oval_classes[] = {
	"compliance", "inventory", "miscellaneous", "patch", "vulnerability", NULL
};
static const char *const cmp_ops[] = {
	"less than", "less than or equal", "equals", "not equal", "greater than",
	"greater than or equal", NULL
};

/* ---- the staging database ------------------------------------------------ */

static const char stage_sql[] =
"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;\n"
"PRAGMA locking_mode = EXCLUSIVE;\n"
"CREATE TABLE def (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, class TEXT,\n"
"  line INTEGER, title TEXT, description TEXT, severity TEXT, dsa TEXT,\n"
"  platforms TEXT, refs TEXT, cves TEXT, resolutions TEXT, criteria TEXT);\n"
"CREATE TABLE defns (seq INTEGER PRIMARY KEY, ns TEXT, none INTEGER);\n"
"CREATE TABLE test (id TEXT PRIMARY KEY, type TEXT, line INTEGER, comment TEXT,\n"
"  check_ TEXT, existence TEXT, state_op TEXT, object_ref TEXT, state_ref TEXT,\n"
"  nobjects INTEGER, nstates INTEGER, bid INTEGER, flags INTEGER);\n"
"CREATE TABLE item (id TEXT PRIMARY KEY, kind TEXT, type TEXT, line INTEGER,\n"
"  why TEXT, operator TEXT);\n"
"CREATE TABLE field (owner TEXT, ord INTEGER, name TEXT, op TEXT, var_ref TEXT,\n"
"  var_check TEXT, value TEXT, line INTEGER, PRIMARY KEY (owner, ord)) WITHOUT ROWID;\n"
"CREATE TABLE variable (id TEXT PRIMARY KEY, type TEXT, line INTEGER);\n"
"CREATE TABLE value (var TEXT, ord INTEGER, value TEXT,\n"
"  PRIMARY KEY (var, ord)) WITHOUT ROWID;\n"
"CREATE TABLE ccomment (seq INTEGER PRIMARY KEY, comment TEXT NOT NULL);\n"
"CREATE TABLE tann (id TEXT, ann TEXT, bid INTEGER, flags INTEGER,\n"
"  PRIMARY KEY (id, ann)) WITHOUT ROWID;\n"
"BEGIN;\n";

enum {
	S_DEF_INS, S_TEST_INS, S_ITEM_INS, S_FIELD_INS, S_VAR_INS, S_VAL_INS,
	S_DEF_LIST, S_NS_INS, S_DEF_EMIT, S_DEF_BY_ID, S_TEST_GET, S_TEST_SET,
	S_ITEM_GET, S_FIELD_GET, S_VAR_GET, S_VAL_GET, S_COM_INS, S_COM_GET, S_TANN_GET,
	S_TANN_SET, S_COUNT
};

static const char *const stage_stmts[S_COUNT] = {
	"INSERT INTO def (id, class, line, title, description, severity, dsa, platforms, "
	    "refs, cves, resolutions, criteria) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12)",
	"INSERT INTO test (id, type, line, comment, check_, existence, state_op, "
	    "object_ref, state_ref, nobjects, nstates) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11)",
	"INSERT INTO item (id, kind, type, line, why, operator) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6)",
	"INSERT INTO field (owner, ord, name, op, var_ref, var_check, value, line) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	"INSERT INTO variable (id, type, line) VALUES (?1, ?2, ?3)",
	"INSERT INTO value (var, ord, value) VALUES (?1, ?2, ?3)",
	"SELECT seq, id, class, line, title, severity, dsa, platforms, refs, cves, "
	    "resolutions, criteria FROM def WHERE class <> 'inventory' ORDER BY seq",
	"INSERT INTO defns (seq, ns, none) VALUES (?1, ?2, ?3)",
	"SELECT d.seq, d.id, d.class, d.line, d.title, d.severity, d.dsa, d.platforms, "
	    "d.refs, d.cves, d.resolutions, d.criteria, d.description, n.ns, n.none "
	    "FROM def AS d JOIN defns AS n ON n.seq = d.seq ORDER BY d.seq",
	"SELECT criteria, line FROM def WHERE id = ?1",
	"SELECT type, line, comment, check_, existence, state_op, object_ref, state_ref, "
	    "nobjects, nstates, bid, flags FROM test WHERE id = ?1",
	"UPDATE test SET bid = ?2, flags = ?3 WHERE id = ?1",
	"SELECT type, line, why, operator FROM item WHERE id = ?1 AND kind = ?2",
	"SELECT name, op, var_ref, var_check, value, line FROM field WHERE owner = ?1 "
	    "ORDER BY ord",
	"SELECT type, line FROM variable WHERE id = ?1",
	"SELECT value FROM value WHERE var = ?1 ORDER BY ord",
	"INSERT INTO ccomment (comment) VALUES (?1)",
	"SELECT comment FROM ccomment WHERE seq = ?1",
	"SELECT bid, flags FROM tann WHERE id = ?1 AND ann = ?2",
	"INSERT INTO tann (id, ann, bid, flags) VALUES (?1, ?2, ?3, ?4)",
};

static int
db_fail(struct oparser *p, const char *what)
{
	int code = sqlite3_errcode(p->db) == SQLITE_NOMEM ? E_NOMEM : E_IO;

	return perr_at(p, 0, code, "oval staging database: %s: %s", what,
	    sqlite3_errmsg(p->db));
}

static int
stage_open(struct oparser *p)
{
	char pragma[64];
	int i;

	if (sqlite3_open_v2("", &p->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (p->db == NULL)
			return perr_at(p, 0, E_NOMEM, "oval staging database: out of memory");
		return db_fail(p, "open");
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d;", OVAL_CACHE_KIB);
	if (sqlite3_exec(p->db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(p->db, stage_sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(p, "schema");
	p->st = xcalloc(S_COUNT, sizeof(*p->st));
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(p->db, stage_stmts[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &p->st[i], NULL) != SQLITE_OK)
			return db_fail(p, "prepare");
	return 0;
}

static void
stage_close(struct oparser *p)
{
	int i;

	if (p->st != NULL) {
		for (i = 0; i < S_COUNT; i++)
			sqlite3_finalize(p->st[i]);
		free(p->st);
		p->st = NULL;
	}
	if (p->db != NULL) {
		sqlite3_close(p->db);
		p->db = NULL;
	}
}

static void
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Runs an insert; a duplicate key is E_FORMAT "duplicate id". */
static int
stage_step(struct oparser *p, sqlite3_stmt *st, const char *id, int line)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc == SQLITE_CONSTRAINT)
		r = perr_at(p, line, E_FORMAT, "id %s given twice", id);
	else if (rc != SQLITE_DONE)
		r = db_fail(p, "insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

/* A column as a string we own (NULL for NULL). */
static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* ---- reading the document ------------------------------------------------ */

/* An attribute of the current element as a string we own, or NULL. */
static int
attr_get(struct oparser *p, const char *name, char **out)
{
	xmlChar *v = xmlTextReaderGetAttribute(p->xr, (const xmlChar *)name);
	size_t n;

	*out = NULL;
	if (v == NULL)
		return 0;
	n = strlen((const char *)v);
	if (n > OVAL_ATTR_MAX) {
		xmlFree(v);
		return perr(p, E_LIMIT, "attribute %s longer than %d bytes (OVAL_ATTR_MAX)",
		    name, OVAL_ATTR_MAX);
	}
	*out = xstrdup((const char *)v);
	xmlFree(v);
	return 0;
}

/* A required OVAL id attribute of the given type ("tst"). */
static int
attr_id(struct oparser *p, const char *elem, const char *name, const char *type,
    char **out)
{
	int r;

	if ((r = attr_get(p, name, out)) != 0)
		return r;
	if (*out == NULL)
		return perr(p, E_FORMAT, "<%s> without %s", elem, name);
	trim(*out);
	if (!valid_id(*out, type)) {
		r = perr(p, E_FORMAT, "<%s> %s '%.80s' is not an OVAL %s id", elem, name, *out,
		    type);
		free(*out);
		*out = NULL;
		return r;
	}
	return 0;
}

/* An optional attribute that must be one of words (dflt when absent). */
static int
attr_word(struct oparser *p, const char *elem, const char *name, const char *const *words,
    const char *dflt, char **out)
{
	int r;

	if ((r = attr_get(p, name, out)) != 0)
		return r;
	if (*out == NULL) {
		*out = dflt != NULL ? xstrdup(dflt) : NULL;
		return 0;
	}
	if (!in_words(*out, words)) {
		r = perr(p, E_FORMAT, "<%s> %s '%.40s' is not an OVAL value", elem, name, *out);
		free(*out);
		*out = NULL;
		return r;
	}
	return 0;
}

/* negate="true"|"1" -> 1; "false"|"0"|absent -> 0. */
static int
attr_negate(struct oparser *p, const char *elem, int *neg)
{
	char *v = NULL;
	int r;

	*neg = 0;
	if ((r = attr_get(p, "negate", &v)) != 0 || v == NULL)
		return r;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*neg = 1;
	else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
		r = perr(p, E_FORMAT, "<%s> negate '%.20s' is not a boolean", elem, v);
	free(v);
	return r;
}

static void
pdef_reset(struct pdef *d)
{
	free(d->id);
	free(d->klass);
	free(d->res_state);
	sb_free(&d->title);
	sb_free(&d->description);
	sb_free(&d->severity);
	sb_free(&d->dsa);
	sb_free(&d->platforms);
	sb_free(&d->refs);
	sb_free(&d->cves);
	sb_free(&d->resolutions);
	sb_free(&d->crit);
	sb_free(&d->res_components);
	memset(d, 0, sizeof(*d));
}

static void
pitem_field_reset(struct pitem *it)
{
	free(it->f_name);
	free(it->f_op);
	free(it->f_var_ref);
	free(it->f_var_check);
	it->f_name = it->f_op = it->f_var_ref = it->f_var_check = NULL;
}

static void
pitem_reset(struct pitem *it)
{
	pitem_field_reset(it);
	free(it->id);
	free(it->type);
	free(it->comment);
	free(it->check);
	free(it->existence);
	free(it->state_op);
	free(it->object_ref);
	free(it->state_ref);
	free(it->operator);
	free(it->why);
	memset(it, 0, sizeof(*it));
}

/* Notes the first unsupported construct of the current object or state. */
static void
item_why(struct oparser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
item_why(struct oparser *p, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (p->it.why != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->it.why = xstrdup(buf);
}

static int
meta_add(struct oparser *p, struct sb *list, size_t *n, const char *what, const char *a,
    const char *b)
{
	char *x, *y = NULL;

	if (*n >= OVAL_META_MAX)
		return perr(p, E_LIMIT, "definition has more than %d %s (OVAL_META_MAX)",
		    OVAL_META_MAX, what);
	x = xstrdup(a);
	flatten(trim(x));
	sb_adds(list, x);
	if (b != NULL) {
		y = xstrdup(b);
		flatten(trim(y));
		sb_addc(list, '\t');
		sb_adds(list, y);
	}
	sb_addc(list, '\n');
	(*n)++;
	free(x);
	free(y);
	return 0;
}

/* The next criteria node of the open definition: a comma when not first. */
static int
crit_child(struct oparser *p, const char *elem)
{
	struct pdef *d = &p->d;

	if (ckd_add(&d->crit_nodes, d->crit_nodes, 1) ||
	    d->crit_nodes > OVAL_CRITERIA_NODES_MAX)
		return perr(p, E_LIMIT, "definition %s: more than %d criteria elements "
		    "(OVAL_CRITERIA_NODES_MAX)", d->id, OVAL_CRITERIA_NODES_MAX);
	if (d->crit_depth == 0) {
		if (d->has_criteria)
			return perr(p, E_FORMAT, "definition %s has two <criteria>", d->id);
		if (strcmp(elem, "criteria") != 0)
			return perr(p, E_FORMAT, "<%s> outside <criteria>", elem);
		d->has_criteria = 1;
		return 0;
	}
	if (d->children[d->crit_depth]++ > 0)
		sb_addc(&d->crit, ',');
	if (d->crit.len > BUNDLE_OVAL_CRITERIA_MAX)
		return perr(p, E_LIMIT, "definition %s: criteria larger than %d bytes "
		    "(BUNDLE_OVAL_CRITERIA_MAX)", d->id, BUNDLE_OVAL_CRITERIA_MAX);
	return 0;
}

static int
start_criteria(struct oparser *p)
{
	struct pdef *d = &p->d;
	char *op = NULL;
	int neg, r;

	if ((r = crit_child(p, "criteria")) != 0)
		return r;
	if (d->crit_depth >= OVAL_CRITERIA_DEPTH_MAX)
		return perr(p, E_LIMIT, "definition %s: criteria nested deeper than %d "
		    "(OVAL_CRITERIA_DEPTH_MAX)", d->id, OVAL_CRITERIA_DEPTH_MAX);
	if ((r = attr_negate(p, "criteria", &neg)) != 0 ||
	    (r = attr_word(p, "criteria", "operator", oval_operators, "AND", &op)) != 0)
		return r;
	if (neg)
		sb_addc(&d->crit, '!');
	sb_addc(&d->crit, strcmp(op, "AND") == 0 ? '&' : strcmp(op, "OR") == 0 ? '|' :
	    strcmp(op, "ONE") == 0 ? '1' : '^');
	sb_addc(&d->crit, '(');
	free(op);
	d->crit_depth++;
	d->children[d->crit_depth] = 0;
	return 0;
}

static int
end_criteria(struct oparser *p)
{
	struct pdef *d = &p->d;

	if (d->children[d->crit_depth] == 0)
		return perr(p, E_FORMAT, "definition %s: empty <criteria>", d->id);
	sb_addc(&d->crit, ')');
	d->crit_depth--;
	return 0;
}

/*
 * A criterion's comment, staged when the vendor reads them (oval_vendor.
 * criterion): its staging sequence number, 0 when it has none.
 */
static int
stage_comment(struct oparser *p, int64_t *seq)
{
	sqlite3_stmt *st = p->st[S_COM_INS];
	char *comment = NULL;
	int r;

	*seq = 0;
	if (p->v->criterion == NULL)
		return 0;
	if ((r = attr_get(p, "comment", &comment)) != 0)
		return r;
	if (comment == NULL || *trim(comment) == '\0') {
		free(comment);
		return 0;
	}
	flatten(comment);
	bind_str(st, 1, comment);
	if ((r = stage_step(p, st, "criterion comment", p->d.line)) == 0)
		*seq = (int64_t)sqlite3_last_insert_rowid(p->db);
	free(comment);
	return r;
}

/* <criterion test_ref=> or <extend_definition definition_ref=>: "T<id>;", or
 * "T<id>~<seq>;" for a criterion whose comment is staged, or "D<id>;". */
static int
criteria_leaf(struct oparser *p, int extend)
{
	const char *elem = extend ? "extend_definition" : "criterion";
	char *ref = NULL;
	int64_t seq = 0;
	int neg, r;

	if ((r = crit_child(p, elem)) != 0)
		return r;
	if ((r = attr_negate(p, elem, &neg)) != 0 ||
	    (r = attr_id(p, elem, extend ? "definition_ref" : "test_ref",
	    extend ? "def" : "tst", &ref)) != 0)
		return r;
	if (!extend && (r = stage_comment(p, &seq)) != 0) {
		free(ref);
		return r;
	}
	if (neg)
		sb_addc(&p->d.crit, '!');
	sb_addc(&p->d.crit, extend ? 'D' : 'T');
	sb_adds(&p->d.crit, ref);
	if (seq > 0)
		sb_addf(&p->d.crit, "~%lld", (long long)seq);
	sb_addc(&p->d.crit, ';');
	free(ref);
	return 0;
}

static int
start_definition(struct oparser *p)
{
	int r;

	if (p->db == NULL && (r = stage_open(p)) != 0)
		return r;
	pdef_reset(&p->d);
	p->in_def = 1;
	p->d.line = cur_line(p);
	if ((r = attr_id(p, "definition", "id", "def", &p->d.id)) != 0 ||
	    (r = attr_word(p, "definition", "class", oval_classes, NULL, &p->d.klass)) != 0)
		return r;
	if (p->d.klass == NULL)
		return perr(p, E_FORMAT, "definition %s without class", p->d.id);
	p->stats.definitions++;
	return 0;
}

static int
end_definition(struct oparser *p)
{
	struct pdef *d = &p->d;
	sqlite3_stmt *st = p->st[S_DEF_INS];
	int r;

	if (strcmp(d->klass, "inventory") == 0)
		p->stats.inventory++;
	st = p->st[S_DEF_INS];
	bind_str(st, 1, d->id);
	bind_str(st, 2, d->klass);
	sqlite3_bind_int(st, 3, d->line);
	bind_str(st, 4, d->title.len ? d->title.s : NULL);
	bind_str(st, 5, d->description.len ? d->description.s : NULL);
	bind_str(st, 6, d->severity.len ? d->severity.s : NULL);
	bind_str(st, 7, d->dsa.len ? d->dsa.s : NULL);
	bind_str(st, 8, sb_str(&d->platforms));
	bind_str(st, 9, sb_str(&d->refs));
	bind_str(st, 10, sb_str(&d->cves));
	bind_str(st, 11, sb_str(&d->resolutions));
	bind_str(st, 12, d->has_criteria ? sb_str(&d->crit) : NULL);
	r = stage_step(p, st, d->id, d->line);
	pdef_reset(d);
	p->in_def = 0;
	return r;
}

static int
start_item(struct oparser *p, enum el el, const char *name)
{
	static const char *const types[] = { "tst", "obj", "ste", "var" };
	const char *type = types[el == EL_TEST ? 0 : el == EL_OBJECT ? 1 : el == EL_STATE ?
	    2 : 3];
	struct pitem *it = &p->it;
	int r;

	if (p->db == NULL && (r = stage_open(p)) != 0)
		return r;
	pitem_reset(it);
	p->in_item = 1;
	p->item_el = el;
	it->line = cur_line(p);
	it->type = xstrdup(name);
	if ((r = attr_id(p, name, "id", type, &it->id)) != 0)
		return r;
	if (el == EL_TEST) {
		if ((r = attr_get(p, "comment", &it->comment)) != 0 ||
		    (r = attr_word(p, name, "check", oval_checks, "all", &it->check)) != 0 ||
		    (r = attr_word(p, name, "check_existence", oval_existences,
		    "at_least_one_exists", &it->existence)) != 0 ||
		    (r = attr_word(p, name, "state_operator", oval_operators, "AND",
		    &it->state_op)) != 0)
			return r;
		if (it->comment != NULL)
			trim(it->comment);
	} else if (el == EL_STATE) {
		if ((r = attr_word(p, name, "operator", oval_operators, "AND",
		    &it->operator)) != 0)
			return r;
	}
	return 0;
}

static int
end_item(struct oparser *p)
{
	struct pitem *it = &p->it;
	sqlite3_stmt *st;
	int r;

	if (p->item_el == EL_TEST) {
		st = p->st[S_TEST_INS];
		bind_str(st, 1, it->id);
		bind_str(st, 2, it->type);
		sqlite3_bind_int(st, 3, it->line);
		bind_str(st, 4, it->comment);
		bind_str(st, 5, it->check);
		bind_str(st, 6, it->existence);
		bind_str(st, 7, it->state_op);
		bind_str(st, 8, it->object_ref);
		bind_str(st, 9, it->state_ref);
		sqlite3_bind_int(st, 10, it->nobjects);
		sqlite3_bind_int(st, 11, it->nstates);
	} else if (p->item_el == EL_VARIABLE) {
		st = p->st[S_VAR_INS];
		bind_str(st, 1, it->id);
		bind_str(st, 2, it->type);
		sqlite3_bind_int(st, 3, it->line);
	} else {
		st = p->st[S_ITEM_INS];
		bind_str(st, 1, it->id);
		bind_str(st, 2, p->item_el == EL_OBJECT ? "object" : "state");
		bind_str(st, 3, it->type);
		sqlite3_bind_int(st, 4, it->line);
		bind_str(st, 5, it->why);
		bind_str(st, 6, it->operator);
	}
	r = stage_step(p, st, it->id, it->line);
	pitem_reset(it);
	p->in_item = 0;
	return r;
}

/* <object object_ref=> / <state state_ref=> of a test. */
static int
test_ref(struct oparser *p, int state)
{
	struct pitem *it = &p->it;
	char *ref = NULL;
	int r;

	if ((r = attr_id(p, state ? "state" : "object", state ? "state_ref" : "object_ref",
	    state ? "ste" : "obj", &ref)) != 0)
		return r;
	if (state) {
		if (it->nstates++ == 0)
			it->state_ref = ref;
		else
			free(ref);
	} else {
		if (it->nobjects++ == 0)
			it->object_ref = ref;
		else
			free(ref);
	}
	return 0;
}

/* A field of an object or state starts: its attributes. */
static int
start_field(struct oparser *p, const char *name)
{
	struct pitem *it = &p->it;
	int r;

	pitem_field_reset(it);
	if (it->nfields >= OVAL_FIELDS_MAX)
		return perr(p, E_LIMIT, "%s %s has more than %d fields (OVAL_FIELDS_MAX)",
		    it->type, it->id, OVAL_FIELDS_MAX);
	it->f_name = xstrdup(name);
	it->f_line = cur_line(p);
	if (strcmp(name, "set") == 0 || strcmp(name, "filter") == 0) {
		item_why(p, "%s %s", it->type, name);
		return 0;
	}
	if ((r = attr_word(p, name, "operation", oval_operations, "equals", &it->f_op)) != 0 ||
	    (r = attr_get(p, "var_ref", &it->f_var_ref)) != 0 ||
	    (r = attr_word(p, name, "var_check", oval_checks, NULL, &it->f_var_check)) != 0)
		return r;
	if (it->f_var_ref != NULL) {
		trim(it->f_var_ref);
		if (!valid_id(it->f_var_ref, "var"))
			return perr(p, E_FORMAT, "<%s> var_ref '%.80s' is not an OVAL var id",
			    name, it->f_var_ref);
	}
	return 0;
}

static int
end_field(struct oparser *p, char *value)
{
	struct pitem *it = &p->it;
	sqlite3_stmt *st = p->st[S_FIELD_INS];
	int r;

	if (it->f_name == NULL)
		return 0;
	bind_str(st, 1, it->id);
	sqlite3_bind_int(st, 2, it->nfields++);
	bind_str(st, 3, it->f_name);
	bind_str(st, 4, it->f_op);
	bind_str(st, 5, it->f_var_ref);
	bind_str(st, 6, it->f_var_check);
	bind_str(st, 7, value != NULL ? trim(value) : NULL);
	sqlite3_bind_int(st, 8, it->f_line);
	r = stage_step(p, st, it->id, it->line);
	pitem_field_reset(it);
	return r;
}

static int
add_value(struct oparser *p, char *value)
{
	struct pitem *it = &p->it;
	sqlite3_stmt *st = p->st[S_VAL_INS];

	if (it->nvalues >= OVAL_VAR_VALUES_MAX)
		return perr(p, E_LIMIT, "variable %s has more than %d values "
		    "(OVAL_VAR_VALUES_MAX)", it->id, OVAL_VAR_VALUES_MAX);
	bind_str(st, 1, it->id);
	sqlite3_bind_int(st, 2, it->nvalues++);
	bind_str(st, 3, trim(value));
	return stage_step(p, st, it->id, it->line);
}

/* What an element is, from its parent and name (0) or an error. */
static int
classify_el(struct oparser *p, enum el parent, int depth, const char *name, enum el *out)
{
	*out = EL_SKIP;
	if (depth == 0) {
		if (strcmp(name, "oval_definitions") != 0)
			return perr(p, E_FORMAT, "not an OVAL definitions document (root <%.40s>)",
			    name);
		*out = EL_ROOT;
		return 0;
	}
	switch (parent) {
	case EL_ROOT:
		*out = strcmp(name, "generator") == 0 ? EL_GENERATOR :
		    strcmp(name, "definitions") == 0 ? EL_DEFINITIONS :
		    strcmp(name, "tests") == 0 ? EL_TESTS :
		    strcmp(name, "objects") == 0 ? EL_OBJECTS :
		    strcmp(name, "states") == 0 ? EL_STATES :
		    strcmp(name, "variables") == 0 ? EL_VARIABLES : EL_SKIP;
		if (*out == EL_SKIP && strcmp(name, "Signature") != 0)
			return perr(p, E_FORMAT, "<%.40s> in <oval_definitions>", name);
		return 0;
	case EL_GENERATOR:
		*out = strcmp(name, "timestamp") == 0 ? EL_TIMESTAMP : EL_SKIP;
		return 0;
	case EL_DEFINITIONS:
		if (strcmp(name, "definition") != 0)
			return perr(p, E_FORMAT, "<%.40s> in <definitions>", name);
		*out = EL_DEFINITION;
		return 0;
	case EL_DEFINITION:
		*out = strcmp(name, "metadata") == 0 ? EL_METADATA :
		    strcmp(name, "criteria") == 0 ? EL_CRITERIA : EL_SKIP;
		return 0;
	case EL_METADATA:
		*out = strcmp(name, "title") == 0 ? EL_TITLE :
		    strcmp(name, "affected") == 0 ? EL_AFFECTED :
		    strcmp(name, "reference") == 0 ? EL_REFERENCE :
		    strcmp(name, "description") == 0 ? EL_DESCRIPTION :
		    strcmp(name, "advisory") == 0 ? EL_ADVISORY :
		    strcmp(name, "debian") == 0 ? EL_DEBIAN : EL_SKIP;
		return 0;
	case EL_AFFECTED:
		*out = strcmp(name, "platform") == 0 ? EL_PLATFORM : EL_SKIP;
		return 0;
	case EL_ADVISORY:
		*out = strcmp(name, "severity") == 0 ? EL_SEVERITY :
		    strcmp(name, "cve") == 0 ? EL_CVE :
		    strcmp(name, "affected") == 0 ? EL_ADV_AFFECTED : EL_SKIP;
		return 0;
	case EL_ADV_AFFECTED:
		*out = strcmp(name, "resolution") == 0 ? EL_RESOLUTION : EL_SKIP;
		return 0;
	case EL_RESOLUTION:
		*out = strcmp(name, "component") == 0 ? EL_COMPONENT : EL_SKIP;
		return 0;
	case EL_DEBIAN:
		*out = strcmp(name, "dsa") == 0 ? EL_DSA : EL_SKIP;
		return 0;
	case EL_CRITERIA:
		if (strcmp(name, "criteria") == 0)
			*out = EL_CRITERIA;
		else if (strcmp(name, "criterion") == 0)
			*out = EL_CRITERION;
		else if (strcmp(name, "extend_definition") == 0)
			*out = EL_EXTEND;
		else
			return perr(p, E_FORMAT, "<%.40s> in <criteria>", name);
		return 0;
	case EL_TESTS:
		if (!ends_with(name, "_test"))
			return perr(p, E_FORMAT, "<%.40s> in <tests>", name);
		*out = EL_TEST;
		return 0;
	case EL_TEST:
		*out = strcmp(name, "object") == 0 ? EL_TEST_OBJECT :
		    strcmp(name, "state") == 0 ? EL_TEST_STATE : EL_SKIP;
		return 0;
	case EL_OBJECTS:
		if (!ends_with(name, "_object"))
			return perr(p, E_FORMAT, "<%.40s> in <objects>", name);
		*out = EL_OBJECT;
		return 0;
	case EL_STATES:
		if (!ends_with(name, "_state"))
			return perr(p, E_FORMAT, "<%.40s> in <states>", name);
		*out = EL_STATE;
		return 0;
	case EL_OBJECT:
	case EL_STATE:
		*out = strcmp(name, "notes") == 0 || strcmp(name, "Signature") == 0 ? EL_SKIP :
		    EL_FIELD;
		return 0;
	case EL_FIELD:
	case EL_SUBFIELD:
		*out = EL_SUBFIELD;
		return 0;
	case EL_VARIABLES:
		if (!ends_with(name, "_variable"))
			return perr(p, E_FORMAT, "<%.40s> in <variables>", name);
		*out = EL_VARIABLE;
		return 0;
	case EL_VARIABLE:
		*out = strcmp(name, "value") == 0 ? EL_VALUE : EL_SKIP;
		return 0;
	default:
		return 0;
	}
}

/* Elements whose text we keep. */
static int
captures(enum el el)
{
	switch (el) {
	case EL_TIMESTAMP: case EL_TITLE: case EL_PLATFORM: case EL_DESCRIPTION:
	case EL_SEVERITY: case EL_CVE: case EL_COMPONENT: case EL_DSA: case EL_FIELD:
	case EL_VALUE:
		return 1;
	default:
		return 0;
	}
}

static int
start_element(struct oparser *p, int depth, const char *name)
{
	enum el parent = depth > 0 ? p->stack[depth - 1] : EL_SKIP, el;
	char *a = NULL, *b = NULL;
	int r;

	if (p->cap_depth >= 0) {
		if (p->cap_el == EL_FIELD) {
			/* a record's sub-fields: not a value we model */
			item_why(p, "%s %s field %s", p->it.type, p->it.f_name ? p->it.f_name :
			    "?", name);
			p->stack[depth] = EL_SUBFIELD;
			return 0;
		}
		return perr(p, E_FORMAT, "element <%.40s> inside a text element", name);
	}
	if ((r = classify_el(p, parent, depth, name, &el)) != 0)
		return r;
	p->stack[depth] = el;
	switch (el) {
	case EL_DEFINITION:
		r = start_definition(p);
		break;
	case EL_CRITERIA:
		r = start_criteria(p);
		break;
	case EL_CRITERION:
		r = criteria_leaf(p, 0);
		break;
	case EL_EXTEND:
		r = criteria_leaf(p, 1);
		break;
	case EL_REFERENCE:
		if ((r = attr_get(p, "source", &a)) == 0 &&
		    (r = attr_get(p, "ref_id", &b)) == 0 && a != NULL && b != NULL)
			r = meta_add(p, &p->d.refs, &p->d.nrefs, "references", a, b);
		break;
	case EL_RESOLUTION:
		free(p->d.res_state);
		p->d.res_state = NULL;
		sb_reset(&p->d.res_components);
		if ((r = attr_get(p, "state", &p->d.res_state)) == 0 && p->d.res_state == NULL)
			r = perr(p, E_FORMAT, "<resolution> without state");
		break;
	case EL_TEST:
	case EL_OBJECT:
	case EL_STATE:
	case EL_VARIABLE:
		r = start_item(p, el, name);
		break;
	case EL_TEST_OBJECT:
	case EL_TEST_STATE:
		r = test_ref(p, el == EL_TEST_STATE);
		break;
	case EL_FIELD:
		r = start_field(p, name);
		break;
	default:
		r = 0;
		break;
	}
	free(a);
	free(b);
	if (r != 0)
		return r;
	if (captures(el)) {
		p->cap_depth = depth;
		p->cap_el = el;
		sb_reset(&p->text);
	}
	return 0;
}

static void
sb_set(struct sb *dst, const char *s)
{
	sb_reset(dst);
	sb_adds(dst, s);
}

/* The captured element ended: its text goes where it belongs. */
static int
end_text(struct oparser *p)
{
	char *t = (char *)sb_str(&p->text);
	int r = 0;

	switch (p->cap_el) {
	case EL_TIMESTAMP:
		trim(t);
		flatten(t);
		snprintf(p->timestamp, sizeof(p->timestamp), "%s", t);
		break;
	case EL_TITLE:
		sb_set(&p->d.title, trim(t));
		break;
	case EL_DESCRIPTION:
		sb_set(&p->d.description, trim(t));
		break;
	case EL_SEVERITY:
		flatten(trim(t));
		sb_set(&p->d.severity, t);
		break;
	case EL_DSA:
		flatten(trim(t));
		sb_set(&p->d.dsa, t);
		break;
	case EL_PLATFORM:
		r = meta_add(p, &p->d.platforms, &p->d.nplatforms, "platforms", t, NULL);
		break;
	case EL_CVE:
		r = meta_add(p, &p->d.cves, &p->d.ncves, "cves", t, NULL);
		break;
	case EL_COMPONENT:
		flatten(trim(t));
		if (p->d.res_components.len > 0)
			sb_adds(&p->d.res_components, ", ");
		sb_adds(&p->d.res_components, t);
		break;
	case EL_FIELD:
		r = end_field(p, t);
		break;
	case EL_VALUE:
		r = add_value(p, t);
		break;
	default:
		break;
	}
	p->cap_depth = -1;
	return r;
}

static int
end_element(struct oparser *p, int depth)
{
	enum el el = p->stack[depth];
	int r = 0;

	if (p->cap_depth == depth && (r = end_text(p)) != 0)
		return r;
	switch (el) {
	case EL_DEFINITION:
		if (p->d.crit_depth != 0)
			return perr(p, E_INTERNAL, "criteria left open");
		return end_definition(p);
	case EL_CRITERIA:
		return end_criteria(p);
	case EL_RESOLUTION:
		return meta_add(p, &p->d.resolutions, &p->d.nresolutions, "resolutions",
		    p->d.res_state, sb_str(&p->d.res_components));
	case EL_TEST:
	case EL_OBJECT:
	case EL_STATE:
	case EL_VARIABLE:
		return end_item(p);
	default:
		return 0;
	}
}

static int
text_node(struct oparser *p)
{
	const char *v;
	size_t n;

	if (p->cap_depth < 0)
		return 0;
	v = (const char *)xmlTextReaderConstValue(p->xr);
	if (v == NULL)
		return 0;
	n = strlen(v);
	if (n > OVAL_TEXT_MAX || p->text.len > OVAL_TEXT_MAX - n)
		return perr(p, E_LIMIT, "element text longer than %d bytes (OVAL_TEXT_MAX)",
		    OVAL_TEXT_MAX);
	sb_add(&p->text, v, n);
	return 0;
}

#if LIBXML_VERSION >= 21200
static void
on_xml_error(void *arg, const xmlError *e)
#else
static void
on_xml_error(void *arg, xmlErrorPtr e)
#endif
{
	struct oparser *p = arg;
	char msg[256];

	if (p->err != 0 || e == NULL || e->level < XML_ERR_ERROR)
		return;
	feed_xml_message(e->message, msg, sizeof(msg));
	perr_at(p, e->line, E_FORMAT, "malformed xml: %s", msg);
}

/* libxml2 pulls decompressed bytes through here. */
static int
xml_read(void *arg, char *buf, int len)
{
	struct oparser *p = arg;
	ssize_t n;

	if (p->err != 0)
		return -1;
	n = feed_stream_read(p->in, buf, (size_t)len);
	if (n < 0) {
		p->err = feed_stream_error(p->in);
		if (p->xr != NULL)	/* where the XML had got to */
			ctx_prefix(p->c, "line %d", xmlTextReaderGetParserLineNumber(p->xr));
		return -1;
	}
	return (int)n;
}

static int
xml_close(void *arg)
{
	(void)arg;
	return 0;
}

/* Reads the whole document into the staging database. */
static int
read_document(struct oparser *p)
{
	int rc, depth, type, r;

	p->cap_depth = -1;
	p->xr = xmlReaderForIO(xml_read, xml_close, p, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (p->xr == NULL)
		return perr_at(p, 0, E_NOMEM, "xml reader: out of memory");
	xmlTextReaderSetStructuredErrorHandler(p->xr, on_xml_error, p);
	while ((rc = xmlTextReaderRead(p->xr)) == 1) {
		const char *name;

		if (p->err != 0)
			return p->err;
		type = xmlTextReaderNodeType(p->xr);
		depth = xmlTextReaderDepth(p->xr);
		if (depth < 0)
			return perr(p, E_INTERNAL, "xml reader depth");
		switch (type) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			return perr(p, E_FORMAT, "document type declaration (DTD) not allowed");
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			name = (const char *)xmlTextReaderConstName(p->xr);
			return perr(p, E_FORMAT, "entity reference &%.40s; not allowed",
			    name ? name : "");
		case XML_READER_TYPE_ELEMENT:
			if (depth >= OVAL_DEPTH_MAX)
				return perr(p, E_LIMIT, "xml nested deeper than %d "
				    "(OVAL_DEPTH_MAX)", OVAL_DEPTH_MAX);
			name = (const char *)xmlTextReaderConstLocalName(p->xr);
			if ((r = start_element(p, depth, name ? name : "")) != 0)
				return r;
			if (!xmlTextReaderIsEmptyElement(p->xr))
				break;
			/* <x/>: ends here */
			if ((r = end_element(p, depth)) != 0)
				return r;
			break;
		case XML_READER_TYPE_END_ELEMENT:
			if ((r = end_element(p, depth)) != 0)
				return r;
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		case XML_READER_TYPE_WHITESPACE:
			if ((r = text_node(p)) != 0)
				return r;
			break;
		default:
			break;
		}
	}
	if (p->err != 0)
		return p->err;
	if (rc != 0)
		return perr(p, E_FORMAT, "malformed xml");
	if (p->stats.definitions == 0)
		return perr(p, E_FORMAT, "no <definition> element");
	return 0;
}

/* ---- Perl regular expressions to POSIX ERE ------------------------------- */

/*
 * Translates the Perl-compatible syntax OVAL uses for "pattern match" into a
 * POSIX extended regular expression for regcomp(REG_EXTENDED). Returns 0, or
 * 1 with *why naming what has no ERE equivalent (lookaround, backreferences,
 * \b, inline flags, possessive quantifiers, ...). Lazy quantifiers become
 * greedy (the same strings match); "(?:" becomes "(".
 */
static int
perl_to_ere(const char *in, struct sb *out, const char **why)
{
	static const char meta[] = ".[]()*+?{}|^$\\";
	size_t i = 0, n = strlen(in);

	sb_reset(out);
	if (n > OVAL_PATTERN_MAX) {
		*why = "longer than OVAL_PATTERN_MAX";
		return 1;
	}
	while (i < n) {
		char ch = in[i];

		if (ch == '\\') {
			char e = in[i + 1];

			i += 2;
			switch (e) {
			case 'd': sb_adds(out, "[0-9]"); continue;
			case 'D': sb_adds(out, "[^0-9]"); continue;
			case 'w': sb_adds(out, "[A-Za-z0-9_]"); continue;
			case 'W': sb_adds(out, "[^A-Za-z0-9_]"); continue;
			case 's': sb_adds(out, "[[:space:]]"); continue;
			case 'S': sb_adds(out, "[^[:space:]]"); continue;
			case 'n': sb_addc(out, '\n'); continue;
			case 't': sb_addc(out, '\t'); continue;
			case '\0':
				*why = "trailing backslash";
				return 1;
			default:
				break;
			}
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
			    (e >= '0' && e <= '9')) {
				*why = "escape sequence (\\b, \\A, backreference, ...)";
				return 1;
			}
			if (strchr(meta, e) != NULL)
				sb_addc(out, '\\');
			sb_addc(out, e);
			continue;
		}
		if (ch == '[') {
			/* a bracket expression: items kept, ']' first and '-' last
			 * when they are literal */
			struct sb set = SB_INIT;
			int neg = 0, close = 0, dash = 0, caret = 0;

			i++;
			if (in[i] == '^') {
				neg = 1;
				i++;
			}
			if (in[i] == ']') {
				close = 1;
				i++;
			}
			while (i < n && in[i] != ']') {
				char c2 = in[i];

				if (c2 == '\\') {
					char e = in[i + 1];

					i += 2;
					switch (e) {
					case 'd': sb_adds(&set, "0-9"); continue;
					case 'w': sb_adds(&set, "A-Za-z0-9_"); continue;
					case 's': sb_adds(&set, "[:space:]"); continue;
					case 'n': sb_addc(&set, '\n'); continue;
					case 't': sb_addc(&set, '\t'); continue;
					case ']': close = 1; continue;
					case '-': dash = 1; continue;
					case '^': caret = 1; continue;
					default:
						break;
					}
					if (e == '\0' || (e >= 'a' && e <= 'z') ||
					    (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
						sb_free(&set);
						*why = "escape sequence in a bracket expression";
						return 1;
					}
					sb_addc(&set, e);
					continue;
				}
				if (c2 == '[' && in[i + 1] == ':') {
					const char *end = strstr(in + i + 2, ":]");

					if (end == NULL) {
						sb_free(&set);
						*why = "unterminated character class";
						return 1;
					}
					sb_add(&set, in + i, (size_t)(end + 2 - (in + i)));
					i = (size_t)(end + 2 - in);
					continue;
				}
				if (c2 == '^') {
					caret = 1;
					i++;
					continue;
				}
				sb_addc(&set, c2);
				i++;
			}
			if (i >= n) {
				sb_free(&set);
				*why = "unterminated bracket expression";
				return 1;
			}
			i++;	/* ']' */
			if (set.len == 0 && !close && !dash && caret && !neg) {
				sb_adds(out, "\\^");
				sb_free(&set);
				continue;
			}
			sb_addc(out, '[');
			if (neg)
				sb_addc(out, '^');
			if (close)
				sb_addc(out, ']');
			sb_adds(out, sb_str(&set));
			if (caret)
				sb_addc(out, '^');
			if (dash)
				sb_addc(out, '-');
			sb_addc(out, ']');
			sb_free(&set);
			continue;
		}
		if (ch == '(' && in[i + 1] == '?') {
			if (in[i + 2] == ':') {
				sb_addc(out, '(');
				i += 3;
				continue;
			}
			*why = "(?...) group (lookaround or inline flags)";
			return 1;
		}
		if ((ch == '*' || ch == '+' || ch == '?' || ch == '}') && in[i + 1] == '?') {
			sb_addc(out, ch);	/* lazy: the same strings match */
			i += 2;
			continue;
		}
		if ((ch == '*' || ch == '+' || ch == '?' || ch == '}') && in[i + 1] == '+') {
			*why = "possessive quantifier";
			return 1;
		}
		sb_addc(out, ch);
		i++;
	}
	return 0;
}

/* A Perl pattern as a checked POSIX ERE in *ere (caller frees), or why not. */
static int
pattern_ere(const char *perl, char **ere, const char **why)
{
	struct sb out = SB_INIT;
	regex_t re;

	*ere = NULL;
	if (perl_to_ere(perl, &out, why) != 0) {
		sb_free(&out);
		return 1;
	}
	if (out.len == 0) {
		sb_free(&out);
		*why = "empty pattern";
		return 1;
	}
	if (regcomp(&re, out.s, REG_EXTENDED | REG_NOSUB) != 0) {
		sb_free(&out);
		*why = "not a valid POSIX ERE after translation";
		return 1;
	}
	regfree(&re);
	*ere = sb_steal(&out);
	return 0;
}

/* ---- resolving tests ----------------------------------------------------- */

struct field {
	char *name, *op, *var_ref, *var_check, *value;
	int line;
};

struct item {
	char *type, *why, *operator;
	int line;
	struct field f[OVAL_FIELDS_MAX];
	size_t nf;
};

static void
item_free(struct item *it)
{
	size_t i;

	free(it->type);
	free(it->why);
	free(it->operator);
	for (i = 0; i < it->nf; i++) {
		free(it->f[i].name);
		free(it->f[i].op);
		free(it->f[i].var_ref);
		free(it->f[i].var_check);
		free(it->f[i].value);
	}
	memset(it, 0, sizeof(*it));
}

/* Loads object or state id; 1 when absent. */
static int
item_load(struct oparser *p, const char *id, const char *kind, struct item *it)
{
	sqlite3_stmt *st = p->st[S_ITEM_GET];
	int rc;

	memset(it, 0, sizeof(*it));
	bind_str(st, 1, id);
	bind_str(st, 2, kind);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		it->type = col_dup(st, 0);
		it->line = sqlite3_column_int(st, 1);
		it->why = col_dup(st, 2);
		it->operator = col_dup(st, 3);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW)
		return db_fail(p, "item");
	st = p->st[S_FIELD_GET];
	bind_str(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && it->nf < OVAL_FIELDS_MAX) {
		struct field *f = &it->f[it->nf++];

		f->name = col_dup(st, 0);
		f->op = col_dup(st, 1);
		f->var_ref = col_dup(st, 2);
		f->var_check = col_dup(st, 3);
		f->value = col_dup(st, 4);
		f->line = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(p, "field");
	return 0;
}

/* The one field called name, or NULL; *dup set when there are several. */
static const struct field *
item_field(const struct item *it, const char *name, int *dup)
{
	const struct field *f = NULL;
	size_t i;

	for (i = 0; i < it->nf; i++)
		if (strcmp(it->f[i].name, name) == 0) {
			if (f != NULL && dup != NULL)
				*dup = 1;
			if (f == NULL)
				f = &it->f[i];
		}
	return f;
}

/* What a pkg test tells about its definition (staged with the test). */
#define T_PKG	1	/* a pkg test */
#define T_CMP	2	/* compares against a fix: evr or version "less than [or equal]" */
#define T_ZERO	4	/* that fix is "0:0" / "0" */
#define T_EXIST	8	/* no version field: the package being installed is the test */

static void
def_facts(struct oparser *p, int flags)
{
	if (flags & T_PKG)
		p->facts.has_pkg = 1;
	if (flags & T_CMP) {
		p->facts.has_cmp = 1;
		p->ncmp++;
	}
	if (flags & T_ZERO)
		p->nzero++;
	if (flags & T_EXIST)
		p->facts.has_exist = 1;
}

/* A resolved test before it is written. */
struct rtest {
	struct bundle_oval_test t;
	char **names;
	size_t nnames;
	char why[256];
	char module[160];
	char *name_pattern, *version_ere, *arch_ere;
	char sigkey[17];
	int flags;			/* T_* */
};

static void
rtest_free(struct rtest *rt)
{
	size_t i;

	for (i = 0; i < rt->nnames; i++)
		free(rt->names[i]);
	free(rt->names);
	free(rt->name_pattern);
	free(rt->version_ere);
	free(rt->arch_ere);
}

static void
unsupported(struct rtest *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
unsupported(struct rtest *rt, const char *fmt, ...)
{
	va_list ap;

	if (rt->why[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(rt->why, sizeof(rt->why), fmt, ap);
	va_end(ap);
}

/* The constant values of variable id into rt->names (E_FORMAT when absent). */
static int
var_names(struct oparser *p, const char *id, int line, struct rtest *rt, const char *ttype)
{
	sqlite3_stmt *st = p->st[S_VAR_GET];
	char *type = NULL;
	int rc, vline = 0;

	bind_str(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		type = col_dup(st, 0);
		vline = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return perr_at(p, line, E_FORMAT, "var_ref %s: no such variable in the file",
		    id);
	if (rc != SQLITE_ROW)
		return db_fail(p, "variable");
	if (strcmp(type, "constant_variable") != 0) {
		unsupported(rt, "%s name from a %s", ttype, type);
		free(type);
		return 0;
	}
	free(type);
	st = p->st[S_VAL_GET];
	bind_str(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (v == NULL || *v == '\0') {
			sqlite3_reset(st);
			return perr_at(p, vline, E_FORMAT, "variable %s has an empty value", id);
		}
		if (rt->nnames >= OVAL_NAMES_MAX) {
			sqlite3_reset(st);
			return perr_at(p, vline, E_LIMIT, "variable %s: more than %d names "
			    "(OVAL_NAMES_MAX)", id, OVAL_NAMES_MAX);
		}
		rt->names = xreallocarray(rt->names, rt->nnames + 1, sizeof(*rt->names));
		rt->names[rt->nnames++] = xstrdup(v);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_fail(p, "value");
	if (rt->nnames == 0)
		return perr_at(p, vline, E_FORMAT, "variable %s has no value", id);
	return 0;
}

/* The package object of a pkg test: names or a name pattern. */
static int
pkg_object(struct oparser *p, const struct item *o, struct rtest *rt, const char *ttype)
{
	const struct field *name;
	const char *why;
	size_t i;
	int dup = 0;

	if (o->why != NULL) {
		unsupported(rt, "%s", o->why);
		return 0;
	}
	for (i = 0; i < o->nf; i++)
		if (strcmp(o->f[i].name, "name") != 0) {
			unsupported(rt, "%s field %s", o->type, o->f[i].name);
			return 0;
		}
	if ((name = item_field(o, "name", &dup)) == NULL)
		return perr_at(p, o->line, E_FORMAT, "%s without <name>", o->type);
	if (dup) {
		unsupported(rt, "%s with two names", o->type);
		return 0;
	}
	if (name->var_ref != NULL) {
		if (strcmp(name->op, "equals") != 0) {
			unsupported(rt, "%s name operation %s", o->type, name->op);
			return 0;
		}
		if (name->var_check != NULL && strcmp(name->var_check, "at least one") != 0 &&
		    strcmp(name->var_check, "only one") != 0 &&
		    strcmp(name->var_check, "all") != 0) {
			unsupported(rt, "%s name var_check %s", o->type, name->var_check);
			return 0;
		}
		if (var_names(p, name->var_ref, name->line, rt, ttype) != 0)
			return p->err;
		/* var_check "all" (the default): one name must equal every value */
		if (rt->why[0] == '\0' && rt->nnames > 1 &&
		    (name->var_check == NULL || strcmp(name->var_check, "all") == 0)) {
			unsupported(rt, "%s name var_check all over %zu values", o->type,
			    rt->nnames);
		}
		return 0;
	}
	if (name->value == NULL || *name->value == '\0') {
		unsupported(rt, "%s with an empty name", o->type);
		return 0;
	}
	if (strcmp(name->op, "equals") == 0) {
		rt->names = xreallocarray(NULL, 1, sizeof(*rt->names));
		rt->names[0] = xstrdup(name->value);
		rt->nnames = 1;
		return 0;
	}
	if (strcmp(name->op, "pattern match") == 0) {
		if (pattern_ere(name->value, &rt->name_pattern, &why) != 0)
			unsupported(rt, "%s name pattern: %s", o->type, why);
		return 0;
	}
	unsupported(rt, "%s name operation %s", o->type, name->op);
	return 0;
}

/* The state of a pkg test: evr, version, arch, signature_keyid. */
static int
pkg_state(const struct item *s, struct rtest *rt)
{
	const char *why;
	size_t i, j;

	if (s->why != NULL) {
		unsupported(rt, "%s", s->why);
		return 0;
	}
	if (s->nf > 1 && s->operator != NULL && strcmp(s->operator, "AND") != 0) {
		unsupported(rt, "%s operator %s", s->type, s->operator);
		return 0;
	}
	for (i = 0; i < s->nf; i++) {
		const struct field *f = &s->f[i];
		const char *v = f->value != NULL ? f->value : "";

		for (j = 0; j < i; j++)
			if (strcmp(s->f[j].name, f->name) == 0) {
				unsupported(rt, "%s with two %s fields", s->type, f->name);
				return 0;
			}
		if (f->var_ref != NULL) {
			unsupported(rt, "%s field %s from a variable", s->type, f->name);
			return 0;
		}
		if (strcmp(f->name, "evr") == 0) {
			if (!in_words(f->op, cmp_ops) || *v == '\0') {
				unsupported(rt, "%s evr operation %s", s->type, f->op);
				return 0;
			}
			rt->t.evr_op = f->op;
			rt->t.evr = v;
		} else if (strcmp(f->name, "version") == 0) {
			if (strcmp(f->op, "pattern match") == 0) {
				if (pattern_ere(v, &rt->version_ere, &why) != 0) {
					unsupported(rt, "%s version pattern: %s", s->type, why);
					return 0;
				}
				rt->t.version = rt->version_ere;
			} else if (in_words(f->op, cmp_ops) && *v != '\0') {
				rt->t.version = v;
			} else {
				unsupported(rt, "%s version operation %s", s->type, f->op);
				return 0;
			}
			rt->t.version_op = f->op;
		} else if (strcmp(f->name, "arch") == 0) {
			if (strcmp(f->op, "pattern match") == 0) {
				if (pattern_ere(v, &rt->arch_ere, &why) != 0) {
					unsupported(rt, "%s arch pattern: %s", s->type, why);
					return 0;
				}
				rt->t.arch = rt->arch_ere;
			} else if (strcmp(f->op, "equals") == 0 && *v != '\0') {
				rt->t.arch = v;
			} else {
				unsupported(rt, "%s arch operation %s", s->type, f->op);
				return 0;
			}
			rt->t.arch_op = f->op;
		} else if (strcmp(f->name, "signature_keyid") == 0) {
			for (j = 0; v[j] != '\0' && j < 16; j++) {
				char ch = v[j];

				if (ch >= 'A' && ch <= 'F')
					ch = (char)(ch - 'A' + 'a');
				if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
					break;
				rt->sigkey[j] = ch;
			}
			if (strcmp(f->op, "equals") != 0 || j != 16 || v[16] != '\0') {
				unsupported(rt, "%s signature_keyid %s '%.40s'", s->type, f->op, v);
				return 0;
			}
			rt->sigkey[16] = '\0';
			rt->t.sigkey = rt->sigkey;
		} else {
			unsupported(rt, "%s field %s", s->type, f->name);
			return 0;
		}
	}
	return 0;
}

/* "/etc/dnf/modules.d/NAME.module" -> NAME; 0 when filepath is not that. */
static int
module_file(const char *path, char *name, size_t len)
{
	static const char dir[] = "/etc/dnf/modules.d/";
	size_t n, i;

	if (strncmp(path, dir, sizeof(dir) - 1) != 0 || !ends_with(path, ".module"))
		return 0;
	path += sizeof(dir) - 1;
	n = strlen(path) - strlen(".module");
	if (n == 0 || n >= len)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = path[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
		    ch == '+'))
			return 0;
	}
	memcpy(name, path, n);
	name[n] = '\0';
	return 1;
}

/*
 * The stream of Red Hat's module state pattern
 *   \nstream\s*=\s*STREAM\b[\w\W]*\nstate\s*=\s*(enabled|1|true)|...
 * with its escapes undone ("2\.4" -> "2.4"); 0 when the text is not that.
 */
static int
module_stream(const char *text, char *out, size_t len)
{
	static const char key[] = "stream\\s*=\\s*";
	const char *s = strstr(text, key);
	size_t n = 0;

	if (s == NULL || strstr(text, "state\\s*=\\s*(enabled|1|true)") == NULL)
		return 0;
	for (s += sizeof(key) - 1; *s != '\0'; s++) {
		char ch = *s;

		if (ch == '\\') {
			if (s[1] == 'b')
				break;
			if (s[1] != '.' && s[1] != '-' && s[1] != '+' && s[1] != '_')
				return 0;
			ch = *++s;
		} else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_' ||
		    ch == '+'))
			return 0;
		if (n + 1 >= len)
			return 0;
		out[n++] = ch;
	}
	if (*s != '\\' || n == 0)
		return 0;
	out[n] = '\0';
	return 1;
}

/* The file an object of textfilecontent54 / rpmverifyfile reads, or NULL. */
static char *
object_path(const struct item *o)
{
	const struct field *fp = item_field(o, "filepath", NULL);
	const struct field *dir = item_field(o, "path", NULL);
	const struct field *fn = item_field(o, "filename", NULL);
	struct sb b = SB_INIT;

	if (fp != NULL && fp->value != NULL && fp->var_ref == NULL &&
	    strcmp(fp->op, "equals") == 0)
		return xstrdup(fp->value);
	if (dir != NULL && fn != NULL && dir->value != NULL && fn->value != NULL &&
	    dir->var_ref == NULL && fn->var_ref == NULL && strcmp(dir->op, "equals") == 0 &&
	    strcmp(fn->op, "equals") == 0) {
		sb_adds(&b, dir->value);
		if (b.len == 0 || b.s[b.len - 1] != '/')
			sb_addc(&b, '/');
		sb_adds(&b, fn->value);
		return sb_steal(&b);
	}
	return NULL;
}

/* /etc/<x>-release (redhat-release, oracle-release, ...) */
static int
release_file(const char *path)
{
	size_t i;

	if (strncmp(path, "/etc/", 5) != 0 || !ends_with(path, "-release"))
		return 0;
	for (i = 5; path[i] != '\0'; i++)
		if (path[i] == '/')
			return 0;
	return 1;
}

/* textfilecontent54_test: module, platform or unsupported. */
static void
file_test(const struct item *o, const struct item *s, struct rtest *rt, const char *ttype)
{
	char *path = o != NULL ? object_path(o) : NULL;
	char name[64], stream[96];
	const struct field *text;

	if (path == NULL) {
		unsupported(rt, "%s without a plain file path", ttype);
		return;
	}
	if (module_file(path, name, sizeof(name))) {
		text = s != NULL ? item_field(s, "text", NULL) : NULL;
		if (s != NULL && s->why == NULL && s->nf == 1 && text != NULL &&
		    text->value != NULL && text->var_ref == NULL &&
		    strcmp(text->op, "pattern match") == 0 &&
		    module_stream(text->value, stream, sizeof(stream))) {
			snprintf(rt->module, sizeof(rt->module), "%s:%s", name, stream);
			rt->t.kind = "module";
			rt->t.module = rt->module;
		} else
			unsupported(rt, "%s %s", ttype, path);
	} else if (strcmp(path, "/etc/debian_version") == 0 ||
	    strcmp(path, "/etc/lsb-release") == 0 || strcmp(path, "/etc/os-release") == 0 ||
	    release_file(path)) {
		rt->t.kind = "platform";
	} else
		unsupported(rt, "%s %s", ttype, path);
	free(path);
}

/* The state field names of s, for why ("uname_test os_release"). */
static void
field_names(const struct item *s, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; s != NULL && i < s->nf && n + 1 < len; i++) {
		int k = snprintf(buf + n, len - n, "%s%s", i ? " " : "", s->f[i].name);

		if (k < 0 || (size_t)k >= len - n)
			break;
		n += (size_t)k;
	}
}

/* Test row, as staged. */
struct trow {
	char *type, *comment, *check, *existence, *state_op, *object_ref, *state_ref;
	int line, nobjects, nstates;
	int64_t bid;
	int flags;
};

static void
trow_free(struct trow *t)
{
	free(t->type);
	free(t->comment);
	free(t->check);
	free(t->existence);
	free(t->state_op);
	free(t->object_ref);
	free(t->state_ref);
	memset(t, 0, sizeof(*t));
}

/* Resolves the staged test into rt (kind and fields). */
static int
classify_test(struct oparser *p, const char *id, const struct trow *t, struct item *o,
    struct item *s, int have_o, int have_s, struct rtest *rt)
{
	const char *pkgtest = strcmp(p->v->ecosystem, "rpm") == 0 ? "rpminfo_test" :
	    "dpkginfo_test";
	const char *pkgobj = strcmp(p->v->ecosystem, "rpm") == 0 ? "rpminfo_object" :
	    "dpkginfo_object";
	const char *pkgstate = strcmp(p->v->ecosystem, "rpm") == 0 ? "rpminfo_state" :
	    "dpkginfo_state";
	char fields[128];
	int r;

	(void)id;
	rt->t.kind = "unsupported";
	rt->t.comment = t->comment;
	rt->t.check = t->check;
	rt->t.existence = t->existence;
	if (strcmp(t->check, "none exist") == 0) {
		rt->t.check = "none satisfy";
		rt->t.existence = "none_exist";
	}
	if (!have_o) {
		unsupported(rt, "%s without an object", t->type);
		return 0;
	}
	if (t->nobjects > 1) {
		unsupported(rt, "%s with %d objects", t->type, t->nobjects);
		return 0;
	}
	if (t->nstates > 1) {
		unsupported(rt, "%s with %d states", t->type, t->nstates);
		return 0;
	}
	if (strcmp(t->type, pkgtest) == 0) {
		if (strcmp(o->type, pkgobj) != 0) {
			unsupported(rt, "%s over a %s", t->type, o->type);
			return 0;
		}
		if (have_s && strcmp(s->type, pkgstate) != 0) {
			unsupported(rt, "%s with a %s", t->type, s->type);
			return 0;
		}
		if ((r = pkg_object(p, o, rt, t->type)) != 0)
			return r;
		if (rt->why[0] == '\0' && have_s && (r = pkg_state(s, rt)) != 0)
			return r;
		if (rt->why[0] != '\0')
			return 0;
		rt->t.kind = "pkg";
		rt->t.names = (const char *const *)rt->names;
		rt->t.nnames = rt->nnames;
		rt->t.name_pattern = rt->name_pattern;
		rt->flags = T_PKG;
		if ((rt->t.evr_op != NULL && strncmp(rt->t.evr_op, "less than", 9) == 0) ||
		    (rt->t.version_op != NULL && strncmp(rt->t.version_op, "less than", 9) == 0))
			rt->flags |= T_CMP;
		if ((rt->flags & T_CMP) && rt->t.evr != NULL && (strcmp(rt->t.evr, "0:0") == 0 ||
		    strcmp(rt->t.evr, "0") == 0))
			rt->flags |= T_ZERO;
		if (rt->t.evr_op == NULL && rt->t.version_op == NULL)
			rt->flags |= T_EXIST;
		if (rt->t.evr != NULL && p->v->flavour != NULL)
			rt->t.flavour = p->v->flavour(rt->t.evr);
		return 0;
	}
	if (strcmp(t->type, "rpmverifyfile_test") == 0) {
		char *path = object_path(o);

		if (path != NULL && release_file(path))
			rt->t.kind = "platform";
		else
			unsupported(rt, "%s %s", t->type, path ? path : "(no plain path)");
		free(path);
		return 0;
	}
	if (strcmp(t->type, "textfilecontent54_test") == 0) {
		file_test(o, have_s ? s : NULL, rt, t->type);
		return 0;
	}
	if (strcmp(t->type, "family_test") == 0) {
		rt->t.kind = "platform";
		return 0;
	}
	if (strcmp(t->type, "uname_test") == 0) {
		if (!have_s) {
			rt->t.kind = "platform";
			return 0;
		}
		field_names(s, fields, sizeof(fields));
		unsupported(rt, "%s %s", t->type, fields[0] ? fields : "state");
		return 0;
	}
	unsupported(rt, "%s", t->type);
	return 0;
}

/* The bundle id and flags of test id with annotation ann, if cached: 1 when found. */
static int
tann_get(struct oparser *p, const char *id, const char *ann, int64_t *bid, int *flags)
{
	sqlite3_stmt *st = p->st[S_TANN_GET];
	int rc;

	bind_str(st, 1, id);
	bind_str(st, 2, ann);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*bid = sqlite3_column_int64(st, 0);
		*flags = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(p, "test annotation");
	return rc == SQLITE_ROW;
}

/*
 * The bundle id of test id, writing it on first use. With ps (a criterion's
 * comment gave the packages' status, note being that comment), a pkg test is
 * written once per distinct (state, vendor status, note) with them; ps is
 * ignored for the other kinds, which carry no package status.
 */
static int
resolve_test(struct oparser *p, const char *id, const struct oval_pkgstatus *ps,
    const char *note, int64_t *bid)
{
	sqlite3_stmt *st = p->st[S_TEST_GET];
	struct trow t;
	struct item o, s;
	struct rtest rt;
	struct sb ann = SB_INIT;
	int rc, r = E_INTERNAL, have_o = 0, have_s = 0, flags = 0;

	memset(&t, 0, sizeof(t));
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	memset(&rt, 0, sizeof(rt));
	bind_str(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t.type = col_dup(st, 0);
		t.line = sqlite3_column_int(st, 1);
		t.comment = col_dup(st, 2);
		t.check = col_dup(st, 3);
		t.existence = col_dup(st, 4);
		t.state_op = col_dup(st, 5);
		t.object_ref = col_dup(st, 6);
		t.state_ref = col_dup(st, 7);
		t.nobjects = sqlite3_column_int(st, 8);
		t.nstates = sqlite3_column_int(st, 9);
		t.bid = sqlite3_column_type(st, 10) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 10);
		t.flags = sqlite3_column_int(st, 11);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE) {
		r = perr_at(p, p->def_line, E_FORMAT, "criterion test_ref %s: no such test in "
		    "the file", id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = db_fail(p, "test");
		goto out;
	}
	if (t.bid != 0 && (ps == NULL || !(t.flags & T_PKG))) {
		*bid = t.bid;
		def_facts(p, t.flags);
		r = 0;
		goto out;
	}
	if (ps != NULL) {
		sb_addf(&ann, "%s\t%s\t%s", ps->state,
		    ps->vendor_status != NULL ? ps->vendor_status : "", note);
		if ((r = tann_get(p, id, ann.s, bid, &flags)) < 0)
			goto out;
		if (r == 1) {
			def_facts(p, flags);
			r = 0;
			goto out;
		}
	}
	if (t.object_ref != NULL) {
		if ((r = item_load(p, t.object_ref, "object", &o)) < 0)
			goto out;
		if (r == 1) {
			r = perr_at(p, t.line, E_FORMAT, "test %s: object_ref %s: no such object "
			    "in the file", id, t.object_ref);
			goto out;
		}
		have_o = 1;
	}
	if (t.state_ref != NULL) {
		if ((r = item_load(p, t.state_ref, "state", &s)) < 0)
			goto out;
		if (r == 1) {
			r = perr_at(p, t.line, E_FORMAT, "test %s: state_ref %s: no such state "
			    "in the file", id, t.state_ref);
			goto out;
		}
		have_s = 1;
	}
	if ((r = classify_test(p, id, &t, &o, &s, have_o, have_s, &rt)) != 0)
		goto out;
	if (strcmp(rt.t.kind, "unsupported") == 0) {
		rt.t.why = rt.why;
		/* an unsupported test compares nothing we model */
		memset(&rt.t.names, 0, sizeof(rt.t.names));
		rt.t.nnames = 0;
		rt.t.name_pattern = rt.t.evr_op = rt.t.evr = rt.t.version_op = NULL;
		rt.t.version = rt.t.arch_op = rt.t.arch = rt.t.sigkey = rt.t.module = NULL;
		rt.t.flavour = NULL;
		rt.flags = 0;
		p->stats.unsupported++;
	}
	if (!(rt.flags & T_PKG))
		ps = NULL;	/* the status is of packages */
	if (ps != NULL) {
		if (strcmp(ps->state, "fixed") == 0 && !((rt.t.evr_op != NULL &&
		    strcmp(rt.t.evr_op, "less than") == 0) || (rt.t.version_op != NULL &&
		    strcmp(rt.t.version_op, "less than") == 0))) {
			r = perr_at(p, p->def_line, E_FORMAT, "criterion '%.120s' says fixed "
			    "but its test %s compares with no fixed version", note, id);
			goto out;
		}
		rt.t.state = ps->state;
		rt.t.vendor_status = ps->vendor_status;
		rt.t.note = note;
	}
	if (p->w != NULL) {
		if ((r = bundle_writer_oval_test(p->c, p->w, &rt.t, bid)) != 0) {
			ctx_prefix(p->c, "line %d: test %s", t.line, id);
			p->err = r;
			goto out;
		}
	} else
		*bid = ++p->next_fake;
	p->stats.tests++;
	if (ps != NULL) {
		st = p->st[S_TANN_SET];
		bind_str(st, 1, id);
		bind_str(st, 2, ann.s);
		sqlite3_bind_int64(st, 3, *bid);
		sqlite3_bind_int(st, 4, rt.flags);
	} else {
		st = p->st[S_TEST_SET];
		bind_str(st, 1, id);
		sqlite3_bind_int64(st, 2, *bid);
		sqlite3_bind_int(st, 3, rt.flags);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		r = db_fail(p, "test update");
		goto out;
	}
	def_facts(p, rt.flags);
	r = 0;
 out:
	trow_free(&t);
	item_free(&o);
	item_free(&s);
	rtest_free(&rt);
	sb_free(&ann);
	return r;
}

/*
 * What the staged comment seq (0: none) of a criterion says of its test's
 * packages (the vendor's criterion hook); *comment, when ps->state is set, is
 * that comment (the caller frees it), else NULL.
 */
static int
criterion_status(struct oparser *p, int64_t seq, struct oval_pkgstatus *ps, char **comment)
{
	sqlite3_stmt *st = p->st[S_COM_GET];
	int rc, r;

	memset(ps, 0, sizeof(*ps));
	*comment = NULL;
	if (seq == 0 || p->v->criterion == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*comment = col_dup(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW || *comment == NULL)
		return rc == SQLITE_DONE ? perr_at(p, p->def_line, E_INTERNAL,
		    "staged criterion comment %lld", (long long)seq) :
		    db_fail(p, "criterion comment");
	if ((r = p->v->criterion(p->c, p->meta, *comment, ps)) != 0) {
		ctx_prefix(p->c, "line %d: definition %s", p->def_line, p->meta->id);
		p->err = r;
		free(*comment);
		*comment = NULL;
		return r;
	}
	if (ps->state == NULL) {
		free(*comment);
		*comment = NULL;
	}
	return 0;
}

/* ---- rewriting criteria -------------------------------------------------- */

static int expand(struct oparser *p, const char *s, size_t *pos, int neg, int depth,
    struct sb *out);

/* The staged id after 'T' or 'D' up to ';', and the comment's sequence number
 * after a '~' (0 when there is none). */
static int
staged_id(struct oparser *p, const char *s, size_t *pos, char *id, int64_t *seq)
{
	const char *end = strchr(s + *pos, ';'), *q;
	size_t n;

	*seq = 0;
	if (end == NULL)
		return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
	for (q = s + *pos; q < end && *q != '~'; q++)
		;
	if ((n = (size_t)(q - (s + *pos))) == 0 || n > OVAL_ID_MAX)
		return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
	memcpy(id, s + *pos, n);
	id[n] = '\0';
	if (q < end)
		for (q++; q < end; q++) {
			if (*q < '0' || *q > '9' || ckd_mul(seq, *seq, 10) ||
			    ckd_add(seq, *seq, *q - '0'))
				return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
		}
	*pos = (size_t)(end - s) + 1;
	return 0;
}

static int
depth_ok(struct oparser *p, int depth)
{
	if (depth > BUNDLE_OVAL_DEPTH_MAX)
		return perr_at(p, p->def_line, E_LIMIT, "criteria with extended definitions "
		    "inlined nest more than %d operators (BUNDLE_OVAL_DEPTH_MAX)",
		    BUNDLE_OVAL_DEPTH_MAX);
	return 0;
}

/* extend_definition id: its criteria, inlined. */
static int
inline_def(struct oparser *p, const char *id, int neg, int depth, struct sb *out)
{
	sqlite3_stmt *st = p->st[S_DEF_BY_ID];
	char *crit = NULL;
	size_t pos = 0;
	int i, rc, r, found;

	for (i = 0; i < p->nextend; i++)
		if (strcmp(p->extend_stack[i], id) == 0)
			return perr_at(p, p->def_line, E_FORMAT, "extend_definition %s: a cycle",
			    id);
	if (p->nextend >= OVAL_EXTEND_DEPTH_MAX)
		return perr_at(p, p->def_line, E_LIMIT, "extend_definition nested deeper "
		    "than %d (OVAL_EXTEND_DEPTH_MAX)", OVAL_EXTEND_DEPTH_MAX);
	bind_str(st, 1, id);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW;
	if (found)
		crit = col_dup(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(p, "definition");
	if (!found)
		return perr_at(p, p->def_line, E_FORMAT, "extend_definition %s: no such "
		    "definition in the file", id);
	if (crit == NULL)
		return perr_at(p, p->def_line, E_FORMAT, "extend_definition %s: that "
		    "definition has no criteria", id);
	p->extend_stack[p->nextend++] = xstrdup(id);
	r = expand(p, crit, &pos, neg, depth, out);
	free(p->extend_stack[--p->nextend]);
	free(crit);
	return r;
}

/*
 * Rewrites one staged node at *pos into out: negation folded into neg, tests
 * resolved to bundle ids, extend_definition inlined. depth is the number of
 * operators already enclosing the node in the output.
 */
static int
expand(struct oparser *p, const char *s, size_t *pos, int neg, int depth, struct sb *out)
{
	char id[OVAL_ID_MAX + 1], *comment = NULL;
	struct oval_pkgstatus ps;
	int64_t bid, seq;
	int r, first;
	char op;

	if (out->len > BUNDLE_OVAL_CRITERIA_MAX)
		return perr_at(p, p->def_line, E_LIMIT, "criteria with extended definitions "
		    "inlined larger than %d bytes (BUNDLE_OVAL_CRITERIA_MAX)",
		    BUNDLE_OVAL_CRITERIA_MAX);
	switch (s[*pos]) {
	case '!':
		(*pos)++;
		return expand(p, s, pos, !neg, depth, out);
	case 'T':
		(*pos)++;
		if ((r = staged_id(p, s, pos, id, &seq)) != 0 ||
		    (r = criterion_status(p, seq, &ps, &comment)) != 0)
			return r;
		r = resolve_test(p, id, ps.state != NULL ? &ps : NULL, comment, &bid);
		free(comment);
		if (r != 0)
			return r;
		if (neg && (r = depth_ok(p, depth + 1)) != 0)
			return r;
		sb_addf(out, "%st%lld", neg ? "!" : "", (long long)bid);
		return 0;
	case 'D':
		(*pos)++;
		if ((r = staged_id(p, s, pos, id, &seq)) != 0)
			return r;
		return inline_def(p, id, neg, depth, out);
	case '&':
	case '|':
	case '1':
	case '^':
		op = s[(*pos)++];
		if (s[(*pos)++] != '(')
			return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
		if (neg) {
			sb_addc(out, '!');
			depth++;
		}
		if ((r = depth_ok(p, depth + 1)) != 0)
			return r;
		sb_addc(out, op);
		sb_addc(out, '(');
		for (first = 1;; first = 0) {
			if (!first)
				sb_addc(out, ',');
			if ((r = expand(p, s, pos, 0, depth + 1, out)) != 0)
				return r;
			if (s[*pos] == ',') {
				(*pos)++;
				continue;
			}
			if (s[*pos] == ')') {
				(*pos)++;
				break;
			}
			return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
		}
		sb_addc(out, ')');
		return 0;
	default:
		return perr_at(p, p->def_line, E_INTERNAL, "staged criteria");
	}
}

/* ---- definitions --------------------------------------------------------- */

/* Splits a '\n'-separated list in place into an array (freed by the caller). */
static size_t
split_lines(char *s, char ***out)
{
	size_t n = 0;
	char *nl;

	*out = NULL;
	if (s == NULL)
		return 0;
	while (*s != '\0' && (nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		(*out)[n++] = s;
		s = nl + 1;
	}
	return n;
}

/* Metadata from a def row (columns from 1: id, class, line, title, severity, dsa,
 * platforms, refs, cves, resolutions). */
struct meta_buf {
	struct oval_meta m;
	char *id, *klass, *title, *severity, *dsa, *platforms, *refs, *cves, *res;
	char **plat, **ref_lines, **cve, **res_lines;
	struct oval_ref *refv;
	const char **res_state, **res_comp;
	size_t ncve;
	int line;
};

static void
meta_free(struct meta_buf *b)
{
	free(b->id);
	free(b->klass);
	free(b->title);
	free(b->severity);
	free(b->dsa);
	free(b->platforms);
	free(b->refs);
	free(b->cves);
	free(b->res);
	free(b->plat);
	free(b->ref_lines);
	free(b->cve);
	free(b->res_lines);
	free(b->refv);
	free(b->res_state);
	free(b->res_comp);
	memset(b, 0, sizeof(*b));
}

static void
meta_load(sqlite3_stmt *st, struct meta_buf *b)
{
	size_t i, n;

	memset(b, 0, sizeof(*b));
	b->id = col_dup(st, 1);
	b->klass = col_dup(st, 2);
	b->line = sqlite3_column_int(st, 3);
	b->title = col_dup(st, 4);
	b->severity = col_dup(st, 5);
	b->dsa = col_dup(st, 6);
	b->platforms = col_dup(st, 7);
	b->refs = col_dup(st, 8);
	b->cves = col_dup(st, 9);
	b->res = col_dup(st, 10);
	b->m.id = b->id;
	b->m.klass = b->klass;
	b->m.title = b->title;
	b->m.severity = b->severity;
	b->m.dsa = b->dsa;
	b->m.nplatforms = split_lines(b->platforms, &b->plat);
	b->m.platforms = (const char *const *)b->plat;
	n = split_lines(b->refs, &b->ref_lines);
	b->refv = xreallocarray(NULL, n + 1, sizeof(*b->refv));
	for (i = 0; i < n; i++) {
		char *tab = strchr(b->ref_lines[i], '\t');

		b->refv[i].source = b->ref_lines[i];
		b->refv[i].ref_id = "";
		if (tab != NULL) {
			*tab = '\0';
			b->refv[i].ref_id = tab + 1;
		}
	}
	b->m.refs = b->refv;
	b->m.nrefs = n;
	b->ncve = split_lines(b->cves, &b->cve);
	n = split_lines(b->res, &b->res_lines);
	b->res_state = xreallocarray(NULL, n + 1, sizeof(*b->res_state));
	b->res_comp = xreallocarray(NULL, n + 1, sizeof(*b->res_comp));
	for (i = 0; i < n; i++) {
		char *tab = strchr(b->res_lines[i], '\t');

		b->res_state[i] = b->res_lines[i];
		b->res_comp[i] = "";
		if (tab != NULL) {
			*tab = '\0';
			b->res_comp[i] = tab + 1;
		}
	}
	b->m.resolutions = b->res_state;
	b->m.components = b->res_comp;
	b->m.nresolutions = n;
}

/* "CVE-YYYY-N..." inside s into out; 0 when s holds none. */
static int
cve_token(const char *s, char *out, size_t len)
{
	const char *c = s;
	size_t n, d;

	while ((c = strstr(c, "CVE-")) != NULL) {
		for (d = 0; c[4 + d] >= '0' && c[4 + d] <= '9'; d++)
			;
		if (d == 4 && c[8] == '-') {
			for (n = 9; c[n] >= '0' && c[n] <= '9'; n++)
				;
			if (n >= 13 && n < len) {
				memcpy(out, c, n);
				out[n] = '\0';
				return 1;
			}
		}
		c += 4;
	}
	return 0;
}

/* Adds v to the list unless present. */
static void
vuln_add(char ***list, size_t *n, const char *v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], v) == 0)
			return;
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(v);
}

static int
ns_covered(struct oparser *p, const char *ns, int complete)
{
	size_t i;

	for (i = 0; i < p->ncovered; i++)
		if (strcmp(p->covered[i].ns, ns) == 0) {
			p->covered[i].complete |= complete;
			return 0;
		}
	if (p->ncovered >= OVAL_FILE_NS_MAX)
		return perr_at(p, p->def_line, E_LIMIT, "more than %d namespaces in one file "
		    "(OVAL_FILE_NS_MAX)", OVAL_FILE_NS_MAX);
	snprintf(p->covered[p->ncovered].ns, OVAL_NS_MAX, "%s", ns);
	p->covered[p->ncovered++].complete = complete;
	return 0;
}

int
oval_nslist_add(struct ctx *c, struct oval_nslist *l, const char *ns)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->ns[i], ns) == 0)
			return 0;
	if (l->n >= OVAL_NAMESPACES_MAX)
		return ctx_err(c, E_LIMIT, "more than %d namespaces (OVAL_NAMESPACES_MAX)",
		    OVAL_NAMESPACES_MAX);
	if (strlen(ns) >= OVAL_NS_MAX)
		return ctx_err(c, E_LIMIT, "namespace longer than %d bytes (OVAL_NS_MAX)",
		    OVAL_NS_MAX - 1);
	snprintf(l->ns[l->n++], OVAL_NS_MAX, "%s", ns);
	return 0;
}

int
oval_all_digits(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
oval_platform_majors(struct ctx *c, const struct oval_meta *m, const char *prefix,
    const char *name, size_t max, struct oval_nslist *l, int *none)
{
	size_t i, plen = strlen(prefix);
	char ns[OVAL_NS_MAX];
	int r;

	*none = m->nplatforms == 0;
	for (i = 0; i < m->nplatforms; i++) {
		const char *s = m->platforms[i];

		if (strncmp(s, prefix, plen) != 0 || !oval_all_digits(s + plen, max))
			continue;
		snprintf(ns, sizeof(ns), "%s:%s", name, s + plen);
		if ((r = oval_nslist_add(c, l, ns)) != 0)
			return r;
	}
	return 0;
}

/* Pass 1: every definition's namespaces (before anything is written). */
static int
pass_namespaces(struct oparser *p)
{
	sqlite3_stmt *st = p->st[S_DEF_LIST], *ins = p->st[S_NS_INS];
	struct meta_buf b;
	struct oval_nslist *l = xcalloc(1, sizeof(*l));
	struct sb joined = SB_INIT;
	int rc, r = 0, none;
	size_t i;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		meta_load(st, &b);
		memset(l, 0, sizeof(*l));
		none = 0;
		if (p->forced[0] != '\0')
			r = oval_nslist_add(p->c, l, p->forced);
		else
			r = p->v->namespaces(p->c, &b.m, l, &none);
		if (r != 0) {
			ctx_prefix(p->c, "line %d: definition %s", b.line, b.id);
			p->err = r;
			meta_free(&b);
			break;
		}
		sb_reset(&joined);
		for (i = 0; i < l->n; i++) {
			sb_adds(&joined, l->ns[i]);
			sb_addc(&joined, '\n');
			if ((r = oval_nslist_add(p->c, &p->file_ns, l->ns[i])) != 0) {
				p->err = r;
				break;
			}
		}
		if (r == 0) {
			sqlite3_bind_int64(ins, 1, sqlite3_column_int64(st, 0));
			bind_str(ins, 2, sb_str(&joined));
			sqlite3_bind_int(ins, 3, none && l->n == 0);
			r = stage_step(p, ins, b.id, b.line);
		}
		meta_free(&b);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = db_fail(p, "definitions");
	sqlite3_reset(st);
	sb_free(&joined);
	free(l);
	return r;
}

const char *
oval_default_state(const struct oval_meta *m, const struct oval_facts *f)
{
	if (strcmp(m->klass, "patch") == 0 || f->has_cmp)
		return "fixed";
	if (f->has_exist)
		return "unfixed";
	if (f->has_pkg)
		return "not-affected";
	return "unknown";
}

/* Pass 2: one definition's rows. */
static int
emit_def(struct oparser *p, sqlite3_stmt *st, int64_t *records)
{
	struct meta_buf b;
	struct sb crit = SB_INIT, note = SB_INIT;
	struct oval_verdict vd;
	struct bundle_oval_def d;
	char *staged = col_dup(st, 11), *desc = col_dup(st, 12), *nslist = col_dup(st, 13);
	char **ns = NULL, **vulns = NULL, cve[64];
	const char *advisory, *only;
	size_t nns, nvulns = 0, i, pos = 0;
	int none = sqlite3_column_int(st, 14), r = 0, complete;
	int64_t id;

	meta_load(st, &b);
	p->def_line = b.line;
	nns = split_lines(nslist, &ns);
	if (nns == 0 && none) {
		if (p->file_ns.n != 1) {
			r = perr_at(p, b.line, E_FORMAT, "definition %s names no platform and "
			    "the file names %zu releases: give the release as %s@RELEASE:FILE",
			    b.id, p->file_ns.n, p->v->source);
			goto out;
		}
		only = p->file_ns.ns[0];
		ns = xreallocarray(ns, 1, sizeof(*ns));
		ns[0] = (char *)only;
		nns = 1;
	}
	if (nns == 0 || staged == NULL) {
		p->stats.skipped++;
		goto out;
	}
	memset(&p->facts, 0, sizeof(p->facts));
	p->ncmp = p->nzero = 0;
	p->meta = &b.m;
	/* the definition itself heads the extend_definition chain (cycles) */
	p->extend_stack[p->nextend++] = xstrdup(b.id);
	r = expand(p, staged, &pos, 0, 0, &crit);
	while (p->nextend > 0)
		free(p->extend_stack[--p->nextend]);
	if (r != 0)
		goto out;
	memset(&vd, 0, sizeof(vd));
	if (p->v->verdict != NULL)
		r = p->v->verdict(p->c, &b.m, &p->facts, &vd);
	else
		vd.state = oval_default_state(&b.m, &p->facts);
	if (r != 0) {
		ctx_prefix(p->c, "line %d: definition %s", b.line, b.id);
		p->err = r;
		goto out;
	}
	sb_adds(&note, vd.note);
	if (p->v->zero_note != NULL && p->ncmp > 0 && p->nzero == p->ncmp) {
		if (note.len > 0)
			sb_adds(&note, "; ");
		sb_adds(&note, p->v->zero_note);
	}
	advisory = p->v->advisory != NULL ? p->v->advisory(&b.m) : NULL;
	for (i = 0; i < b.m.nrefs; i++)
		if (ascii_ieq(b.m.refs[i].source, "CVE") &&
		    cve_token(b.m.refs[i].ref_id, cve, sizeof(cve)))
			vuln_add(&vulns, &nvulns, cve);
	for (i = 0; i < b.ncve; i++)
		if (cve_token(b.cve[i], cve, sizeof(cve)))
			vuln_add(&vulns, &nvulns, cve);
	if (nvulns == 0)
		vuln_add(&vulns, &nvulns, advisory != NULL && *advisory != '\0' ? advisory :
		    b.id);
	complete = p->v->lists_unfixed != NULL ? p->v->lists_unfixed(&b.m, vd.state) :
	    strcmp(vd.state, "unfixed") == 0 || strcmp(vd.state, "wont-fix") == 0 ||
	    strcmp(vd.state, "unknown") == 0;
	memset(&d, 0, sizeof(d));
	d.ecosystem = p->v->ecosystem;
	d.name_kind = p->v->name_kind;
	d.def_id = b.id;
	d.klass = b.klass;
	d.title = b.title;
	d.advisory = advisory != NULL && *advisory != '\0' ? advisory : NULL;
	d.state = vd.state;
	d.severity = b.severity != NULL ? p->v->severity(b.severity) : "unknown";
	d.vendor_severity = b.severity;
	d.vendor_status = vd.vendor_status;
	d.note = note.len > 0 ? note.s : NULL;
	d.description = desc;
	d.criteria = sb_str(&crit);
	d.vulns = (const char *const *)vulns;
	d.nvulns = nvulns;
	for (i = 0; i < nns; i++) {
		d.namespace = ns[i];
		if (p->w != NULL && (r = bundle_writer_oval_def(p->c, p->w, &d, &id)) != 0) {
			ctx_prefix(p->c, "line %d", b.line);
			p->err = r;
			goto out;
		}
		if ((r = ns_covered(p, ns[i], complete)) != 0)
			goto out;
		(*records)++;
		p->stats.records++;
	}
 out:
	p->meta = NULL;
	for (i = 0; i < nvulns; i++)
		free(vulns[i]);
	free(vulns);
	free(ns);
	free(nslist);
	free(staged);
	free(desc);
	sb_free(&crit);
	sb_free(&note);
	meta_free(&b);
	return r;
}

static int
resolve(struct oparser *p, int64_t *records)
{
	sqlite3_stmt *st = p->st[S_DEF_EMIT];
	size_t i;
	int rc, r = 0, whole;

	if ((r = pass_namespaces(p)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = emit_def(p, st, records)) != 0)
			break;
	if (r == 0 && rc != SQLITE_DONE)
		r = db_fail(p, "definitions");
	sqlite3_reset(st);
	if (r != 0)
		return r;
	if (*records == 0)
		return perr_at(p, 0, E_FORMAT, "no definition for a release %s covers "
		    "(%lld definitions, %lld skipped)", p->v->source,
		    (long long)p->stats.definitions, (long long)p->stats.skipped);
	whole = p->path == NULL || p->v->whole_release == NULL ||
	    p->v->whole_release(p->path);
	for (i = 0; p->w != NULL && i < p->ncovered; i++)
		if ((r = bundle_writer_namespace_coverage(p->c, p->w, p->covered[i].ns,
		    whole && p->covered[i].complete ? "complete" : "fixes-only")) != 0)
			return r;
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static struct oparser *
parser_new(struct ctx *c, const struct oval_vendor *v, struct bundle_writer *w)
{
	struct oparser *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->v = v;
	p->w = w;
	p->cap_depth = -1;
	return p;
}

static void
parser_free(struct oparser *p)
{
	int i;

	if (p == NULL)
		return;
	if (p->xr != NULL)
		xmlFreeTextReader(p->xr);
	stage_close(p);
	feed_stream_free(p->in);
	pdef_reset(&p->d);
	pitem_reset(&p->it);
	sb_free(&p->text);
	for (i = 0; i < p->nextend; i++)
		free(p->extend_stack[i]);
	free(p);
}

/* Stage and resolve the opened stream. */
static int
run(struct oparser *p, const char *arg, int64_t *records)
{
	int r;

	if (arg != NULL && (r = p->v->arg_namespace(p->c, arg, p->forced)) != 0)
		return r;
	xmlInitParser();
	if ((r = read_document(p)) != 0)
		return r;
	xmlFreeTextReader(p->xr);
	p->xr = NULL;
	return resolve(p, records);
}

int
oval_parse_mem(struct ctx *c, const struct oval_vendor *v, const char *arg,
    const uint8_t *buf, size_t len, struct bundle_writer *w, int64_t *records,
    struct oval_stats *st)
{
	struct oparser *p = parser_new(c, v, w);
	char hex[65];
	uint64_t bytes;
	int r;

	*records = 0;
	if ((r = feed_stream_open_mem(c, buf, len, &oval_limits, &p->in)) == 0 &&
	    (r = run(p, arg, records)) == 0)
		r = feed_stream_finish(p->in, hex, &bytes);
	if (st != NULL)
		*st = p->stats;
	if (r != 0)
		*records = 0;
	parser_free(p);
	return r;
}

int
oval_parse_file(struct ctx *c, const struct oval_vendor *v, const char *path,
    const char *arg, struct bundle_writer *w, int64_t *records)
{
	struct oparser *p = parser_new(c, v, w);
	char hex[65];
	uint64_t bytes;
	int r;

	*records = 0;
	p->path = path;
	if ((r = feed_stream_open_file(c, path, &oval_limits, &p->in)) == 0 &&
	    (r = run(p, arg, records)) == 0 &&
	    (r = feed_stream_finish(p->in, hex, &bytes)) == 0 && w != NULL)
		r = bundle_writer_input(c, w, path, hex, bytes,
		    p->timestamp[0] != '\0' ? p->timestamp : NULL);
	if (r != 0)
		*records = 0;
	parser_free(p);
	return r;
}

/* ---- helpers for the vendor files ---------------------------------------- */

const char *
oval_ref_find(const struct oval_meta *m, const char *const *sources)
{
	size_t i, j;

	for (i = 0; i < m->nrefs; i++)
		for (j = 0; sources[j] != NULL; j++)
			if (ascii_ieq(m->refs[i].source, sources[j]) &&
			    m->refs[i].ref_id[0] != '\0')
				return m->refs[i].ref_id;
	return NULL;
}

const char *
oval_word_map(const char *word, const char *const (*table)[2])
{
	size_t i;

	if (word == NULL)
		return "unknown";
	for (i = 0; table[i][0] != NULL; i++)
		if (ascii_ieq(word, table[i][0]))
			return table[i][1];
	return "unknown";
}

static const struct oval_vendor *const vendors[] = {
	&oval_vendor_rhel, &oval_vendor_oracle, &oval_vendor_suse, &oval_vendor_ubuntu,
	&oval_vendor_debian, NULL
};

int
feed_oval_parse_buf(struct ctx *c, const char *source, const char *arg,
    const uint8_t *buf, size_t len, struct bundle_writer *w, int64_t *records)
{
	size_t i;

	*records = 0;
	for (i = 0; vendors[i] != NULL; i++)
		if (source != NULL && strcmp(vendors[i]->source, source) == 0)
			return oval_parse_mem(c, vendors[i], arg, buf, len, w, records, NULL);
	return ctx_err(c, E_USAGE, "not an oval source: %s", source ? source : "(null)");
}
