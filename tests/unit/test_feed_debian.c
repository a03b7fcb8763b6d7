/*
 * test_feed_debian.c - the Debian tracker parser, the bundle writer and the
 * bundle queries, on the real tracker samples in tests/data/debian-tracker/:
 *   vunnel-debian.json  (anchore/vunnel fixture, 6 packages, jessie..sid)
 *   osv-dev-debian_security_tracker_mock.json (google/osv.dev, apparmor)
 * (provenance: /work/shared/corpus/PROVENANCE.md; sha256 below match it).
 * Neither sample uses nodsa/nodsa_reason or "undetermined", so those mappings
 * are tested on small documents written here in the tracker's shape.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feedtest.h"
#include "test.h"

#define VUNNEL	"debian-tracker/vunnel-debian.json"
#define OSV	"debian-tracker/osv-dev-debian_security_tracker_mock.json"
#define VUNNEL_SHA256	"3ae30b511a0e0738be7a139496b4cb8a7765a3bc80db7ee9a6dcb98d2c1354fe"
#define OSV_SHA256	"3903f44d356bd80e16462fad2c2e889a13577cdbc4820ddde3c0d663cc6b393d"

#define SERIAL	42

/* Both samples as one "debian" source (two inputs) into dbpath. */
static int
build_tracker_db(struct ctx *c, const char *dbpath, int64_t *n1, int64_t *n2)
{
	static const char *const files[] = { VUNNEL, OSV };
	int64_t counts[2] = { 0, 0 };
	int r;

	r = feedtest_build_files(c, dbpath, &feed_debian, files, 2, SERIAL, counts, NULL);
	*n1 = counts[0];
	*n2 = counts[1];
	return r;
}

/* One JSON document as source "debian" into dbpath (finished when it parses). */
static int
build_doc_db(struct ctx *c, const char *dbpath, const char *doc, int64_t *records)
{
	return feedtest_build_doc(c, dbpath, "debian", feed_debian_parse_buf, doc, SERIAL,
	    records);
}

static int
parse_doc(struct ctx *c, const char *doc, size_t len, int64_t *records)
{
	ctx_init(c);
	return feed_debian_parse_buf(c, (const uint8_t *)doc, len, NULL, records);
}

/* The affected row(s) for package/vuln/namespace as
 * "ecosystem|name_kind|state|fixed_version|severity|vendor_severity|vendor_status|note". */
#define ROW_COLS "ecosystem || '|' || name_kind || '|' || state || '|' || " \
	"ifnull(fixed_version, 'NULL') || '|' || severity || '|' || " \
	"ifnull(vendor_severity, 'NULL') || '|' || ifnull(vendor_status, 'NULL') || '|' || " \
	"ifnull(note, 'NULL')"
#define ASSERT_ROW(db, pkg, vuln, ns, want) ASSERT_ROW_AS(db, ROW_COLS, pkg, vuln, ns, want)

