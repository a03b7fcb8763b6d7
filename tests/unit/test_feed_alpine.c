/*
 * test_feed_alpine.c - the Alpine secdb parser on the real files in
 * tests/data/alpine-secdb/ (provenance: tests/data/README.md):
 *   v3.18/main.json, v3.18/community.json  one complete branch (2024-12)
 *   claircore-v3.10-community.json         a small v3.10 community file
 * cross-checked against an independent reading with python's json module;
 * the same data as YAML (written by python's yaml module, when installed);
 * fail-closed cases on small documents in secdb's shape; and matching: the
 * real alpine:3.18.0 installed database against a bundle built from the real
 * v3.18/main.json.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "version/version.h"
#include "feedtest.h"
#include "test.h"

#define MAIN		"alpine-secdb/v3.18/main.json"
#define COMMUNITY	"alpine-secdb/v3.18/community.json"
#define SMALL		"alpine-secdb/claircore-v3.10-community.json"
#define INSTALLED	"apk/alpine-3.18/lib/apk/db/installed"
#define MAIN_SHA256	"646c9abf178d1b3231cfec218d4c9102c0852baa018211348507c1846f481eac"

#define SERIAL	7

/* The given files (tests/data-relative, or absolute) as one "alpine" source. */
static int
build_db(struct ctx *c, const char *dbpath, const char *const *files, size_t n,
    int64_t *total)
{
	return feedtest_build_files(c, dbpath, &feed_alpine, files, n, SERIAL, NULL, total);
}

static int
parse_doc(struct ctx *c, const char *doc, int64_t *records)
{
	ctx_init(c);
	return feed_alpine_parse_buf(c, (const uint8_t *)doc, strlen(doc), NULL, records);
}

/* "ecosystem|name_kind|state|fixed_version|severity|vendor_severity|note". */
#define ROW_COLS "ecosystem || '|' || name_kind || '|' || state || '|' || " \
	"ifnull(fixed_version, 'NULL') || '|' || severity || '|' || " \
	"ifnull(vendor_severity, 'NULL') || '|' || ifnull(note, 'NULL')"
#define ASSERT_ROW(db, pkg, vuln, ns, want) ASSERT_ROW_AS(db, ROW_COLS, pkg, vuln, ns, want)

static const char *const all_files[] = { MAIN, COMMUNITY, SMALL };

DEFINE_TEST(test_feed_alpine_rows)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "a.db", all_files, 3, &n));
	/* 2555 + 4995 + 9: counted independently by test_feed_alpine_cross_check */
	ASSERT_INT_EQ(n, 7559);
	ASSERT((db = feedtest_open("a.db")) != NULL);
	ASSERT_Q(db, "SELECT records FROM source WHERE name = 'alpine'", "7559");
	ASSERT_Q(db, "SELECT namespace || ' ' || state || ' ' || count(*) FROM affected "
	    "GROUP BY namespace, state ORDER BY namespace, state",
	    "alpine:3.10 fixed 9\nalpine:3.18 fixed 7492\nalpine:3.18 not-affected 58");
	/* every namespace is fixes-only: absent never reads as safe */
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace ORDER BY name",
	    "alpine:3.10 fixes-only\nalpine:3.18 fixes-only");
	ASSERT_Q(db, "SELECT DISTINCT ecosystem || ' ' || name_kind || ' ' || severity || ' ' || "
	    "ifnull(vendor_severity, 'NULL') FROM affected", "apk source unknown NULL");

	/* a fixed version */
	ASSERT_ROW(db, "openssl", "CVE-2023-2650", "alpine:3.18",
	    "apk|source|fixed|3.1.1-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "botan", "CVE-2018-20187", "alpine:3.10",
	    "apk|source|fixed|2.9.0-r0|unknown|NULL|NULL");
	/* "0": not affected */
	ASSERT_ROW(db, "busybox", "CVE-2021-42373", "alpine:3.18",
	    "apk|source|not-affected|NULL|unknown|NULL|NULL");
	ASSERT_ROW(db, "openssl", "CVE-2022-1292", "alpine:3.18",
	    "apk|source|not-affected|NULL|unknown|NULL|NULL");
	/* junk text: "CVE-2018-7540 XSA-252" is the CVE with the advisory as note */
	ASSERT_ROW(db, "xen", "CVE-2018-7540", "alpine:3.18",
	    "apk|source|fixed|4.10.0-r2|unknown|NULL|XSA-252");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE vuln_id = 'XSA-252'", "0");
	/* "CVE-2019-17349 CVE-2019-17350 XSA-295": two CVEs, one advisory */
	ASSERT_ROW(db, "xen", "CVE-2019-17349", "alpine:3.18",
	    "apk|source|fixed|4.12.1-r0|unknown|NULL|XSA-295");
	ASSERT_ROW(db, "xen", "CVE-2019-17350", "alpine:3.18",
	    "apk|source|fixed|4.12.1-r0|unknown|NULL|XSA-295");
	/* an advisory id alone is the row's id */
	ASSERT_ROW(db, "xen", "XSA-248", "alpine:3.18",
	    "apk|source|fixed|4.10.0-r1|unknown|NULL|NULL");
	ASSERT_ROW(db, "busybox", "ALPINE-13661", "alpine:3.18",
	    "apk|source|fixed|1.35.0-r7|unknown|NULL|NULL");
	ASSERT_ROW(db, "py3-treq", "GHSA-fhpf-pp6p-55qc", "alpine:3.18",
	    "apk|source|fixed|22.1.0-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "gimp", "ZDI-CAN-22093", "alpine:3.18",
	    "apk|source|fixed|2.10.36-r0|unknown|NULL|NULL");
	/* "CVE-2022-45059 VSV00010": VSV00010 is no id we know, kept as text */
	ASSERT_ROW(db, "varnish", "CVE-2022-45059", "alpine:3.18",
	    "apk|source|fixed|7.2.1-r0|unknown|NULL|VSV00010");
	/* an id under several versions: the highest by apk's order, not by bytes */
	ASSERT_ROW(db, "chromium", "CVE-2022-2163", "alpine:3.18",
	    "apk|source|fixed|103.0.5060.134-r0|unknown|NULL|"
	    "also listed under 103.0.5060.53-r0");
	ASSERT_ROW(db, "intel-ucode", "CVE-2018-12126", "alpine:3.18",
	    "apk|source|fixed|20191112-r0|unknown|NULL|also listed under 20190514a-r0; "
	    "also listed under 20190618-r0");
	/* the same id twice under one version: one row */
	ASSERT_ROW(db, "recutils", "CVE-2021-46022", "alpine:3.18",
	    "apk|source|fixed|1.9-r0|unknown|NULL|NULL");
	/* no (package, namespace, id) twice; no description (secdb has none) */
	ASSERT_Q(db, "SELECT count(*) FROM (SELECT 1 FROM affected GROUP BY namespace, "
	    "package, vuln_id HAVING count(*) > 1)", "0");
	ASSERT_Q(db, "SELECT count(*) FROM vuln", "0");
	sqlite3_close(db);
}