DEFINE_TEST(test_feed_debian_rows)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n1, n2;

	ctx_init(&c);
	ASSERT_OK(&c, build_tracker_db(&c, "t.db", &n1, &n2));
	/*
	 * Counted by hand from the files (one row per package x vuln x release):
	 * vunnel: prototypejs CVE-2008-7220 4 fixed, CVE-2007-2383 4 "0" ->
	 * not-affected; txt2man 4 fixed; backupninja 4 fixed; chromium
	 * CVE-2022-0456 3 fixed + buster, stretch open; sope 4 fixed;
	 * chromium-browser "releases": [] none. 19 fixed, 4 not-affected,
	 * 2 unfixed = 25. osv: apparmor CVE-2014-1424 5 not-affected,
	 * CVE-2016-1585 3 open + 2 fixed, CVE-2017-6507 5 fixed: 15.
	 */
	ASSERT_INT_EQ(n1, 25);
	ASSERT_INT_EQ(n2, 15);
	ASSERT((db = feedtest_open("t.db")) != NULL);
	ASSERT_Q(db, "SELECT state || ' ' || count(*) FROM affected GROUP BY state ORDER BY state",
	    "fixed 26\nnot-affected 9\nunfixed 5");
	ASSERT_Q(db, "SELECT records FROM source WHERE name = 'debian'", "40");

	/* the rows the brief names */
	ASSERT_ROW(db, "apparmor", "CVE-2016-1585", "debian:12",
	    "deb|source|unfixed|NULL|negligible|unimportant|open|NULL");
	ASSERT_ROW(db, "sope", "CVE-2025-53603", "debian:12",
	    "deb|source|fixed|5.8.0-1+deb12u1|unknown|not yet assigned|resolved|NULL");
	ASSERT_ROW(db, "chromium", "CVE-2022-0456", "debian:10",
	    "deb|source|unfixed|NULL|unknown|end-of-life|open|end-of-life");
	ASSERT_ROW(db, "chromium", "CVE-2022-0456", "debian:9",
	    "deb|source|unfixed|NULL|unknown|end-of-life|open|end-of-life");
	ASSERT_ROW(db, "chromium", "CVE-2022-0456", "debian:11",
	    "deb|source|fixed|98.0.4758.80-1~deb11u1|unknown|not yet assigned|resolved|NULL");
	ASSERT_Q(db, "SELECT DISTINCT state || ' ' || ifnull(fixed_version, 'NULL') FROM affected "
	    "WHERE package = 'prototypejs' AND vuln_id = 'CVE-2007-2383'", "not-affected NULL");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE package = 'prototypejs' AND "
	    "vuln_id = 'CVE-2007-2383'", "4");
	/* severities: stars stripped, unimportant -> negligible */
	ASSERT_ROW(db, "prototypejs", "CVE-2008-7220", "debian:10",
	    "deb|source|fixed|1.6.0.2-1|high|high**|resolved|NULL");
	ASSERT_ROW(db, "txt2man", "CVE-2013-1444", "debian:8",
	    "deb|source|fixed|1.5.5-4.1|low|low**|resolved|NULL");
	ASSERT_ROW(db, "backupninja", "CVE-2005-3111", "debian:sid",
	    "deb|source|fixed|0.8-2|medium|medium|resolved|NULL");
	ASSERT_ROW(db, "apparmor", "CVE-2014-1424", "debian:13",
	    "deb|source|not-affected|NULL|negligible|unimportant|resolved|NULL");
	ASSERT_ROW(db, "apparmor", "CVE-2016-1585", "debian:sid",
	    "deb|source|fixed|3.0.12-1|negligible|unimportant|resolved|NULL");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE package = 'chromium-browser'", "0");

	/* namespaces: every codename once, though both inputs name bookworm etc. */
	ASSERT_Q(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM namespace ORDER BY name)",
	    "debian:10 debian:11 debian:12 debian:13 debian:8 debian:9 debian:sid");
	ASSERT_Q(db, "SELECT count(*) FROM namespace", "7");

	/* descriptions: one per vuln that has one (chromium's has none) */
	ASSERT_Q(db, "SELECT count(*) FROM vuln", "8");
	ASSERT_Q(db, "SELECT description FROM vuln WHERE vuln_id = 'CVE-2016-1585'",
	    "In all versions of AppArmor mount rules are accidentally widened when compiled.");
	ASSERT_Q(db, "SELECT count(*) FROM vuln WHERE vuln_id = 'CVE-2022-0456'", "0");
	ASSERT_Q(db, "SELECT substr(description, 1, 40) FROM vuln WHERE vuln_id = 'CVE-2007-2383'",
	    "The Prototype (prototypejs) framework be");

	/* rows keep input order */
	ASSERT_Q(db, "SELECT package || ' ' || vuln_id || ' ' || namespace FROM affected "
	    "WHERE id IN (1, 25, 26, 40) ORDER BY id",
	    "prototypejs CVE-2008-7220 debian:9\nsope CVE-2025-53603 debian:13\n"
	    "apparmor CVE-2014-1424 debian:12\napparmor CVE-2017-6507 debian:13");
	sqlite3_close(db);
}

/* An independent reading of the same files with python's json module. */
static const char cross_py[] =
"import json, sys\n"
"VERSIONS = {'jessie': '8', 'stretch': '9', 'buster': '10', 'bullseye': '11',\n"
"            'bookworm': '12', 'trixie': '13', 'sid': 'sid'}\n"
"rows = []\n"
"for path in sys.argv[1:]:\n"
"    with open(path) as f:\n"
"        doc = json.load(f)\n"
"    for pkg, vulns in doc.items():\n"
"        for vid, v in vulns.items():\n"
"            for code, r in (v.get('releases') or {}).items():\n"
"                st, fv = r['status'], r.get('fixed_version') or ''\n"
"                if st == 'resolved':\n"
"                    row = ('not-affected', '') if fv == '0' else ('fixed', fv)\n"
"                elif st == 'open':\n"
"                    ign = r.get('nodsa_reason') == 'ignored'\n"
"                    row = ('wont-fix' if ign else 'unfixed', '')\n"
"                elif st == 'undetermined':\n"
"                    row = ('unknown', '')\n"
"                else:\n"
"                    sys.exit('unknown status')\n"
"                rows.append((pkg, vid, 'debian:' + VERSIONS[code]) + row)\n"
"for r in sorted(rows):\n"
"    print('|'.join(r))\n";

DEFINE_TEST(test_feed_debian_cross_check)
{
	struct ctx c;
	struct sb want = SB_INIT, args = SB_INIT;
	char *got;
	sqlite3 *db;
	int64_t n1, n2;
	int status;

	ctx_init(&c);
	ASSERT_OK(&c, build_tracker_db(&c, "t.db", &n1, &n2));
	sb_addf(&args, "'%s' '%s'", test_data(VUNNEL), test_data(OSV));
	status = feedtest_python(cross_py, args.s, &want);
	sb_free(&args);
	if (feedtest_no_python(status)) {
		/* no python3 here: test_feed_debian_rows' hand counts still hold */
		fprintf(stderr, "test_feed_debian_cross_check: python3 not found, skipped\n");
		sb_free(&want);
		return;
	}
	ASSERT_INT_EQ(status, 0);
	ASSERT(want.len > 0);
	if (want.s[want.len - 1] == '\n')
		want.s[--want.len] = '\0';
	ASSERT((db = feedtest_open("t.db")) != NULL);
	got = feedtest_q(db, "SELECT package || '|' || vuln_id || '|' || namespace || '|' || state "
	    "|| '|' || ifnull(fixed_version, '') FROM affected "
	    "ORDER BY package, vuln_id, namespace");
	sqlite3_close(db);
	if (strcmp(got, want.s) != 0) {
		test_fail(t, __FILE__, __LINE__, "rows differ from python's reading:\n%s\n---\n%s",
		    got, want.s);
	}
	ASSERT_INT_EQ(n1 + n2, 40);
	free(got);
	sb_free(&want);
}