/*
 * An independent reading of the same files with python's json and re: the
 * documented id rules, one row per (namespace, package, id). For an id listed
 * under several fixed versions python prints them all ("?A,B"); the test then
 * checks that the row holds one of them and that apk orders it highest.
 */
static const char cross_py[] =
"import json, re, sys\n"
"CVE = re.compile(r'CVE-[0-9]{4}-[0-9]{4,19}', re.I)\n"
"OTHER = re.compile(r'[A-Z][A-Z0-9]+(-[A-Za-z0-9]+)+')\n"
"rows = {}\n"
"for path in sys.argv[1:]:\n"
"    with open(path) as f:\n"
"        doc = json.load(f)\n"
"    dv = doc['distroversion']\n"
"    ns = 'alpine:' + (dv if dv == 'edge' else dv[1:])\n"
"    for item in doc['packages']:\n"
"        pkg = item['pkg']\n"
"        for ver, entries in (pkg.get('secfixes') or {}).items():\n"
"            for e in entries or []:\n"
"                kinds = []\n"
"                for t in [t for t in re.split(r'[ \\t,;]+', e) if t]:\n"
"                    core = t.lstrip('([{\"\\'').rstrip(')]}\"\\':.')\n"
"                    if CVE.fullmatch(core):\n"
"                        kinds.append(('cve', 'CVE' + core[3:]))\n"
"                    elif (not core.upper().startswith('CVE-') and len(core) <= 64\n"
"                          and OTHER.fullmatch(core) and any(c.isdigit() for c in core)):\n"
"                        kinds.append(('other', core))\n"
"                    else:\n"
"                        kinds.append(('text', t))\n"
"                want = 'cve' if any(k == 'cve' for k, _ in kinds) else 'other'\n"
"                ids = [v for k, v in kinds if k == want]\n"
"                if not ids:\n"
"                    sys.exit('no id in %r' % e)\n"
"                for i in ids:\n"
"                    rows.setdefault((ns, pkg['name'], i), set()).add(\n"
"                        None if ver == '0' else ver)\n"
"for (ns, pkg, i), vs in sorted(rows.items()):\n"
"    fixed = sorted(v for v in vs if v is not None)\n"
"    if not fixed:\n"
"        print('%s|%s|%s|not-affected|' % (ns, pkg, i))\n"
"    elif len(fixed) == 1:\n"
"        print('%s|%s|%s|fixed|%s' % (ns, pkg, i, fixed[0]))\n"
"    else:\n"
"        print('%s|%s|%s|fixed|?%s' % (ns, pkg, i, ','.join(fixed)))\n";