DEFINE_TEST(test_feed_debian_inputs_meta)
{
	struct ctx c;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int used = 0, sorted = 0;
	int64_t n1, n2;
	char *want;

	ctx_init(&c);
	ASSERT_OK(&c, build_tracker_db(&c, "t.db", &n1, &n2));
	ASSERT((db = feedtest_open("t.db")) != NULL);
	ASSERT_Q(db, "SELECT key || '=' || value FROM meta ORDER BY key",
	    "created=2025-01-02T03:04:05Z\nexpires=2025-02-01T03:04:05Z\nformat_version=1\n"
	    "generator=airlock-feed " PACKAGE_VERSION "\nserial=42");
	ASSERT_Q(db, "SELECT id || ' ' || name || ' ' || parser_version || ' ' || records "
	    "FROM source", "1 debian 1 40");
	want = sqlite3_mprintf("%s " VUNNEL_SHA256 " 7462 NULL\n%s " OSV_SHA256 " 4340 NULL",
	    test_data(VUNNEL), test_data(OSV));
	ASSERT_Q(db, "SELECT path || ' ' || sha256 || ' ' || bytes || ' ' || "
	    "ifnull(upstream_time, 'NULL') FROM source_input WHERE source_id = 1 ORDER BY id",
	    want);
	sqlite3_free(want);
	ASSERT_Q(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND "
	    "name NOT LIKE 'sqlite_%' ORDER BY name", "affected_package\noval_index_package");
	/* the lookup the matcher makes uses the index */
	ASSERT(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT * FROM affected WHERE "
	    "ecosystem = 'deb' AND namespace = 'debian:sid' AND package = 'sope' AND "
	    "name_kind = 'source' ORDER BY vuln_id", -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 3);

		if (d != NULL && strstr(d, "USING INDEX affected_package") != NULL)
			used = 1;
		if (d != NULL && strstr(d, "TEMP B-TREE") != NULL)
			sorted = 1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ASSERT(used);
	ASSERT(!sorted);	/* vuln_id order comes from the index */
}

DEFINE_TEST(test_feed_debian_truncated)
{
	struct ctx c;
	uint8_t *buf;
	size_t len, end, i;
	int64_t records;
	int r;

	buf = test_slurp(test_data(VUNNEL), &len);
	/* the file ends "}\n": every prefix shorter than end is unfinished JSON */
	end = len;
	while (end > 0 && buf[end - 1] != '}')
		end--;
	ASSERT(end > 7000);
	for (i = 0; i < end; i++) {
		r = parse_doc(&c, (const char *)buf, i, &records);
		if (r != E_FORMAT) {
			free(buf);
			test_fail(t, __FILE__, __LINE__, "prefix %zu: %d (%s)", i, r, c.err);
			return;
		}
	}
	ASSERT_OK(&c, parse_doc(&c, (const char *)buf, end, &records));
	ASSERT_INT_EQ(records, 25);
	ASSERT_OK(&c, parse_doc(&c, (const char *)buf, len, &records));
	ASSERT_INT_EQ(records, 25);
	/* with a writer: the error comes back, the unfinished file goes away */
	ctx_init(&c);
	{
		char *cut = malloc(len / 2 + 1);

		memcpy(cut, buf, len / 2);
		cut[len / 2] = '\0';
		r = build_doc_db(&c, "cut.db", cut, &records);
		free(cut);
	}
	free(buf);
	ASSERT_ERR(&c, r, E_FORMAT, "premature EOF");
	ASSERT(access("cut.db", F_OK) != 0);
}