/* Splits s at '\n' in place into an array (caller frees the array). */
static char **
split_lines(char *s, size_t *n)
{
	char **v = NULL, *p, *save = NULL;
	size_t cap = 0;

	*n = 0;
	for (p = strtok_r(s, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = p;
	}
	return v;
}

DEFINE_TEST(test_feed_alpine_cross_check)
{
	struct ctx c;
	struct sb want = SB_INIT, args = SB_INIT;
	char *got, **gl = NULL, **wl = NULL;
	size_t ng, nw, i, multi = 0;
	sqlite3 *db;
	int64_t n;
	int status;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "a.db", all_files, 3, &n));
	sb_addf(&args, "'%s' '%s' '%s'", test_data(MAIN), test_data(COMMUNITY),
	    test_data(SMALL));
	status = feedtest_python(cross_py, args.s, &want);
	sb_free(&args);
	if (feedtest_no_python(status)) {
		fprintf(stderr, "test_feed_alpine_cross_check: python3 not found, skipped\n");
		sb_free(&want);
		return;
	}
	ASSERT_INT_EQ(status, 0);
	ASSERT((db = feedtest_open("a.db")) != NULL);
	got = feedtest_q(db, "SELECT namespace || '|' || package || '|' || vuln_id || '|' || state "
	    "|| '|' || ifnull(fixed_version, '') FROM affected "
	    "ORDER BY namespace, package, vuln_id");
	sqlite3_close(db);
	gl = split_lines(got, &ng);
	wl = split_lines(want.s, &nw);
	ASSERT_INT_EQ(nw, 7559);
	ASSERT_INT_EQ(ng, nw);
	ASSERT_INT_EQ(n, (int64_t)nw);
	for (i = 0; i < ng; i++) {
		char *q = strchr(wl[i], '?'), *v, *save = NULL;
		size_t plen;
		int cmp;

		if (q == NULL) {
			if (strcmp(gl[i], wl[i]) != 0)
				break;
			continue;
		}
		/* "ns|pkg|id|fixed|?A,B,...": same prefix, version one of them, highest */
		multi++;
		plen = (size_t)(q - wl[i]);
		if (strncmp(gl[i], wl[i], plen) != 0)
			break;
		for (v = strtok_r(q + 1, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
			if (version_cmp(VERSION_APK, gl[i] + plen, v, &cmp) != 0 || cmp < 0)
				break;
			if (cmp == 0)
				*q = '=';	/* found among them */
		}
		if (v != NULL || *q != '=')
			break;
	}
	if (i < ng)
		test_fail(t, __FILE__, __LINE__, "row %zu differs: \"%s\" vs python \"%s\"", i,
		    gl[i], wl[i]);
	/* 51 ids are listed under several versions in these files */
	if (i == ng && multi != 51)
		test_fail(t, __FILE__, __LINE__, "%zu ids under several versions, not 51", multi);
	free(gl);
	free(wl);
	free(got);
	sb_free(&want);
}

DEFINE_TEST(test_feed_alpine_inputs)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;
	char *want;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "a.db", all_files, 1, &n));
	ASSERT_INT_EQ(n, 2555);
	ASSERT((db = feedtest_open("a.db")) != NULL);
	ASSERT_Q(db, "SELECT name || ' ' || parser_version || ' ' || records FROM source",
	    "alpine 1 2555");
	want = sqlite3_mprintf("%s " MAIN_SHA256 " 85833", test_data(MAIN));
	ASSERT_Q(db, "SELECT path || ' ' || sha256 || ' ' || bytes FROM source_input", want);
	sqlite3_free(want);
	sqlite3_close(db);
	/* the table lists the source */
	ASSERT(feed_find("alpine") == &feed_alpine);
	/* the branch comes from the file, never from an argument */
	ctx_init(&c);
	ASSERT_ERR(&c, feed_alpine.parse(&c, test_data(MAIN), "v3.18", NULL, &n), E_USAGE,
	    "takes no @argument");
	ASSERT_ERR(&c, feed_alpine.parse(&c, "/nonexistent/main.json", NULL, NULL, &n), E_IO,
	    "/nonexistent/main.json");
}

/*
 * Python writes the real v3.18/main.json again: as YAML (the older secdb
 * format's shape: block style, "0" as a key) and as JSON with "packages" first
 * (the rows wait for distroversion); both give the same rows as the original.
 */
static const char rewrite_py[] =
"import json, sys\n"
"try:\n"
"    import yaml\n"
"except ImportError:\n"
"    sys.exit(77)\n"
"with open(sys.argv[1]) as f:\n"
"    doc = json.load(f)\n"
"first = {'packages': doc['packages']}\n"
"first.update((k, v) for k, v in doc.items() if k != 'packages')\n"
"with open('first.json', 'w') as f:\n"
"    json.dump(first, f)\n"
"with open('main.yaml', 'w') as f:\n"
"    f.write('---\\n')\n"
"    yaml.safe_dump(doc, f, default_flow_style=False, sort_keys=False)\n"
"with open('first.yaml', 'w') as f:\n"
"    yaml.safe_dump(first, f, default_flow_style=False, sort_keys=False)\n";

static char *
dump_rows(const char *dbpath)
{
	sqlite3 *db = feedtest_open(dbpath);
	char *s;

	if (db == NULL)
		return strdup("cannot open");
	s = feedtest_q(db, "SELECT namespace || '|' || package || '|' || vuln_id || '|' || state "
	    "|| '|' || ifnull(fixed_version, '') || '|' || ifnull(note, '') FROM affected "
	    "ORDER BY namespace, package, vuln_id");
	sqlite3_close(db);
	return s;
}

DEFINE_TEST(test_feed_alpine_yaml_and_order)
{
	static const char *const variants[] = { "first.json", "main.yaml", "first.yaml" };
	struct ctx c;
	struct sb out = SB_INIT, args = SB_INIT, path = SB_INIT;
	char *ref, *got, *cwd, db[32];
	const char *one[1];
	size_t i;
	int64_t n;
	int status;

	ctx_init(&c);
	sb_addf(&args, "'%s'", test_data(MAIN));
	status = feedtest_python(rewrite_py, args.s, &out);
	sb_free(&args);
	sb_free(&out);
	if (feedtest_no_python(status)) {
		fprintf(stderr, "test_feed_alpine_yaml_and_order: python3 or its yaml module "
		    "not found, skipped\n");
		return;
	}
	ASSERT_INT_EQ(status, 0);
	ASSERT_OK(&c, build_db(&c, "ref.db", all_files, 1, &n));
	ASSERT_INT_EQ(n, 2555);
	ref = dump_rows("ref.db");
	ASSERT((cwd = getcwd(NULL, 0)) != NULL);
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		sb_reset(&path);
		sb_addf(&path, "%s/%s", cwd, variants[i]);
		snprintf(db, sizeof(db), "v%zu.db", i);
		one[0] = path.s;
		ctx_init(&c);
		if (build_db(&c, db, one, 1, &n) != 0) {
			test_fail(t, __FILE__, __LINE__, "%s: %s", variants[i], c.err);
			break;
		}
		got = dump_rows(db);
		if (n != 2555 || strcmp(got, ref) != 0)
			test_fail(t, __FILE__, __LINE__, "%s: %lld rows, differ from the JSON's",
			    variants[i], (long long)n);
		free(got);
	}
	free(cwd);
	free(ref);
	sb_free(&path);
}

/* The older YAML shape, by hand: what the YAML reader accepts and refuses. */
DEFINE_TEST(test_feed_alpine_yaml_cases)
{
	static const char ok_doc[] =
	    "---\n"
	    "distroversion: v3.7\n"
	    "reponame: main\n"
	    "archs:\n"
	    "  - x86_64\n"
	    "urlprefix: http://dl-cdn.alpinelinux.org/alpine\n"
	    "apkurl: \"{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-"
	    "{{pkg.ver}}.apk\"\n"
	    "packages:\n"
	    "  - pkg:\n"
	    "      name: openssl\n"
	    "      secfixes:\n"
	    "        1.0.2n-r0:\n"
	    "          - CVE-2017-3737\n"
	    "          - CVE-2017-3738\n"
	    "        0:\n"
	    "          - CVE-2016-0001 (never shipped)\n"
	    "        1.0.2o-r0:\n"
	    "  - pkg:\n"
	    "      name: musl\n"
	    "      secfixes:\n";
	static const struct {
		const char *doc;
		int code;
		const char *msg;
	} bad[] = {
		{ "---\ndistroversion: v3.7\nreponame: main\npackages:\n  - pkg: &a\n"
		  "      name: x\n  - pkg: *a\n", E_FORMAT, "yaml alias" },
		{ "---\ndistroversion: v3.7\nreponame: main\npackages: []\n---\n"
		  "distroversion: v3.8\nreponame: main\npackages: []\n", E_FORMAT,
		  "more than one document" },
		{ "---\ndistroversion: v3.7\nreponame: main\npackages:\n  - pkg:\n"
		  "      name: [x]\n", E_FORMAT, "line 6: packages[0]: name is not a string" },
		{ "---\ndistroversion: v3.7\nreponame: main\npackages:\n  - pkg:\n"
		  "      name: x\n      secfixes:\n        1.0-r0:\n          - see upstream\n",
		  E_FORMAT, "line 9: package x: secfixes 1.0-r0: entry 'see upstream' names no "
		  "vulnerability id" },
		{ "---\ndistroversion: v3.7\nreponame: main\npackages:\n  - pkg:\n"
		  "      name: x\n   bad: indent\n", E_FORMAT, "yaml:" },
		{ "--- just a string\n", E_FORMAT, "top level is not an object" },
		{ "# nothing\n", E_FORMAT, "no document" },
		{ "---\n? [a]\n: b\n", E_FORMAT, "a key that is not a scalar" },
	};
	struct ctx c;
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	sqlite3 *db;
	int64_t n;
	size_t i;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "y.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "alpine", "t", "1"));
	ASSERT_OK(&c, feed_alpine_parse_buf(&c, (const uint8_t *)ok_doc, strlen(ok_doc), w,
	    &n));
	ASSERT_INT_EQ(n, 3);
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, n));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, feedtest_meta(&m, SERIAL)));
	bundle_writer_free(w);
	ASSERT((db = feedtest_open("y.db")) != NULL);
	ASSERT_ROW(db, "openssl", "CVE-2017-3738", "alpine:3.7",
	    "apk|source|fixed|1.0.2n-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "openssl", "CVE-2016-0001", "alpine:3.7",
	    "apk|source|not-affected|NULL|unknown|NULL|(never shipped)");
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "alpine:3.7 fixes-only");
	sqlite3_close(db);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse_doc(&c, bad[i].doc, &n);
		if (r != bad[i].code || strstr(c.err, bad[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %d \"%s\", want %d \"%s\"", i,
			    r, c.err, bad[i].code, bad[i].msg);
			return;
		}
	}
}