DEFINE_TEST(test_feed_debian_depth_limit)
{
	struct ctx c;
	struct sb doc = SB_INIT;
	int64_t records;
	int i, r;

	sb_adds(&doc, "{\"pkg\": {\"CVE-2024-0001\": {\"extra\": ");
	for (i = 0; i < 100; i++)
		sb_addc(&doc, '[');
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_free(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "DEBIAN_DEPTH_MAX");
	ASSERT(strstr(c.err, "package pkg: CVE-2024-0001") != NULL);

	/* 29 levels of extras under a vuln (32 in all) is still fine */
	sb_adds(&doc, "{\"pkg\": {\"CVE-2024-0001\": {\"extra\": ");
	for (i = 0; i < 29; i++)
		sb_addc(&doc, '[');
	for (i = 0; i < 29; i++)
		sb_addc(&doc, ']');
	sb_adds(&doc, ", \"releases\": {\"sid\": {\"status\": \"open\"}}}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_free(&doc);
	ASSERT_OK(&c, r);
	ASSERT_INT_EQ(records, 1);
}

DEFINE_TEST(test_feed_debian_empty_object)
{
	const char *doc;
	struct ctx c;
	struct bundle_writer *w = NULL;
	int64_t records = -1;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "e.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "debian", "test", "1"));
	ASSERT_OK(&c, feed_debian_parse_buf(&c, (const uint8_t *)" { } \n", 6, w, &records));
	ASSERT_INT_EQ(records, 0);
	r = bundle_writer_source_end(&c, w, records);
	bundle_writer_free(w);
	ASSERT_ERR(&c, r, E_FORMAT, "source debian yielded no records");
	ASSERT(access("e.db", F_OK) != 0);
	/* packages and vulns without releases yield nothing either */
	doc = "{\"a\": {}, \"b\": {\"CVE-1\": {\"releases\": {}}}}";
	ASSERT_OK(&c, parse_doc(&c, doc, strlen(doc), &records));
	ASSERT_INT_EQ(records, 0);
}

DEFINE_TEST(test_feed_debian_unknown_status)
{
	static const char doc[] = "{\"openssl\": {\"CVE-2024-0002\": {\"releases\": {"
	    "\"sid\": {\"status\": \"resolved\", \"fixed_version\": \"3.0-1\"},"
	    "\"bookworm\": {\"status\": \"wibble\", \"urgency\": \"low\"}}}}}";
	struct ctx c;
	int64_t records;
	int r;

	r = parse_doc(&c, doc, strlen(doc), &records);
	ASSERT_ERR(&c, r, E_FORMAT,
	    "package openssl: CVE-2024-0002: release bookworm: unknown status 'wibble'");
	/* with a writer nothing survives */
	ctx_init(&c);
	r = build_doc_db(&c, "s.db", doc, &records);
	ASSERT_ERR(&c, r, E_FORMAT, "unknown status 'wibble'");
	ASSERT(access("s.db", F_OK) != 0);
}

DEFINE_TEST(test_feed_debian_wrong_types)
{
	static const struct {
		const char *doc;
		const char *msg;
	} cases[] = {
		{ "[]", "top level is not an object" },
		{ "\"x\"", "top level is not an object" },
		{ "{\"foo\": \"bar\"}", "package foo: not an object" },
		{ "{\"foo\": {\"CVE-1\": 7}}", "package foo: CVE-1: not an object" },
		{ "{\"foo\": {\"CVE-1\": {\"description\": 5}}}",
		    "package foo: CVE-1: description is not a string" },
		{ "{\"foo\": {\"CVE-1\": {\"description\": [\"x\"]}}}",
		    "package foo: CVE-1: description is not a string" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": \"sid\"}}}",
		    "package foo: CVE-1: releases is not an object" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": [{}]}}}",
		    "package foo: CVE-1: releases is a non-empty array" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": []}}}}",
		    "package foo: CVE-1: release sid: not an object" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": 5}}}}}",
		    "package foo: CVE-1: release sid: status is not a string" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"open\", "
		    "\"urgency\": true}}}}}",
		    "package foo: CVE-1: release sid: urgency is not a string" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"resolved\", "
		    "\"fixed_version\": {\"v\": 1}}}}}}",
		    "package foo: CVE-1: release sid: fixed_version is not a string" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"urgency\": \"low\"}}}}}",
		    "package foo: CVE-1: release sid: no status" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"resolved\"}}}}}",
		    "release sid: status resolved without fixed_version" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"open\", "
		    "\"nodsa_reason\": \"bored\"}}}}}",
		    "release sid: unknown nodsa_reason 'bored'" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"open\", "
		    "\"status\": \"open\"}}}}}", "release sid: duplicate status" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"open\"}, "
		    "\"sid\": {\"status\": \"open\"}}}}}", "release sid: duplicate release" },
		{ "{\"foo bar\": {}}", "bad package name" },
		{ "{\"foo\": {\"\": {}}}", "package foo: bad vulnerability id" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid/x\": {}}}}}",
		    "package foo: CVE-1: bad release codename" },
		{ "{\"foo\": {\"CVE-1\": {\"releases\": {\"sid\": {\"status\": \"open\\u0000\"}}}}}",
		    "release sid: status has a control or non-ascii character" },
		{ "{\"foo\": {\"CVE-1\": {\"description\": \"a\\u0000b\"}}}",
		    "description contains a NUL byte" },
		{ "{\"foo\": {\"CVE-1\": {\"description\": \"\xff\"}}}", "invalid bytes in UTF8" },
		{ "{} x", "trailing garbage" },
		{ "{\"a\": {}} {}", "trailing garbage" },
		{ "", "premature EOF" },
		{ "{\"a\" {}}", "parse error" },
	};
	struct ctx c;
	int64_t records;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = parse_doc(&c, cases[i].doc, strlen(cases[i].doc), &records);
		if (r != E_FORMAT || strstr(c.err, cases[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %s: %d \"%s\", want \"%s\"",
			    i, cases[i].doc, r, c.err, cases[i].msg);
			return;
		}
	}
}

DEFINE_TEST(test_feed_debian_nodsa)
{
	/* The tracker's shape with the fields the samples lack (text is ours). */
	static const char doc[] =
	    "{\"zlib\": {\"CVE-2023-45853\": {\n"
	    "  \"scope\": \"local\", \"debianbug\": 1054290,\n"
	    "  \"future_field\": {\"nested\": [1, 2.5e3, -0, true, false, null, {\"k\": \"v\"}]},\n"
	    "  \"releases\": {\n"
	    "    \"bookworm\": {\"status\": \"open\", \"repositories\": {\"bookworm\": "
	    "\"1:1.2.13.dfsg-1\"}, \"urgency\": \"not yet assigned\", \"nodsa\": "
	    "\"minizip is not built\", \"nodsa_reason\": \"ignored\", \"new\": []},\n"
	    "    \"bullseye\": {\"status\": \"open\", \"repositories\": {}, \"urgency\": \"low\", "
	    "\"nodsa\": \"Minor issue\", \"nodsa_reason\": \"postponed\", \"fixed_version\": \"\"},\n"
	    "    \"buster\": {\"status\": \"open\", \"urgency\": \"medium*\", \"nodsa\": "
	    "\"Minor issue\", \"nodsa_reason\": \"\"},\n"
	    "    \"trixie\": {\"status\": \"undetermined\", \"urgency\": \"high\"},\n"
	    "    \"forky\": {\"status\": \"open\", \"fixed_version\": \"1:1.3-1\", \"urgency\": null},\n"
	    "    \"stretch\": {\"status\": \"open\", \"nodsa_reason\": \"ignored\"},\n"
	    "    \"sid\": {\"status\": \"resolved\", \"fixed_version\": \"1:1.3.dfsg-3\", "
	    "\"urgency\": \"unimportant\", \"nodsa\": null}\n"
	    "  },\n"
	    "  \"description\": \"MiniZip \\\"integer overflow\\\" \\u00e9\"\n"
	    "}}}\n";
	struct ctx c;
	sqlite3 *db;
	int64_t records;

	ctx_init(&c);
	ASSERT_OK(&c, build_doc_db(&c, "n.db", doc, &records));
	ASSERT_INT_EQ(records, 7);
	ASSERT((db = feedtest_open("n.db")) != NULL);
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:12",
	    "deb|source|wont-fix|NULL|unknown|not yet assigned|open|ignored: minizip is not built");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:11",
	    "deb|source|unfixed|NULL|low|low|open|postponed: Minor issue");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:10",
	    "deb|source|unfixed|NULL|medium|medium*|open|no-dsa: Minor issue");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:13",
	    "deb|source|unknown|NULL|high|high|undetermined|NULL");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:14",
	    "deb|source|unfixed|NULL|unknown|NULL|open|fixed_version: 1:1.3-1");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:9",
	    "deb|source|wont-fix|NULL|unknown|NULL|open|ignored");
	ASSERT_ROW(db, "zlib", "CVE-2023-45853", "debian:sid",
	    "deb|source|fixed|1:1.3.dfsg-3|negligible|unimportant|resolved|NULL");
	/* the description came after the releases and still reached them */
	ASSERT_Q(db, "SELECT description FROM vuln", "MiniZip \"integer overflow\" \xc3\xa9");
	ASSERT_Q(db, "SELECT count(*) FROM namespace", "7");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_debian_limits)
{
	struct ctx c;
	struct sb doc = SB_INIT;
	int64_t records;
	int i, r;

	/* description over DEBIAN_DESC_MAX */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"description\": \"");
	for (i = 0; i < 65537; i++)
		sb_addc(&doc, 'a');
	sb_adds(&doc, "\"}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "package p: CVE-1: description longer than 65536 bytes");
	/* exactly DEBIAN_DESC_MAX is fine */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"description\": \"");
	for (i = 0; i < 65536; i++)
		sb_addc(&doc, 'a');
	sb_adds(&doc, "\"}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_OK(&c, r);

	/* a 2 MiB string in a field we ignore: the raw-token guard stops it */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"ignored\": \"");
	for (i = 0; i < (2 << 20); i++)
		sb_addc(&doc, i % 64 ? 'x' : ',');
	sb_adds(&doc, "\"}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "DEBIAN_TOKEN_MAX");
	/* likewise a 2 MiB number */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"ignored\": ");
	for (i = 0; i < (2 << 20); i++)
		sb_addc(&doc, '7');
	sb_adds(&doc, "}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "DEBIAN_TOKEN_MAX");
	/* but a syntax error before the long token is still a syntax error */
	sb_adds(&doc, "{\"p\" {\"CVE-1\": {\"ignored\": \"");
	for (i = 0; i < (2 << 20); i++)
		sb_addc(&doc, 'x');
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_INT_EQ(r, E_FORMAT);

	/* more than DEBIAN_RELEASES_MAX releases in one vuln */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"releases\": {");
	for (i = 0; i < 65; i++)
		sb_addf(&doc, "%s\"r%d\": {\"status\": \"open\"}", i ? ", " : "", i);
	sb_adds(&doc, "}}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "DEBIAN_RELEASES_MAX");

	/* a release codename src/base/release.c does not know: fail closed */
	sb_adds(&doc, "{\"p\": {\"CVE-1\": {\"releases\": {\"narnia\": {\"status\": \"open\"}}}}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_FORMAT, "unknown Debian release 'narnia'");

	/* package name over DEBIAN_NAME_MAX */
	sb_adds(&doc, "{\"");
	for (i = 0; i < 257; i++)
		sb_addc(&doc, 'p');
	sb_adds(&doc, "\": {}}");
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_free(&doc);
	ASSERT_ERR(&c, r, E_FORMAT, "DEBIAN_NAME_MAX");
}

/* A deterministic corruption pass (habit 10): a changed byte at every offset. */
DEFINE_TEST(test_feed_debian_flip)
{
	struct ctx c;
	uint8_t *buf;
	size_t len, ok, bad, at;
	int r;

	buf = test_slurp(test_data(VUNNEL), &len);
	r = feedtest_flip(&c, feed_debian_parse_buf, buf, len, &ok, &bad, &at);
	free(buf);
	if (r != 0) {
		test_fail(t, __FILE__, __LINE__, "offset %zu: %s", at, c.err);
		return;
	}
	ASSERT(ok > 0);
	ASSERT(bad > 0);
}

struct seen {
	int n;
	int stop_at;
	char rows[8][512];
};

static int
collect(struct ctx *c, const struct bundle_affected *a, void *arg)
{
	struct seen *s = arg;

	(void)c;
	if (s->n < 8)
		snprintf(s->rows[s->n], sizeof(s->rows[0]), "%s %s %s %s %s %s %s %s %s %s",
		    a->source, a->vuln_id, a->namespace, a->package, a->state,
		    a->fixed_version ? a->fixed_version : "-", a->severity,
		    a->vendor_severity ? a->vendor_severity : "-",
		    a->vendor_status ? a->vendor_status : "-",
		    a->description ? "desc" : "nodesc");
	s->n++;
	return s->n == s->stop_at ? 5 : 0;
}

static int
collect_source(struct ctx *c, const struct bundle_source_info *src, void *arg)
{
	struct sb *out = arg;

	(void)c;
	sb_addf(out, "%s/%s/%lld;", src->name, src->parser_version, (long long)src->records);
	return 0;
}

DEFINE_TEST(test_feed_debian_query)
{
	struct ctx c;
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	struct bundle b;
	struct bundle_affected a;
	struct seen s;
	struct sb srcs = SB_INIT;
	int64_t records;
	int yes, r;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "q.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "debian", feed_debian.format, "1"));
	r = feed_debian.parse(&c, test_data(OSV), NULL, w, &records);
	if (r == 0)
		r = bundle_writer_source_end(&c, w, records);
	/* a second source, named to sort first, with a row for the same vuln */
	if (r == 0)
		r = bundle_writer_source_begin(&c, w, "aaa", "test rows", "7");
	if (r == 0)
		r = bundle_writer_namespace(&c, w, "debian:12");
	memset(&a, 0, sizeof(a));
	a.vuln_id = "CVE-2016-1585";
	a.ecosystem = "deb";
	a.namespace = "debian:12";
	a.package = "apparmor";
	a.name_kind = "source";
	a.state = "fixed";
	a.fixed_version = "3.0.8-4";
	a.severity = "low";
	if (r == 0)
		r = bundle_writer_affected(&c, w, &a);
	if (r == 0)
		r = bundle_writer_source_end(&c, w, 1);
	if (r == 0)
		r = bundle_writer_finish(&c, w, feedtest_meta(&m, SERIAL));
	bundle_writer_free(w);
	ASSERT_OK(&c, r);

	memset(&b, 0, sizeof(b));
	ASSERT((b.db = feedtest_open("q.db")) != NULL);
	memset(&s, 0, sizeof(s));
	r = bundle_query_package(&c, &b, "deb", "debian:12", "apparmor", "source",
	    collect, &s);
	if (r != 0)
		sqlite3_close(b.db);
	ASSERT_OK(&c, r);
	ASSERT_INT_EQ(s.n, 4);
	/* vuln_id order, then source name: aaa's row before debian's */
	ASSERT_STR_EQ(s.rows[0], "debian CVE-2014-1424 debian:12 apparmor not-affected - "
	    "negligible unimportant resolved desc");
	ASSERT_STR_EQ(s.rows[1], "aaa CVE-2016-1585 debian:12 apparmor fixed 3.0.8-4 low - "
	    "- nodesc");
	ASSERT_STR_EQ(s.rows[2], "debian CVE-2016-1585 debian:12 apparmor unfixed - "
	    "negligible unimportant open desc");
	ASSERT_STR_EQ(s.rows[3], "debian CVE-2017-6507 debian:12 apparmor fixed 2.11.0-3 "
	    "unknown not yet assigned resolved desc");

	/* a callback's non-zero return stops the walk and comes back */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	ASSERT_INT_EQ(bundle_query_package(&c, &b, "deb", "debian:12", "apparmor",
	    "source", collect, &s), 5);
	ASSERT_INT_EQ(s.n, 2);

	/* nothing for other names, kinds, namespaces */
	memset(&s, 0, sizeof(s));
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:12", "apparmor",
	    "binary", collect, &s));
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:8", "apparmor",
	    "source", collect, &s));
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:12", "apparmo",
	    "source", collect, &s));
	ASSERT_INT_EQ(s.n, 0);

	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:12", &yes));
	ASSERT_INT_EQ(yes, BUNDLE_NS_COMPLETE);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:13", &yes));
	ASSERT_INT_EQ(yes, BUNDLE_NS_COMPLETE);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:8", &yes));
	ASSERT_INT_EQ(yes, BUNDLE_NS_NONE);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian", &yes));
	ASSERT_INT_EQ(yes, BUNDLE_NS_NONE);

	r = bundle_sources(&c, &b, collect_source, &srcs);
	sqlite3_close(b.db);
	ASSERT_OK(&c, r);
	ASSERT_STR_EQ(srcs.s, "debian/1/15;aaa/7/1;");
	sb_free(&srcs);
}

DEFINE_TEST(test_feed_debian_query_bad_rows)
{
	struct ctx c;
	struct bundle b;
	struct seen s;
	int64_t records;
	int r;

	/* a database whose state is outside format 1's vocabulary: E_FORMAT */
	ctx_init(&c);
	ASSERT_OK(&c, build_doc_db(&c, "b.db", "{\"p\": {\"CVE-1\": {\"releases\": "
	    "{\"sid\": {\"status\": \"open\"}}}}}", &records));
	memset(&b, 0, sizeof(b));
	ASSERT(sqlite3_open_v2("b.db", &b.db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
	ASSERT(sqlite3_exec(b.db, "PRAGMA ignore_check_constraints = ON; "
	    "UPDATE affected SET state = 'maybe'", NULL, NULL, NULL) == SQLITE_OK);
	memset(&s, 0, sizeof(s));
	r = bundle_query_package(&c, &b, "deb", "debian:sid", "p", "source", collect, &s);
	sqlite3_close(b.db);
	ASSERT_ERR(&c, r, E_FORMAT, "bad state");
	ASSERT_INT_EQ(s.n, 0);
}

DEFINE_TEST(test_feed_debian_writer)
{
	struct ctx c;
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	struct bundle_affected a;
	uint8_t *x, *y;
	size_t xlen, ylen;
	int64_t n1, n2, records;
	FILE *f;
	int r;

	/* an existing file is never reused or clobbered */
	ctx_init(&c);
	ASSERT((f = fopen("exists.db", "w")) != NULL);
	fputs("keep me", f);
	fclose(f);
	ASSERT_INT_EQ(bundle_writer_new(&c, "exists.db", &w), E_IO);
	ASSERT(w == NULL);
	x = test_slurp("exists.db", &xlen);
	ASSERT_INT_EQ(xlen, 7);
	free(x);

	/* unfinished writers remove their file */
	ASSERT_OK(&c, bundle_writer_new(&c, "gone.db", &w));
	ASSERT(access("gone.db", F_OK) == 0);
	bundle_writer_free(w);
	ASSERT(access("gone.db", F_OK) != 0);
	bundle_writer_free(NULL);

	/* same input, same meta: same bytes */
	ASSERT_OK(&c, build_tracker_db(&c, "a.db", &n1, &n2));
	ASSERT_OK(&c, build_tracker_db(&c, "b.db", &n1, &n2));
	x = test_slurp("a.db", &xlen);
	y = test_slurp("b.db", &ylen);
	r = xlen == ylen && memcmp(x, y, xlen) == 0;
	free(x);
	free(y);
	ASSERT(r);
	ASSERT(xlen > 4096);

	/* a vuln given twice under one package is a duplicate record */
	r = build_doc_db(&c, "dup.db", "{\"p\": {\"CVE-1\": {\"releases\": {\"sid\": "
	    "{\"status\": \"open\"}}}, \"CVE-1\": {\"releases\": {\"sid\": {\"status\": "
	    "\"open\"}}}}}", &records);
	ASSERT_ERR(&c, r, E_FORMAT, "source debian: duplicate record: CVE-1 debian:sid p");
	ASSERT(access("dup.db", F_OK) != 0);

	/* misuse and parser bugs */
	ASSERT_OK(&c, bundle_writer_new(&c, "m.db", &w));
	ASSERT_INT_EQ(bundle_writer_finish(&c, w, feedtest_meta(&m, SERIAL)), E_USAGE);
	ASSERT_INT_EQ(bundle_writer_namespace(&c, w, "debian:sid"), E_INTERNAL);
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "x", "f", "1"));
	ASSERT_INT_EQ(bundle_writer_input(&c, w, "in", "ABC", 1, NULL), E_INTERNAL);
	memset(&a, 0, sizeof(a));
	a.vuln_id = "CVE-1";
	a.ecosystem = "deb";
	a.namespace = "debian:sid";
	a.package = "p";
	a.name_kind = "source";
	a.state = "patched";
	a.severity = "low";
	ASSERT_ERR(&c, bundle_writer_affected(&c, w, &a), E_INTERNAL, "bad state 'patched'");
	a.state = "fixed";
	ASSERT_ERR(&c, bundle_writer_affected(&c, w, &a), E_INTERNAL,
	    "fixed without fixed_version");
	a.state = "unfixed";
	ASSERT_OK(&c, bundle_writer_affected(&c, w, &a));
	ASSERT_ERR(&c, bundle_writer_finish(&c, w, &m), E_INTERNAL, "source x not ended");
	ASSERT_ERR(&c, bundle_writer_source_end(&c, w, 2), E_INTERNAL,
	    "parser counted 2 records, writer got 1");
	bundle_writer_free(w);
	ASSERT(access("m.db", F_OK) != 0);

	/* a source name is unique in a bundle */
	ASSERT_OK(&c, bundle_writer_new(&c, "u.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "x", "f", "1"));
	ASSERT_OK(&c, bundle_writer_affected(&c, w, &a));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, 1));
	r = bundle_writer_source_begin(&c, w, "x", "f", "1");
	bundle_writer_free(w);
	ASSERT_ERR(&c, r, E_USAGE, "source x given twice");
}