/* Ids with junk text, by hand (the forms the brief names and the real files use). */
DEFINE_TEST(test_feed_alpine_ids)
{
	static const char doc[] =
	    "{\"distroversion\": \"v3.19\", \"reponame\": \"community\", \"packages\": ["
	    "{\"pkg\": {\"name\": \"p\", \"secfixes\": {"
	    "\"1.0-r0\": [\"CVE-2019-1234 (some text)\", \"cve-2019-0001, CVE-2019-0002\","
	    " \"(CVE-2019-0003)\", \"XSA-123\", \"RUSTSEC-2020-0059 GHSA-572g-rvwr-6c7f\","
	    " \"CVE-2019-0004: see XSA-9\", \"CVE-2019-0005 CVE-2019-0005\"],"
	    "\"1.1-r0\": [\"CVE-2019-0001\"],"
	    "\"0\": [\"CVE-2019-0002\", \"CVE-2019-0006\"]}}}]}";
	struct ctx c;
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	sqlite3 *db;
	int64_t n;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "i.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "alpine", "t", "1"));
	ASSERT_OK(&c, feed_alpine_parse_buf(&c, (const uint8_t *)doc, strlen(doc), w, &n));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, n));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, feedtest_meta(&m, SERIAL)));
	bundle_writer_free(w);
	ASSERT_INT_EQ(n, 10);
	ASSERT((db = feedtest_open("i.db")) != NULL);
	ASSERT_Q(db, "SELECT group_concat(vuln_id, ' ') FROM (SELECT vuln_id FROM affected "
	    "ORDER BY id)", "CVE-2019-0001 CVE-2019-0002 CVE-2019-0003 CVE-2019-0004 "
	    "CVE-2019-0005 CVE-2019-0006 CVE-2019-1234 GHSA-572g-rvwr-6c7f RUSTSEC-2020-0059 "
	    "XSA-123");
	ASSERT_ROW(db, "p", "CVE-2019-1234", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|(some text)");
	/* the prefix upper-cased; 1.1-r0 beats 1.0-r0 */
	ASSERT_ROW(db, "p", "CVE-2019-0001", "alpine:3.19",
	    "apk|source|fixed|1.1-r0|unknown|NULL|also listed under 1.0-r0");
	/* a fixed version beats "0" */
	ASSERT_ROW(db, "p", "CVE-2019-0002", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|also listed under 0");
	ASSERT_ROW(db, "p", "CVE-2019-0003", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "p", "CVE-2019-0004", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|see XSA-9");
	ASSERT_ROW(db, "p", "CVE-2019-0005", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "p", "CVE-2019-0006", "alpine:3.19",
	    "apk|source|not-affected|NULL|unknown|NULL|NULL");
	/* without a CVE each advisory id is a row */
	ASSERT_ROW(db, "p", "RUSTSEC-2020-0059", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|NULL");
	ASSERT_ROW(db, "p", "GHSA-572g-rvwr-6c7f", "alpine:3.19",
	    "apk|source|fixed|1.0-r0|unknown|NULL|NULL");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_alpine_fail_closed)
{
	static const struct {
		const char *doc;
		int code;
		const char *msg;
	} bad[] = {
		{ "{\"reponame\": \"main\", \"packages\": []}", E_FORMAT, "no distroversion" },
		{ "{\"distroversion\": \"v3.18\", \"packages\": []}", E_FORMAT, "no reponame" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\"}", E_FORMAT,
		  "no packages" },
		{ "{\"distroversion\": \"3.18\", \"reponame\": \"main\", \"packages\": []}",
		  E_FORMAT, "distroversion '3.18' is not vMAJOR.MINOR or edge" },
		{ "{\"distroversion\": \"v3.18.1\", \"reponame\": \"main\", \"packages\": []}",
		  E_FORMAT, "not vMAJOR.MINOR" },
		{ "{\"distroversion\": 3.18, \"reponame\": \"main\", \"packages\": []}",
		  E_FORMAT, "distroversion is not a string" },
		{ "{\"distroversion\": \"v3.18\", \"distroversion\": \"v3.19\"}", E_FORMAT,
		  "duplicate distroversion" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": {}}",
		  E_FORMAT, "packages is not an array" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": [1]}",
		  E_FORMAT, "packages[0] is not an object" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": [{}]}",
		  E_FORMAT, "packages[0]: no pkg" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"secfixes\": {}}}]}", E_FORMAT, "packages[0]: pkg without a name" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"a b\"}}]}", E_FORMAT, "bad package name" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": []}}]}", E_FORMAT,
		  "package x: secfixes is not an object" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": \"CVE-2020-0001\"}}}]}",
		  E_FORMAT, "package x: secfixes 1.0-r0: not an array" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [7]}}}]}", E_FORMAT,
		  "entry is not a string" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [\"\"]}}}]}", E_FORMAT,
		  "entry '' names no vulnerability id" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [\"CVE-2020-1\"]}}}]}",
		  E_FORMAT, "entry 'CVE-2020-1' names no vulnerability id" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [\"a\\u0001\"]}}}]}",
		  E_FORMAT, "entry has a control byte" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1 .0\": []}}}]}", E_FORMAT,
		  "bad secfixes version" },
		/* two fixed versions apk cannot order */
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
		  "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [\"CVE-2020-0001\"], "
		  "\"1.0-foo\": [\"CVE-2020-0001\"]}}}]}", E_FORMAT,
		  "package x: CVE-2020-0001 is listed as fixed in 1.0-r0 and in 1.0-foo, which "
		  "cannot be ordered" },
		{ "[]", E_FORMAT, "top level is not an object" },
		{ "", E_FORMAT, "empty input" },
		{ "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": []} {}",
		  E_FORMAT, "trailing garbage" },
	};
	struct ctx c;
	struct bundle_writer *w = NULL;
	struct sb doc = SB_INIT;
	uint8_t *buf;
	size_t len, i, end;
	int64_t n;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse_doc(&c, bad[i].doc, &n);
		if (r != bad[i].code || strstr(c.err, bad[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %d \"%s\", want %d \"%s\"", i,
			    r, c.err, bad[i].code, bad[i].msg);
			return;
		}
	}
	/* every prefix of a real file is unfinished */
	buf = test_slurp(test_data(SMALL), &len);
	end = len;
	while (end > 0 && buf[end - 1] != '}')
		end--;
	ASSERT(end > 1000);
	for (i = 0; i < end; i++) {
		ctx_init(&c);
		r = feed_alpine_parse_buf(&c, buf, i, NULL, &n);
		if (r != E_FORMAT) {
			free(buf);
			test_fail(t, __FILE__, __LINE__, "prefix %zu: %d (%s)", i, r, c.err);
			return;
		}
	}
	ctx_init(&c);
	ASSERT_OK(&c, feed_alpine_parse_buf(&c, buf, end, NULL, &n));
	ASSERT_INT_EQ(n, 9);
	free(buf);
	/* a file without packages parses, but a source with no records is an error */
	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "e.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "alpine", "t", "1"));
	{
		static const char empty[] = "{\"distroversion\": \"edge\", \"reponame\": "
		    "\"testing\", \"packages\": [{\"pkg\": {\"name\": \"x\", "
		    "\"secfixes\": null}}]}";

		ASSERT_OK(&c, feed_alpine_parse_buf(&c, (const uint8_t *)empty,
		    sizeof(empty) - 1, w, &n));
	}
	ASSERT_INT_EQ(n, 0);
	r = bundle_writer_source_end(&c, w, n);
	bundle_writer_free(w);
	ASSERT_ERR(&c, r, E_FORMAT, "yielded no records");
	ASSERT(access("e.db", F_OK) != 0);

	/* limits: nesting, a raw token, an entry, ids in one package */
	sb_adds(&doc, "{\"x\": ");
	for (i = 0; i < 100; i++)
		sb_addc(&doc, '[');
	r = parse_doc(&c, doc.s, &n);
	ASSERT_ERR(&c, r, E_LIMIT, "ALPINE_DEPTH_MAX");
	sb_reset(&doc);
	sb_adds(&doc, "{\"urlprefix\": \"");
	for (i = 0; i < 70000; i++)
		sb_addc(&doc, 'x');
	sb_adds(&doc, "\"}");
	r = parse_doc(&c, doc.s, &n);
	ASSERT_ERR(&c, r, E_LIMIT, "ALPINE_TOKEN_MAX");
	sb_reset(&doc);
	sb_adds(&doc, "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
	    "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [\"CVE-2020-0001 ");
	for (i = 0; i < 1100; i++)
		sb_addc(&doc, 'x');
	sb_adds(&doc, "\"]}}}]}");
	r = parse_doc(&c, doc.s, &n);
	ASSERT_ERR(&c, r, E_LIMIT, "package x: secfixes 1.0-r0: entry longer than 1024 bytes "
	    "(ALPINE_ENTRY_MAX)");
	sb_reset(&doc);
	sb_adds(&doc, "{\"distroversion\": \"v3.18\", \"reponame\": \"main\", \"packages\": "
	    "[{\"pkg\": {\"name\": \"x\", \"secfixes\": {\"1.0-r0\": [");
	for (i = 0; i < 100001; i++)
		sb_addf(&doc, "%s\"CVE-2020-%zu\"", i ? "," : "", 10000 + i);
	sb_adds(&doc, "]}}}]}");
	r = parse_doc(&c, doc.s, &n);
	ASSERT_ERR(&c, r, E_LIMIT, "ALPINE_IDS_MAX");
	sb_free(&doc);
}