DEFINE_TEST(test_feed_debian_source_table)
{
	struct ctx c;
	int64_t records = -1;
	size_t i;

	ASSERT(feed_find("debian") == &feed_debian);
	ASSERT(feed_find("Debian") == NULL);
	ASSERT(feed_find("") == NULL);
	ASSERT(feed_find(NULL) == NULL);
	for (i = 0; feed_sources[i] != NULL; i++)
		ASSERT(feed_find(feed_sources[i]->name) == feed_sources[i]);
	ASSERT(i >= 1);
	ctx_init(&c);
	ASSERT_INT_EQ(feed_debian.parse(&c, "no-such-file.json", NULL, NULL, &records), E_IO);
	ASSERT_INT_EQ(records, 0);
	ASSERT_INT_EQ(feed_debian.parse(&c, test_data(VUNNEL), "x", NULL, &records), E_USAGE);
	ASSERT_INT_EQ(feed_debian.parse(&c, ".", NULL, NULL, &records), E_IO);
	/* without a writer the file variant parses and counts */
	ASSERT_OK(&c, feed_debian.parse(&c, test_data(OSV), NULL, NULL, &records));
	ASSERT_INT_EQ(records, 15);
}

/*
 * Where an error is (feeds/jsonstream.c): "line L, byte B" of the decompressed
 * data, B just past the token that failed, before the parser's own location.
 */
DEFINE_TEST(test_feed_debian_error_position)
{
	static const char syntax[] = "{\n\"p\": {\n\"CVE-1\": {\"releases\" {}}}}\n";
	static const char status[] = "{\"p\": {\"CVE-1\": {\"releases\": {\"sid\": "
	    "{\"status\": \"wibble\"}}}}}\n";
	struct sb doc = SB_INIT;
	struct ctx c;
	char want[256];
	int64_t records;
	size_t at, i;
	int r;

	/* just past the '{' where line 3 wants a ':' */
	at = (size_t)(strstr(syntax, "\"releases\" {") - syntax) + 12;
	snprintf(want, sizeof(want), "line 3, byte %zu: parse error: object key and value "
	    "must be separated by a colon", at);
	ASSERT_ERR(&c, parse_doc(&c, syntax, strlen(syntax), &records), E_FORMAT, want);
	ASSERT(strncmp(c.err, "line 3, ", 8) == 0);
	/* the status is judged when the vuln's object ends */
	at = (size_t)(strstr(status, "}}}}}") - status) + 3;
	snprintf(want, sizeof(want), "line 1, byte %zu: package p: CVE-1: release sid: "
	    "unknown status 'wibble'", at);
	r = parse_doc(&c, status, strlen(status), &records);
	ASSERT_INT_EQ(r, E_FORMAT);
	ASSERT_STR_EQ(c.err, want);
	/* a token over DEBIAN_TOKEN_MAX stops where it becomes too long */
	sb_adds(&doc, "{\n\n\"p\": \"");
	at = doc.len + (1 << 20);
	for (i = 0; i < (2 << 20); i++)
		sb_addc(&doc, 'x');
	sb_adds(&doc, "\"}");
	snprintf(want, sizeof(want), "line 3, byte %zu: json token longer than 1048576 bytes "
	    "(DEBIAN_TOKEN_MAX)", at);
	r = parse_doc(&c, doc.s, doc.len, &records);
	sb_free(&doc);
	ASSERT_INT_EQ(r, E_LIMIT);
	ASSERT_STR_EQ(c.err, want);
}