/* A changed byte at every offset of the small real file: no crash, no other code. */
DEFINE_TEST(test_feed_alpine_flip)
{
	struct ctx c;
	uint8_t *buf;
	size_t len, ok, bad, at;
	int r;

	buf = test_slurp(test_data(SMALL), &len);
	r = feedtest_flip(&c, feed_alpine_parse_buf, buf, len, &ok, &bad, &at);
	free(buf);
	if (r != 0) {
		test_fail(t, __FILE__, __LINE__, "offset %zu: %s", at, c.err);
		return;
	}
	ASSERT(ok > 0);
	ASSERT(bad > 0);
}

/*
 * The real alpine:3.18.0 installed database against the real v3.18 main.json.
 * Expected, read from the two files: busybox 1.36.0-r9 (binaries busybox,
 * busybox-binsh, ssl_client) is below 1.36.1-r1 (CVE-2022-48174), 1.36.1-r6
 * (CVE-2023-42366) and 1.36.1-r7 (CVE-2023-42363/42364/42365): 5 x 3; openssl
 * 3.1.0-r4 (libcrypto3, libssl3) is below the 14 versions 3.1.1-r0 ... 3.1.7-r1
 * naming 15 CVEs: 15 x 2; its CVE-2023-1255 is fixed in 3.1.0-r4 itself and its
 * "0" CVEs never applied. zlib 1.2.13-r1, musl 1.2.4-r0 (> 1.2.2_pre2-r0) and
 * apk-tools 2.14.0-r0 are past every fix. 45 findings, all "fixed".
 */