/* A compressed tracker file (gzip, made here by gzip(1)) gives the same rows. */
DEFINE_TEST(test_feed_debian_compressed)
{
	struct sb cmd = SB_INIT;
	struct ctx c;
	struct stat st;
	sqlite3 *db;
	char *plain, *packed, *cwd, path[4096], want[64];
	int64_t n;
	int r;

	sb_addf(&cmd, "gzip -9 -n -c '%s' > v.json.gz", test_data(VUNNEL));
	r = system(cmd.s);
	sb_free(&cmd);
	if (r != 0) {
		fprintf(stderr, "test_feed_debian_compressed: gzip failed, skipped\n");
		return;
	}
	ASSERT((cwd = getcwd(NULL, 0)) != NULL);
	snprintf(path, sizeof(path), "%s/v.json.gz", cwd);
	free(cwd);
	ASSERT(stat(path, &st) == 0 && st.st_size > 1000 && st.st_size < 7462);
	{
		const char *files[1] = { path };

		ctx_init(&c);
		ASSERT_OK(&c, feedtest_build_files(&c, "gz.db", &feed_debian, files, 1, SERIAL,
		    NULL, &n));
	}
	ASSERT_INT_EQ(n, 25);
	{
		const char *files[1] = { VUNNEL };

		ASSERT_OK(&c, feedtest_build_files(&c, "plain.db", &feed_debian, files, 1,
		    SERIAL, NULL, &n));
	}
	ASSERT((db = feedtest_open("plain.db")) != NULL);
	plain = feedtest_q(db, "SELECT group_concat(package || vuln_id || namespace || state "
	    "|| ifnull(fixed_version, '-'), ' ') FROM affected");
	sqlite3_close(db);
	ASSERT((db = feedtest_open("gz.db")) != NULL);
	packed = feedtest_q(db, "SELECT group_concat(package || vuln_id || namespace || state "
	    "|| ifnull(fixed_version, '-'), ' ') FROM affected");
	r = strcmp(plain, packed);
	free(plain);
	free(packed);
	if (r != 0) {
		sqlite3_close(db);
		test_fail(t, __FILE__, __LINE__, "rows from the .gz differ");
		return;
	}
	/* the input recorded is the file as stored */
	snprintf(want, sizeof(want), "%lld", (long long)st.st_size);
	ASSERT_Q(db, "SELECT bytes FROM source_input", want);
	sqlite3_close(db);
}