DEFINE_TEST(test_feed_alpine_match)
{
	struct osinfo os = { .id = (char *)"alpine", .version_id = (char *)"3.18.0" };
	struct osinfo edge = { .id = (char *)"alpine",
		.version_id = (char *)"3.19_alpha20230901" };
	struct osinfo other = { .id = (char *)"alpine", .version_id = (char *)"3.17.2" };
	struct osinfo nover = { .id = (char *)"alpine" };
	struct osinfo relonly = { .id = (char *)"alpine", .release = (char *)"3.18.4" };
	const char *one[1] = { MAIN };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	uint8_t *buf;
	size_t len, i;
	int64_t n;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_db(&c, "m.db", one, 1, &n));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	buf = test_slurp(test_data(INSTALLED), &len);
	ASSERT_OK(&c, pkgdb_apk_parse(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, 15);

	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "alpine:3.18");
	ASSERT_STR_EQ(m.coverage, "fixes-only");
	for (i = 0; i < m.nnot_assessed; i++)
		fprintf(stderr, "not assessed: %s %s: %s\n", m.not_assessed[i].name,
		    m.not_assessed[i].version ? m.not_assessed[i].version : "",
		    m.not_assessed[i].reason);
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT_INT_EQ(m.nfindings, 45);
	for (i = 0; i < m.nfindings; i++) {
		ASSERT_STR_EQ(m.findings[i].status, "fixed");
		ASSERT_STR_EQ(m.findings[i].source, "alpine");
		ASSERT_STR_EQ(m.findings[i].ecosystem, "apk");
	}
	ASSERT((f = feedtest_finding(&m, "CVE-2022-48174", "busybox-binsh")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "1.36.1-r1");
	ASSERT_STR_EQ(f->source_package, "busybox");
	ASSERT_STR_EQ(f->source_version, "1.36.0-r9");
	ASSERT(feedtest_finding(&m, "CVE-2023-42365", "ssl_client") != NULL);
	ASSERT((f = feedtest_finding(&m, "CVE-2023-2650", "libssl3")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "3.1.1-r0");
	ASSERT_STR_EQ(f->installed_version, "3.1.0-r4");
	ASSERT_STR_EQ(f->namespace, "alpine:3.18");
	ASSERT((f = feedtest_finding(&m, "CVE-2024-9143", "libcrypto3")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "3.1.7-r1");
	/* fixed in exactly the installed version; "0" entries; fixes long past */
	ASSERT(feedtest_finding(&m, "CVE-2023-1255", "libssl3") == NULL);
	ASSERT(feedtest_finding(&m, "CVE-2022-1292", "libssl3") == NULL);
	ASSERT(feedtest_finding(&m, "CVE-2023-45853", "zlib") == NULL);
	ASSERT(feedtest_finding(&m, "CVE-2020-28928", "musl") == NULL);
	ASSERT(feedtest_finding(&m, "CVE-2022-30065", "busybox") == NULL);
	match_result_free(&m);

	/* edge, a branch the bundle lacks, no version: never "clean" */
	ASSERT_OK(&c, match_run(&c, &b, &edge, &l, &m));
	ASSERT(m.namespace == NULL);
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 16);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
	ASSERT(strstr(m.not_assessed[0].reason, "Alpine edge") != NULL);
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &other, &l, &m));
	ASSERT_STR_EQ(m.namespace, "alpine:3.17");
	ASSERT(m.coverage == NULL);
	ASSERT_INT_EQ(m.nnot_assessed, 16);
	ASSERT(strstr(m.not_assessed[0].reason, "no feed for alpine:3.17") != NULL);
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &nover, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 16);
	ASSERT(strstr(m.not_assessed[0].reason, "Alpine release not recognised") != NULL);
	match_result_free(&m);
	/* only etc/alpine-release's release: the same branch */
	ASSERT_OK(&c, match_run(&c, &b, &relonly, &l, &m));
	ASSERT_STR_EQ(m.namespace, "alpine:3.18");
	ASSERT_INT_EQ(m.nfindings, 45);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* Alpine's os-release, and etc/alpine-release where os-release is absent or
 * lacks VERSION_ID. */
DEFINE_TEST(test_feed_alpine_image_os)
{
	static const char osrel[] =
	    "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.0\n"
	    "PRETTY_NAME=\"Alpine Linux v3.18\"\nHOME_URL=\"https://alpinelinux.org/\"\n"
	    "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n";
	static const char osrel_nover[] = "NAME=\"Alpine Linux\"\nID=alpine\n";
	struct image img;
	struct image_file files[2];
	struct osinfo os;
	struct ctx c;

	ctx_init(&c);
	memset(&img, 0, sizeof(img));
	memset(files, 0, sizeof(files));
	/* files[] sorted by directory, then name, as image_open leaves them */
	files[0].path = (char *)"etc/alpine-release";
	files[0].data = (uint8_t *)"3.18.4\n";
	files[0].len = 7;
	files[1].path = (char *)"etc/os-release";
	files[1].data = (uint8_t *)osrel;
	files[1].len = strlen(osrel);
	img.files = files;
	img.nfiles = 2;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT_STR_EQ(os.id, "alpine");
	ASSERT_STR_EQ(os.version_id, "3.18.0");	/* os-release first */
	ASSERT_STR_EQ(os.release, "3.18.4");
	osinfo_free(&os);
	files[1].data = (uint8_t *)osrel_nover;
	files[1].len = strlen(osrel_nover);
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT_STR_EQ(os.version_id, "3.18.4");
	osinfo_free(&os);
	img.nfiles = 1;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT_STR_EQ(os.id, "alpine");
	ASSERT_STR_EQ(os.version_id, "3.18.4");
	osinfo_free(&os);
	/* an edge release file is kept as written; junk gives no version */
	files[0].data = (uint8_t *)"3.19_alpha20230901\n";
	files[0].len = 19;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT_STR_EQ(os.version_id, "3.19_alpha20230901");
	osinfo_free(&os);
	files[0].data = (uint8_t *)"3.18 \x01\n";
	files[0].len = 7;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT_STR_EQ(os.id, "alpine");
	ASSERT(os.version_id == NULL);
	osinfo_free(&os);
}
