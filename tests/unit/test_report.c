/*
 * test_report.c - the report renderers (yaml, sarif, cyclonedx, html, junit) on
 * a hand-built scan whose strings are hostile: quotes, markup, control bytes,
 * bytes that are not UTF-8, YAML look-alikes. Each output is parsed back with
 * a real parser (yajl, libyaml, libxml2) and checked value by value; the e2e
 * test tests/e2e/reports.sh covers a real scan, the schemas and a browser.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <sodium.h>
#include <yajl/yajl_tree.h>
#include <yaml.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"
#include "report/report_private.h"
#include "test.h"

/* Markup, quotes, C0 controls, DEL, bytes that are not UTF-8 (\xff, a broken
 * two-byte sequence, an encoded surrogate), U+FFFE, and real UTF-8. */
#define HOSTILE "q\"u'o<script>alert(1)</script>&amp; \x01\x1b[31m\x7f|\xff|\xc3\x28|" \
	"\xed\xa0\x80|\xef\xbf\xbe|\xc3\xa9\xe6\x97\xa5\tend\r\nline2"
/* A vulnerability id that is hostile but has a known escaped form. */
#define HOSTILE_ID "CVE-<b>\"x\"&'y'\x01"
#define HOSTILE_ID_CLEAN "CVE-<b>\"x\"&'y'\xef\xbf\xbd"	/* \x01 -> U+FFFD */

#define T_CREATED 1764331200	/* 2025-11-28T12:00:00Z */
#define IN0_SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define IN1_SHA256 "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"

static const char status_file[] =
	"Package: apparmor\n"
	"Status: install ok installed\n"
	"Version: 2.13.6-10\n"
	"Architecture: amd64\n"
	"\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 2.31-13\n"
	"\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Architecture: i386\n"
	"Version: 2.31-13\n";

static const char statusd_file[] =
	"Package: odd pkg/<x>\n"
	"Version: 1:2.0+b1\n";

struct fixture {
	struct image img;
	struct image_file files[2];
	struct image_layer layers[2];
	char *tags[3];
	struct osinfo os;
	struct pkg pkgv[6];
	struct pkglist pkgs;
	struct finding f[5];
	struct not_assessed na[1];
	struct match_result m;
	struct bundle_meta meta;
	struct report_source src[1];
	struct report_input in[2];
	struct report r;
};

static void
set_pkg(struct pkg *p, char *name, char *version, char *arch, char *source, int layer)
{
	p->name = name;
	p->version = version;
	p->arch = arch;
	p->source_name = source;
	p->source_version = version;
	p->ecosystem = "deb";
	p->layer = layer;
}

static void
set_finding(struct finding *f, char *id, char *pkg, char *version, char *status,
    char *severity, char *fixed, char *source_pkg, int layer)
{
	memset(f, 0, sizeof(*f));
	f->vuln_id = id;
	f->package = pkg;
	f->installed_version = version;
	f->source_package = source_pkg;
	f->source_version = version;
	f->fixed_version = fixed;
	f->status = status;
	f->severity = severity;
	f->source = "debian";
	f->namespace = "debian:11";
	f->vendor_status = "open";
	f->ecosystem = "deb";
	f->layer = layer;
}

/* A scan of 6 packages (a multi-arch pair, an exact duplicate, a hostile name)
 * with 5 findings in match's order and one package not assessed. */
static void
fixture_init(struct fixture *x)
{
	memset(x, 0, sizeof(*x));
	x->files[0].path = "var/lib/dpkg/status";
	x->files[0].data = (uint8_t *)status_file;
	x->files[0].len = sizeof(status_file) - 1;
	x->files[1].path = "var/lib/dpkg/status.d/odd pkg";
	x->files[1].data = (uint8_t *)statusd_file;
	x->files[1].len = sizeof(statusd_file) - 1;
	x->files[1].layer = 1;
	x->layers[0].digest = "sha256:"
	    "1111111111111111111111111111111111111111111111111111111111111111";
	x->layers[0].created_by = HOSTILE;
	x->layers[1].digest = "sha256:"
	    "2222222222222222222222222222222222222222222222222222222222222222";
	x->tags[0] = "registry.example/evil:<tag>";
	x->img.archive_sha256 = "e8cb2aa81847994e90e534c336226db176f819b8f34799ec2643a37423a5f920";
	x->img.config_digest = "sha256:"
	    "8d8b3e8166b2ddddeeae3557aad3ce195264d3857bdef8264b4ad711380a0e48";
	x->img.tags = x->tags;
	x->img.layers = x->layers;
	x->img.nlayers = 2;
	x->img.files = x->files;
	x->img.nfiles = 2;

	x->os.id = "debian";
	x->os.version_id = "11";
	x->os.codename = "bullseye";
	x->os.pretty_name = HOSTILE;

	/* sorted by name, version, arch as pkglist_sort() leaves them */
	set_pkg(&x->pkgv[0], "apparmor", "2.13.6-10", "amd64", "apparmor", 1);
	set_pkg(&x->pkgv[1], "libc6", "2.31-13", "amd64", "glibc", 0);
	set_pkg(&x->pkgv[2], "libc6", "2.31-13", "i386", "glibc", 0);
	set_pkg(&x->pkgv[3], "odd pkg/<x>", "1:2.0+b1", NULL, "odd", 1);
	set_pkg(&x->pkgv[4], "zz", "1.0", "amd64", "zz", -1);
	set_pkg(&x->pkgv[5], "zz", "1.0", "amd64", "zz", -1);
	x->pkgs.v = x->pkgv;
	x->pkgs.n = x->pkgs.cap = 6;

	set_finding(&x->f[0], "CVE-2024-0001", "libc6", "2.31-13", "fixed", "critical",
	    "2.31-13+deb11u5", "glibc", 0);
	x->f[0].vendor_status = "resolved";
	x->f[0].vendor_severity = "high";
	x->f[0].description = HOSTILE;
	x->f[1] = x->f[0];	/* the i386 twin */
	set_finding(&x->f[2], HOSTILE_ID, "odd pkg/<x>", "1:2.0+b1", "unfixed", "medium",
	    NULL, "odd", 1);
	x->f[2].note = HOSTILE;
	set_finding(&x->f[3], "CVE-2016-1585", "apparmor", "2.13.6-10", "wont-fix",
	    "negligible", NULL, "apparmor", 1);
	x->f[3].note = "null";
	x->f[3].vendor_severity = "yes";
	set_finding(&x->f[4], "CVE-2023-9999", "zz", "1.0", "unknown", "unknown", NULL,
	    "zz", -1);
	x->f[4].vendor_status = "undetermined";
	x->f[4].description = "123";

	x->na[0].kind = "package";
	x->na[0].name = "mystery<pkg>";
	x->na[0].reason = HOSTILE;
	x->m.namespace = "debian:11";
	x->m.coverage = "complete";
	x->m.findings = x->f;
	x->m.nfindings = 5;
	x->m.not_assessed = x->na;
	x->m.nnot_assessed = 1;
	x->m.npackages = 6;

	x->meta.format = 1;
	x->meta.serial = 42;
	x->meta.created = T_CREATED;
	x->meta.expires = T_CREATED + 30 * 86400;
	strcpy(x->meta.keyid, "0123456789ABCDEF");
	snprintf(x->meta.trusted_comment, sizeof(x->meta.trusted_comment), "%s", HOSTILE);
	x->src[0].name = "debian";
	x->src[0].format = HOSTILE;
	x->src[0].parser_version = "1";
	x->src[0].records = 40;
	x->in[0].source = "debian";
	x->in[0].path = "feeds/tracker \"<debian>\".json";
	x->in[0].sha256 = IN0_SHA256;
	x->in[0].bytes = 123456;
	x->in[0].upstream_time = "2025-11-27T08:00:00Z";
	x->in[1].source = "debian";
	x->in[1].path = "osv-mock.json";
	x->in[1].sha256 = IN1_SHA256;
	x->in[1].bytes = 789;
	x->in[1].upstream_time = NULL;

	x->r.image_path = "/images/evil \"name\".tar";
	x->r.img = &x->img;
	x->r.os = &x->os;
	x->r.pkgs = &x->pkgs;
	x->r.bundle_path = "b.db.zst";
	x->r.meta = &x->meta;
	x->r.sources = x->src;
	x->r.nsources = 1;
	x->r.inputs = x->in;
	x->r.ninputs = 2;
	x->r.match = &x->m;
	x->r.now = T_CREATED + 3600;
}

static int
render(struct ctx *c, const char *format, const struct report *r, struct sb *out)
{
	sb_reset(out);
	return report_render(c, format, r, out);
}

/* Every byte sequence is valid UTF-8 and no C0 control but tab and LF appears. */
static int
clean_text(const char *s, size_t len, int allow_tab)
{
	size_t i;

	if (strlen(s) != len || !xmlCheckUTF8((const xmlChar *)s))
		return 0;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n' && !(allow_tab && s[i] == '\t')) ||
		    s[i] == 0x7f)
			return 0;
	return 1;
}

/* ---- JSON helpers --------------------------------------------------------- */

static yajl_val
jget(yajl_val v, const char *path)
{
	char buf[256], *p, *save = NULL;
	const char *keys[2] = { NULL, NULL };

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, "/", &save); p && v; p = strtok_r(NULL, "/", &save)) {
		if (p[0] >= '0' && p[0] <= '9') {
			size_t i = strtoul(p, NULL, 10);

			v = YAJL_IS_ARRAY(v) && i < v->u.array.len ? v->u.array.values[i] : NULL;
		} else {
			keys[0] = p;
			v = yajl_tree_get(v, keys, yajl_t_any);
		}
	}
	return v;
}

static const char *
jstr(yajl_val v, const char *path)
{
	v = jget(v, path);
	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* An integer member, or -1. */
static long long
jint(yajl_val v, const char *path)
{
	v = jget(v, path);
	return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

static size_t
jlen(yajl_val v, const char *path)
{
	v = jget(v, path);
	return YAJL_IS_ARRAY(v) ? v->u.array.len : (size_t)-1;
}

/* The JSON form of HOSTILE after sb_add_json_str: every invalid byte is U+FFFD. */
#define HOSTILE_JSON "q\"u'o<script>alert(1)</script>&amp; \x01\x1b[31m\x7f|\xef\xbf\xbd|" \
	"\xef\xbf\xbd(|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbe|\xc3\xa9\xe6\x97\xa5\t" \
	"end\r\nline2"

/* ---- tests ---------------------------------------------------------------- */

DEFINE_TEST(test_report_formats)
{
	static const char *const scan[] = { "table", "json", "yaml", "sarif", "cyclonedx",
		"html", "junit" };
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	size_t i;

	fixture_init(&x);
	for (i = 0; i < sizeof(scan) / sizeof(scan[0]); i++) {
		ASSERT_OK(&c, report_check_format(&c, scan[i]));
		ASSERT_OK(&c, render(&c, scan[i], &x.r, &out));
		ASSERT(out.len > 100);
	}
	ASSERT_INT_EQ(report_check_format(&c, "xml"), E_USAGE);
	ASSERT(strstr(c.err, "sarif") != NULL && strstr(c.err, "junit") != NULL);
	/* an inventory: only table, json and cyclonedx */
	x.r.match = NULL;
	x.r.meta = NULL;
	x.r.now = 0;
	ASSERT_OK(&c, render(&c, "cyclonedx", &x.r, &out));
	ASSERT(strstr(out.s, "\"vulnerabilities\"") == NULL);
	ASSERT(strstr(out.s, "\"timestamp\"") == NULL);	/* reproducible SBOM */
	ASSERT_INT_EQ(render(&c, "sarif", &x.r, &out), E_USAGE);
	ASSERT(strstr(c.err, "needs a scan") != NULL);
	ASSERT_INT_EQ(render(&c, "html", &x.r, &out), E_USAGE);
	sb_free(&out);
}

DEFINE_TEST(test_report_xml_escape)
{
	struct sb b = SB_INIT;

	report_xml_escape(&b, "a<b>&\"c'\t\n\r\x01\x7f\xff\xef\xbf\xbf\xc3\xa9", 1);
	ASSERT_STR_EQ(sb_str(&b), "a&lt;b&gt;&amp;&quot;c&#39;&#9;&#10;&#13;"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
	sb_reset(&b);
	report_xml_escape(&b, "x\ty\nz", 0);
	ASSERT_STR_EQ(sb_str(&b), "x\ty\nz");
	sb_reset(&b);
	report_xml_escape(&b, NULL, 0);
	ASSERT_INT_EQ(b.len, 0);
	/* a sequence cut by the end of the string */
	report_xml_escape(&b, "\xe6\x97", 0);
	ASSERT_STR_EQ(sb_str(&b), "\xef\xbf\xbd\xef\xbf\xbd");
	sb_free(&b);
}

DEFINE_TEST(test_report_purl)
{
	struct fixture x;
	struct osinfo os = { 0 };
	struct pkg p;
	struct sb b = SB_INIT;

	fixture_init(&x);
	set_pkg(&p, "libsope1", "5.0.1-2", "amd64", "sope", 1);
	report_purl(&x.r, &p, &b);
	ASSERT_STR_EQ(sb_str(&b), "pkg:deb/debian/libsope1@5.0.1-2?arch=amd64&distro=debian-11");
	/* epoch and '+' are percent-encoded in a deb version; no arch, no qualifier */
	sb_reset(&b);
	report_purl(&x.r, &x.pkgv[3], &b);
	ASSERT_STR_EQ(sb_str(&b),
	    "pkg:deb/debian/odd%20pkg%2F%3Cx%3E@1%3A2.0%2Bb1?distro=debian-11");
	/* rpm: the epoch is a qualifier, qualifiers in key order */
	os.id = "RHEL";
	os.version_id = "9.2";
	x.r.os = &os;
	set_pkg(&p, "bash", "1:5.1.8-6.el9", "x86_64", "bash", 0);
	p.ecosystem = "rpm";
	sb_reset(&b);
	report_purl(&x.r, &p, &b);
	ASSERT_STR_EQ(sb_str(&b),
	    "pkg:rpm/rhel/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.2&epoch=1");
	/* apk on an OS without a version id: the codename, else no distro */
	os.id = "alpine";
	os.version_id = NULL;
	os.codename = "edge";
	set_pkg(&p, "musl", "1.2.4-r2", "x86_64", "musl", 0);
	p.ecosystem = "apk";
	sb_reset(&b);
	report_purl(&x.r, &p, &b);
	ASSERT_STR_EQ(sb_str(&b), "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-edge");
	os.id = NULL;
	os.codename = NULL;
	sb_reset(&b);
	report_purl(&x.r, &p, &b);
	ASSERT_STR_EQ(sb_str(&b), "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64");
	sb_free(&b);
}

DEFINE_TEST(test_report_sarif)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	char err[256];
	yajl_val doc, res;
	size_t i, idx;

	fixture_init(&x);
	ASSERT_OK(&c, render(&c, "sarif", &x.r, &out));
	ASSERT(clean_text(out.s, out.len, 0));
	doc = yajl_tree_parse(out.s, err, sizeof(err));
	ASSERT(doc != NULL);
	ASSERT_STR_EQ(jstr(doc, "version"), "2.1.0");
	/* one rule per vulnerability id, sorted; one result per finding */
	ASSERT_INT_EQ(jlen(doc, "runs/0/tool/driver/rules"), 4);
	ASSERT_STR_EQ(jstr(doc, "runs/0/tool/driver/rules/0/id"), "CVE-2016-1585");
	ASSERT_STR_EQ(jstr(doc, "runs/0/tool/driver/rules/3/id"), HOSTILE_ID);
	ASSERT_STR_EQ(jstr(doc, "runs/0/tool/driver/rules/2/fullDescription/text"), HOSTILE_JSON);
	/* the short description stops at the first line */
	ASSERT(strstr(jstr(doc, "runs/0/tool/driver/rules/2/shortDescription/text"),
	    "line2") == NULL);
	ASSERT_STR_EQ(jstr(doc, "runs/0/tool/driver/rules/2/defaultConfiguration/level"), "error");
	ASSERT_STR_EQ(jstr(doc, "runs/0/tool/driver/rules/2/properties/security-severity"), "9.5");
	ASSERT_INT_EQ(jlen(doc, "runs/0/results"), 5);
	for (i = 0; i < 5; i++) {
		char path[64];

		snprintf(path, sizeof(path), "runs/0/results/%zu", i);
		res = jget(doc, path);
		ASSERT_STR_EQ(jstr(res, "ruleId"), x.f[i].vuln_id);
		ASSERT(YAJL_IS_INTEGER(jget(res, "ruleIndex")));
		idx = (size_t)YAJL_GET_INTEGER(jget(res, "ruleIndex"));
		snprintf(path, sizeof(path), "runs/0/tool/driver/rules/%zu/id", idx);
		ASSERT_STR_EQ(jstr(doc, path), x.f[i].vuln_id);
		ASSERT_STR_EQ(jstr(res, "properties/status"), x.f[i].status);
		ASSERT_STR_EQ(jstr(res, "properties/decision"), "fail");
	}
	/* levels from severities */
	ASSERT_STR_EQ(jstr(doc, "runs/0/results/0/level"), "error");	/* critical */
	ASSERT_STR_EQ(jstr(doc, "runs/0/results/2/level"), "warning");	/* medium */
	ASSERT_STR_EQ(jstr(doc, "runs/0/results/3/level"), "note");	/* negligible */
	ASSERT_STR_EQ(jstr(doc, "runs/0/results/4/level"), "warning");	/* unknown */
	/* the multi-arch finding points at its stanza (lines 6-9); the twin too */
	res = jget(doc, "runs/0/results/0");
	ASSERT_INT_EQ(jlen(res, "locations"), 2);
	ASSERT_STR_EQ(jstr(res, "locations/0/physicalLocation/artifactLocation/uri"),
	    "var/lib/dpkg/status");
	ASSERT_INT_EQ(jint(res, "locations/0/physicalLocation/region/startLine"), 6);
	ASSERT_INT_EQ(jint(res, "locations/0/physicalLocation/region/endLine"), 9);
	ASSERT_INT_EQ(jint(res, "locations/1/physicalLocation/region/startLine"), 11);
	ASSERT_STR_EQ(jstr(res, "locations/1/logicalLocations/0/fullyQualifiedName"),
	    "pkg:deb/debian/libc6@2.31-13?arch=i386&distro=debian-11");
	ASSERT_STR_EQ(jstr(res, "properties/fixed_version"), "2.31-13+deb11u5");
	ASSERT_STR_EQ(jstr(res, "properties/layer_digest"), x.layers[0].digest);
	/* the distroless stanza file, percent-encoded as a URI reference */
	res = jget(doc, "runs/0/results/2");
	ASSERT_STR_EQ(jstr(res, "locations/0/physicalLocation/artifactLocation/uri"),
	    "var/lib/dpkg/status.d/odd%20pkg");
	ASSERT_INT_EQ(jint(res, "locations/0/physicalLocation/region/startLine"), 1);
	ASSERT_STR_EQ(jstr(res, "properties/note"), HOSTILE_JSON);
	/* a package without a stanza: the database, no region */
	res = jget(doc, "runs/0/results/4");
	ASSERT(jget(res, "locations/0/physicalLocation/region") == NULL);
	ASSERT_STR_EQ(jstr(res, "locations/0/physicalLocation/artifactLocation/uri"),
	    "var/lib/dpkg/status");
	/* not assessed: a warning notification */
	ASSERT_INT_EQ(jlen(doc, "runs/0/invocations/0/toolExecutionNotifications"), 1);
	ASSERT_STR_EQ(jstr(doc, "runs/0/properties/verdict"), "fail");
	yajl_tree_free(doc);
	sb_free(&out);
}

DEFINE_TEST(test_report_cyclonedx)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	char err[256], path[96];
	yajl_val doc, v;
	size_t i, j, n;

	fixture_init(&x);
	ASSERT_OK(&c, render(&c, "cyclonedx", &x.r, &out));
	ASSERT(clean_text(out.s, out.len, 0));
	doc = yajl_tree_parse(out.s, err, sizeof(err));
	ASSERT(doc != NULL);
	ASSERT_STR_EQ(jstr(doc, "specVersion"), "1.5");
	ASSERT_STR_EQ(jstr(doc, "metadata/timestamp"), "2025-11-28T13:00:00Z");
	ASSERT_STR_EQ(jstr(doc, "metadata/component/name"), "registry.example/evil:<tag>");
	ASSERT_STR_EQ(jstr(doc, "metadata/component/hashes/0/content"), x.img.archive_sha256);
	/* the OS, then every package; bom-refs unique even for the duplicate */
	n = jlen(doc, "components");
	ASSERT_INT_EQ(n, 7);
	ASSERT_STR_EQ(jstr(doc, "components/0/type"), "operating-system");
	ASSERT_STR_EQ(jstr(doc, "components/5/bom-ref"),
	    "pkg:deb/debian/zz@1.0?arch=amd64&distro=debian-11");
	ASSERT_STR_EQ(jstr(doc, "components/6/bom-ref"),
	    "pkg:deb/debian/zz@1.0?arch=amd64&distro=debian-11#5");
	ASSERT_STR_EQ(jstr(doc, "components/6/purl"),
	    "pkg:deb/debian/zz@1.0?arch=amd64&distro=debian-11");
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			char pi[48], pj[48];

			snprintf(pi, sizeof(pi), "components/%zu/bom-ref", i);
			snprintf(pj, sizeof(pj), "components/%zu/bom-ref", j);
			ASSERT(strcmp(jstr(doc, pi), jstr(doc, pj)) != 0);
		}
	ASSERT_INT_EQ(jlen(doc, "dependencies/0/dependsOn"), 7);
	/* the twin findings of CVE-2024-0001 are one vulnerability affecting both */
	ASSERT_INT_EQ(jlen(doc, "vulnerabilities"), 4);
	v = NULL;
	for (i = 0; i < 4; i++) {
		const char *id;

		snprintf(path, sizeof(path), "vulnerabilities/%zu", i);
		id = jstr(jget(doc, path), "id");
		if (id != NULL && strcmp(id, "CVE-2024-0001") == 0)
			v = jget(doc, path);
	}
	ASSERT(v != NULL);
	ASSERT_INT_EQ(jlen(v, "affects"), 2);
	ASSERT_STR_EQ(jstr(v, "affects/0/ref"),
	    "pkg:deb/debian/libc6@2.31-13?arch=amd64&distro=debian-11");
	ASSERT_STR_EQ(jstr(v, "affects/1/ref"),
	    "pkg:deb/debian/libc6@2.31-13?arch=i386&distro=debian-11");
	ASSERT_STR_EQ(jstr(v, "ratings/0/severity"), "critical");
	ASSERT_STR_EQ(jstr(v, "analysis/response/0"), "update");
	ASSERT_STR_EQ(jstr(v, "description"), HOSTILE_JSON);
	/* every affects ref names a component; status and severity mappings */
	for (i = 0; i < 4; i++) {
		yajl_val vi;
		const char *id, *state;

		snprintf(path, sizeof(path), "vulnerabilities/%zu", i);
		vi = jget(doc, path);
		id = jstr(vi, "id");
		state = jstr(vi, "analysis/state");
		for (j = 0; j < jlen(vi, "affects"); j++) {
			char ap[48];
			const char *ref;
			size_t k, found = 0;

			snprintf(ap, sizeof(ap), "affects/%zu/ref", j);
			ref = jstr(vi, ap);
			for (k = 0; k < n; k++) {
				char cp[48];

				snprintf(cp, sizeof(cp), "components/%zu/bom-ref", k);
				found += strcmp(jstr(doc, cp), ref) == 0;
			}
			ASSERT_INT_EQ(found, 1);
		}
		if (strcmp(id, "CVE-2016-1585") == 0) {
			ASSERT_STR_EQ(jstr(vi, "ratings/0/severity"), "info");
			ASSERT_STR_EQ(jstr(vi, "analysis/response/0"), "will_not_fix");
			ASSERT_STR_EQ(jstr(vi, "analysis/detail"), "null");
		} else if (strcmp(id, "CVE-2023-9999") == 0) {
			ASSERT_STR_EQ(state, "in_triage");
			ASSERT_STR_EQ(jstr(vi, "affects/0/versions/0/status"), "unknown");
			ASSERT_STR_EQ(jstr(vi, "affects/0/ref"),
			    "pkg:deb/debian/zz@1.0?arch=amd64&distro=debian-11");
			ASSERT_INT_EQ(jlen(vi, "affects"), 2);	/* the duplicate too */
		} else if (strcmp(id, HOSTILE_ID) == 0) {
			ASSERT_STR_EQ(state, "exploitable");
			ASSERT(jget(vi, "analysis/response") == NULL);
			ASSERT(jget(vi, "description") == NULL);	/* omitted, never null */
		}
	}
	yajl_tree_free(doc);
	sb_free(&out);
}

/* ---- YAML against JSON ---------------------------------------------------- */

/* What a YAML 1.1 reader (PyYAML's resolver) would not take for a string. */
static int
plain_means_other(const char *s)
{
	static const char *const words[] = { "y", "Y", "yes", "Yes", "YES", "n", "N", "no",
		"No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
		"off", "Off", "OFF", "null", "Null", "NULL", "~", "" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return strchr("0123456789+-.:<=&*!|>'\"%@`#", s[0]) != NULL;
}

static int
yaml_eq_json(yaml_document_t *d, yaml_node_t *n, yajl_val v, char *why, size_t whylen)
{
	size_t i, len;

	if (n == NULL)
		return snprintf(why, whylen, "missing node"), 0;
	if (YAJL_IS_OBJECT(v)) {
		yaml_node_pair_t *pair = n->data.mapping.pairs.start;

		if (n->type != YAML_MAPPING_NODE)
			return snprintf(why, whylen, "not a mapping"), 0;
		len = (size_t)(n->data.mapping.pairs.top - pair);
		if (len != v->u.object.len)
			return snprintf(why, whylen, "mapping of %zu, want %zu", len,
			    v->u.object.len), 0;
		for (i = 0; i < len; i++) {
			yaml_node_t *k = yaml_document_get_node(d, pair[i].key);

			if (k == NULL || k->type != YAML_SCALAR_NODE ||
			    strcmp((const char *)k->data.scalar.value, v->u.object.keys[i]) != 0)
				return snprintf(why, whylen, "key %zu is not %s", i,
				    v->u.object.keys[i]), 0;
			if (!yaml_eq_json(d, yaml_document_get_node(d, pair[i].value),
			    v->u.object.values[i], why, whylen))
				return 0;
		}
		return 1;
	}
	if (YAJL_IS_ARRAY(v)) {
		yaml_node_item_t *item = n->data.sequence.items.start;

		if (n->type != YAML_SEQUENCE_NODE)
			return snprintf(why, whylen, "not a sequence"), 0;
		len = (size_t)(n->data.sequence.items.top - item);
		if (len != v->u.array.len)
			return snprintf(why, whylen, "sequence length"), 0;
		for (i = 0; i < len; i++)
			if (!yaml_eq_json(d, yaml_document_get_node(d, item[i]),
			    v->u.array.values[i], why, whylen))
				return 0;
		return 1;
	}
	if (n->type != YAML_SCALAR_NODE)
		return snprintf(why, whylen, "not a scalar"), 0;
	{
		const char *s = (const char *)n->data.scalar.value;
		int plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		const char *want = YAJL_IS_STRING(v) ? v->u.string : YAJL_IS_NUMBER(v) ?
		    v->u.number.r : YAJL_IS_TRUE(v) ? "true" : YAJL_IS_FALSE(v) ? "false" : "null";

		if (strlen(want) != n->data.scalar.length || strcmp(s, want) != 0)
			return snprintf(why, whylen, "scalar '%s', want '%s'", s, want), 0;
		if (YAJL_IS_STRING(v) ? plain && plain_means_other(s) : !plain)
			return snprintf(why, whylen, "scalar '%s' has the wrong style", s), 0;
	}
	return 1;
}

DEFINE_TEST(test_report_yaml)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct sb json = SB_INIT, yml = SB_INIT;
	yaml_parser_t p;
	yaml_document_t d;
	char err[256], why[256] = "";
	yajl_val doc;
	int ok;

	fixture_init(&x);
	/* strings a YAML reader would take for something else */
	x.f[4].package = "null";
	x.f[4].installed_version = "1.0";
	x.f[4].source_version = "0x1F";
	x.f[4].source_package = "~";
	x.f[3].vendor_status = "On";
	x.f[3].source = "- a: b #c";
	ASSERT_OK(&c, render(&c, "json", &x.r, &json));
	ASSERT_OK(&c, render(&c, "yaml", &x.r, &yml));
	ASSERT(xmlCheckUTF8((const xmlChar *)yml.s));
	ASSERT(strncmp(yml.s, "---\n", 4) == 0);
	doc = yajl_tree_parse(json.s, err, sizeof(err));
	ASSERT(doc != NULL);
	ASSERT(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)yml.s, yml.len);
	ok = yaml_parser_load(&p, &d);
	ASSERT(ok);
	ok = yaml_eq_json(&d, yaml_document_get_root_node(&d), doc, why, sizeof(why));
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	yajl_tree_free(doc);
	if (!ok)
		test_fail(t, __FILE__, __LINE__, "yaml differs from json: %s", why);
	sb_free(&json);
	sb_free(&yml);
}

/* ---- XML and HTML --------------------------------------------------------- */

static long
xpath_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
	long n = o && o->nodesetval ? o->nodesetval->nodeNr : -1;

	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The string value of expr (caller frees), or NULL. */
static char *
xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
	xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
	char *r = s ? strdup((const char *)s) : NULL;

	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return r;
}

DEFINE_TEST(test_report_junit)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	xmlDocPtr doc;
	char *s;

	fixture_init(&x);
	ASSERT_OK(&c, render(&c, "junit", &x.r, &out));
	ASSERT(clean_text(out.s, out.len, 1));	/* text keeps tabs */
	doc = xmlReadMemory(out.s, (int)out.len, "junit.xml", NULL, XML_PARSE_NONET);
	ASSERT(doc != NULL);
	ASSERT_INT_EQ(xpath_count(doc, "/testsuites/testsuite"), 1);
	ASSERT_INT_EQ(xpath_count(doc, "//testcase"), 6);
	ASSERT_INT_EQ(xpath_count(doc, "//testcase/failure"), 5);
	ASSERT_INT_EQ(xpath_count(doc, "//testcase/skipped"), 1);
	s = xpath_string(doc, "/testsuites/testsuite/@failures");
	ASSERT_STR_EQ(s, "5");
	free(s);
	/* hostile names survive escaping exactly (the control byte as U+FFFD) */
	s = xpath_string(doc, "//testcase[@classname='odd pkg/<x>']/@name");
	ASSERT_STR_EQ(s, HOSTILE_ID_CLEAN);
	free(s);
	s = xpath_string(doc, "//testcase[@name='CVE-2024-0001'][1]/failure/@type");
	ASSERT_STR_EQ(s, "critical");
	free(s);
	s = xpath_string(doc, "//testcase[@name='CVE-2024-0001'][1]/failure");
	ASSERT(s && strstr(s, "<script>alert(1)</script>&amp; ") != NULL);
	ASSERT(strstr(s, "\xef\xbf\xbd[31m") != NULL);	/* ESC replaced */
	ASSERT(strstr(s, "decision: fail\n") != NULL);
	free(s);
	s = xpath_string(doc, "//testcase[@classname='not-assessed.package']/@name");
	ASSERT_STR_EQ(s, "mystery<pkg>");
	free(s);
	/* the attribute keeps tab and newline (as character references) */
	s = xpath_string(doc, "//testcase[@classname='not-assessed.package']/skipped/@message");
	ASSERT(s && strstr(s, "\tend\r\nline2") != NULL);
	free(s);
	xmlFreeDoc(doc);

	/* nothing found, nothing missed: one passing test case */
	x.m.nfindings = 0;
	x.m.nnot_assessed = 0;
	ASSERT_OK(&c, render(&c, "junit", &x.r, &out));
	doc = xmlReadMemory(out.s, (int)out.len, "junit.xml", NULL, XML_PARSE_NONET);
	ASSERT(doc != NULL);
	ASSERT_INT_EQ(xpath_count(doc, "//testcase"), 1);
	ASSERT_INT_EQ(xpath_count(doc, "//failure"), 0);
	xmlFreeDoc(doc);
	sb_free(&out);
}

/* 'sha256-BASE64' of s[0..len) as the CSP writes it. */
static void
csp_of(const char *s, size_t len, char *out, size_t outlen)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, (const unsigned char *)s, len);
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, outlen, "'sha256-%s'", b64);
}

/* The text between open and close (the first pair), for its CSP hash. */
static int
element_hash(const char *html, const char *open, const char *close, char *out, size_t outlen)
{
	const char *a = strstr(html, open), *b;

	if (a == NULL || (b = strstr(a, close)) == NULL)
		return 0;
	a += strlen(open);
	csp_of(a, (size_t)(b - a), out, outlen);
	return 1;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

DEFINE_TEST(test_report_html)
{
	static const char *const external[] = { "http:", "https:", "//", " src=", " href=",
		"url(", "@import", "<link", "<img", "<iframe", "<object", "<embed", "<base" };
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	char hash[128], want[160];
	htmlDocPtr doc;
	char *s;
	size_t i;

	ASSERT(sodium_init() >= 0);
	fixture_init(&x);
	ASSERT_OK(&c, render(&c, "html", &x.r, &out));
	ASSERT(clean_text(out.s, out.len, 0));
	/* our one script and style; the hostile markup only escaped */
	ASSERT_INT_EQ(count(out.s, "<script"), 1);
	ASSERT_INT_EQ(count(out.s, "</script"), 1);
	ASSERT_INT_EQ(count(out.s, "<style"), 1);
	ASSERT(strstr(out.s, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;") != NULL);
	for (i = 0; i < sizeof(external) / sizeof(external[0]); i++)
		if (strstr(out.s, external[i]) != NULL)
			test_fail(t, __FILE__, __LINE__, "html contains %s", external[i]);
	if (t->failed)
		return;
	/* the CSP allows exactly our script and style, by hash */
	ASSERT(element_hash(out.s, "<script>", "</script>", hash, sizeof(hash)));
	snprintf(want, sizeof(want), "script-src %s;", hash);
	ASSERT(strstr(out.s, want) != NULL);
	ASSERT(element_hash(out.s, "<style>", "</style>", hash, sizeof(hash)));
	snprintf(want, sizeof(want), "style-src %s;", hash);
	ASSERT(strstr(out.s, want) != NULL);
	ASSERT(strstr(out.s, "default-src 'none'") != NULL);

	doc = htmlReadMemory(out.s, (int)out.len, "report.html", "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ASSERT(doc != NULL);
	ASSERT_INT_EQ(xpath_count(doc, "//tr[@class='finding']"), 5);
	ASSERT_INT_EQ(xpath_count(doc, "//script"), 1);
	ASSERT_INT_EQ(xpath_count(doc, "//tr[@class='not-assessed']"), 1);
	s = xpath_string(doc, "//tr[@class='finding'][3]/td[2]");
	ASSERT_STR_EQ(s, HOSTILE_ID_CLEAN);
	free(s);
	s = xpath_string(doc, "//tr[@class='finding'][3]/td[3]");
	ASSERT_STR_EQ(s, "odd pkg/<x>");
	free(s);
	s = xpath_string(doc, "//tr[@class='finding'][1]/@data-severity");
	ASSERT_STR_EQ(s, "critical");
	free(s);
	s = xpath_string(doc, "//tr[@class='finding'][1]/@data-decision");
	ASSERT_STR_EQ(s, "fail");
	free(s);
	s = xpath_string(doc, "//tr[@class='finding'][1]/td[5]");
	ASSERT_STR_EQ(s, "2.31-13+deb11u5");
	free(s);
	s = xpath_string(doc, "//tr[@class='finding'][1]/td[9]/@data-sort");
	ASSERT_STR_EQ(s, "0");
	free(s);
	s = xpath_string(doc, "//section[@id='bundle']");
	ASSERT(s && strstr(s, "0123456789ABCDEF") != NULL && strstr(s, "42") != NULL);
	free(s);
	s = xpath_string(doc, "//span[@id='verdict']");
	ASSERT_STR_EQ(s, "fail");
	free(s);
	xmlFreeDoc(doc);
	sb_free(&out);
}

/* Two scans of the same input an hour apart differ only in the time stamps. */
DEFINE_TEST(test_report_deterministic)
{
	static const char *const formats[] = { "yaml", "sarif", "cyclonedx", "html", "junit" };
	struct ctx c = { 0 };
	struct fixture x;
	struct sb a = SB_INIT, b = SB_INIT, fixed = SB_INIT;
	char t1[32], t2[32];
	const char *p, *q;
	size_t i;

	fixture_init(&x);
	report_iso8601(x.r.now, t1);
	report_iso8601(x.r.now + 3600, t2);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		x.r.now = T_CREATED + 3600;
		ASSERT_OK(&c, render(&c, formats[i], &x.r, &a));
		x.r.now = T_CREATED + 7200;
		ASSERT_OK(&c, render(&c, formats[i], &x.r, &b));
		ASSERT(strcmp(a.s, b.s) != 0);
		/* b with its time replaced by a's */
		sb_reset(&fixed);
		for (p = b.s; (q = strstr(p, t2)) != NULL; p = q + strlen(t2)) {
			sb_add(&fixed, p, (size_t)(q - p));
			sb_adds(&fixed, t1);
		}
		sb_adds(&fixed, p);
		if (strcmp(a.s, sb_str(&fixed)) != 0)
			test_fail(t, __FILE__, __LINE__, "%s differs beyond the scan time",
			    formats[i]);
	}
	sb_free(&a);
	sb_free(&b);
	sb_free(&fixed);
}

/* The policy's decisions: a waived finding is skipped / suppressed, a passing
 * one is no failure. */
DEFINE_TEST(test_report_decisions)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct policy pol;
	struct policy_waiver wv;
	struct policy_finding_eval fe[5];
	struct policy_eval ev;
	struct sb out = SB_INIT;
	char err[256];
	xmlDocPtr xdoc;
	yajl_val jdoc;
	char *s;
	size_t i;

	fixture_init(&x);
	memset(&pol, 0, sizeof(pol));
	memset(&wv, 0, sizeof(wv));
	memset(&ev, 0, sizeof(ev));
	wv.owner = "Alice <a@example.org>";
	wv.reason = HOSTILE;
	strcpy(wv.expires, "2099-01-01");
	pol.path = "policy.yaml";
	pol.waivers = &wv;
	pol.nwaivers = 1;
	for (i = 0; i < 5; i++) {
		memset(&fe[i], 0, sizeof(fe[i]));
		fe[i].decision = POLICY_FAIL;
		fe[i].why = "severity critical fails";
		fe[i].waiver = fe[i].expired_waiver = -1;
	}
	fe[2].decision = POLICY_WAIVED;
	fe[2].waiver = 0;
	fe[3].decision = POLICY_PASS;
	fe[3].why = "severity negligible is below the threshold";
	ev.policy = &pol;
	ev.findings = fe;
	ev.nfindings = 5;
	ev.verdict = REPORT_FAIL;
	x.r.policy = &pol;
	x.r.eval = &ev;

	ASSERT_OK(&c, render(&c, "junit", &x.r, &out));
	xdoc = xmlReadMemory(out.s, (int)out.len, "junit.xml", NULL, XML_PARSE_NONET);
	ASSERT(xdoc != NULL);
	ASSERT_INT_EQ(xpath_count(xdoc, "//testcase/failure"), 3);
	ASSERT_INT_EQ(xpath_count(xdoc, "//testcase/skipped"), 2);
	ASSERT_INT_EQ(xpath_count(xdoc, "//testcase[@name='CVE-2016-1585']/system-out"), 1);
	s = xpath_string(xdoc, "/testsuites/testsuite/@failures");
	ASSERT_STR_EQ(s, "3");
	free(s);
	s = xpath_string(xdoc, "//testcase[@classname='odd pkg/<x>']/skipped/@message");
	ASSERT(s && strncmp(s, "waived: q\"u'o<script>", 21) == 0);
	ASSERT(strstr(s, "(owner Alice <a@example.org>, expires 2099-01-01)") != NULL);
	free(s);
	xmlFreeDoc(xdoc);

	ASSERT_OK(&c, render(&c, "sarif", &x.r, &out));
	jdoc = yajl_tree_parse(out.s, err, sizeof(err));
	ASSERT(jdoc != NULL);
	ASSERT_STR_EQ(jstr(jdoc, "runs/0/results/2/suppressions/0/status"), "accepted");
	ASSERT_STR_EQ(jstr(jdoc, "runs/0/results/2/properties/decision"), "waived");
	ASSERT(jget(jdoc, "runs/0/results/3/suppressions") == NULL);
	ASSERT_STR_EQ(jstr(jdoc, "runs/0/results/3/properties/decision"), "pass");
	yajl_tree_free(jdoc);

	ASSERT_OK(&c, render(&c, "html", &x.r, &out));
	ASSERT(strstr(out.s, "data-decision=\"waived\"") != NULL);
	ASSERT(strstr(out.s, "data-decision=\"pass\"") != NULL);
	ASSERT(strstr(out.s, "<td>policy.yaml</td>") != NULL);

	ASSERT_OK(&c, render(&c, "cyclonedx", &x.r, &out));
	ASSERT(strstr(out.s, "\"value\": \"waived\"") != NULL);
	ASSERT(strstr(out.s, "\"value\": \"2099-01-01\"") != NULL);
	sb_free(&out);
}

/* ---- bundle provenance and trust overrides -------------------------------- */

/* The value of the nth metadata property called name in a CycloneDX document;
 * *count (when set) gets how many there are. */
static const char *
cdx_prop(yajl_val doc, const char *name, size_t nth, size_t *count)
{
	const char *found = NULL;
	char path[48];
	size_t i, n = jlen(doc, "metadata/properties"), k = 0;

	for (i = 0; n != (size_t)-1 && i < n; i++) {
		snprintf(path, sizeof(path), "metadata/properties/%zu/name", i);
		if (strcmp(jstr(doc, path), name) != 0)
			continue;
		if (k++ == nth) {
			snprintf(path, sizeof(path), "metadata/properties/%zu/value", i);
			found = jstr(doc, path);
		}
	}
	if (count)
		*count = k;
	return found;
}

/* A JUnit suite property's value (caller frees), or NULL. */
static char *
junit_prop(xmlDocPtr doc, const char *name)
{
	char expr[128];

	snprintf(expr, sizeof(expr), "/testsuites/testsuite/properties/property[@name='%s']/@value",
	    name);
	return xpath_count(doc, expr) == 1 ? xpath_string(doc, expr) : NULL;
}

/* Every format carries serial, times, key id, the feeds' records and the inputs'
 * sha256, and states a bundle used past expiry or below the installed serial. */
#define RB "runs/0/properties/bundle/"	/* SARIF: the bundle's run properties */
#define CN "runs/0/invocations/0/toolConfigurationNotifications"
DEFINE_TEST(test_report_provenance)
{
	struct ctx c = { 0 };
	struct fixture x;
	struct sb out = SB_INIT;
	char err[256], *s;
	yajl_val doc;
	xmlDocPtr xdoc;
	size_t n;
	int over;

	fixture_init(&x);
	for (over = 0; over < 2; over++) {
		if (over) {
			x.meta.expired = 1;
			x.meta.downgrade = 1;
			x.meta.downgraded_from = 50;
		}

		/* JSON: the manifest under bundle.inputs, the overrides as they are */
		ASSERT_OK(&c, render(&c, "json", &x.r, &out));
		doc = yajl_tree_parse(out.s, err, sizeof(err));
		ASSERT(doc != NULL);
		ASSERT_INT_EQ(jint(doc, "bundle/serial"), 42);
		ASSERT_STR_EQ(jstr(doc, "bundle/key_id"), "0123456789ABCDEF");
		ASSERT_STR_EQ(jstr(doc, "bundle/expires"), "2025-12-28T12:00:00Z");
		ASSERT_INT_EQ(jint(doc, "bundle/sources/0/records"), 40);
		ASSERT_INT_EQ(jlen(doc, "bundle/inputs"), 2);
		ASSERT_STR_EQ(jstr(doc, "bundle/inputs/0/source"), "debian");
		ASSERT_STR_EQ(jstr(doc, "bundle/inputs/0/path"), "feeds/tracker \"<debian>\".json");
		ASSERT_STR_EQ(jstr(doc, "bundle/inputs/0/sha256"), IN0_SHA256);
		ASSERT_INT_EQ(jint(doc, "bundle/inputs/0/bytes"), 123456);
		ASSERT_STR_EQ(jstr(doc, "bundle/inputs/0/upstream_time"), "2025-11-27T08:00:00Z");
		ASSERT_STR_EQ(jstr(doc, "bundle/inputs/1/sha256"), IN1_SHA256);
		ASSERT(YAJL_IS_NULL(jget(doc, "bundle/inputs/1/upstream_time")));
		ASSERT(over ? YAJL_IS_TRUE(jget(doc, "bundle/expired")) :
		    YAJL_IS_FALSE(jget(doc, "bundle/expired")));
		ASSERT(over ? YAJL_IS_TRUE(jget(doc, "bundle/downgrade")) :
		    YAJL_IS_FALSE(jget(doc, "bundle/downgrade")));
		if (over)
			ASSERT_INT_EQ(jint(doc, "bundle/downgraded_from"), 50);
		else
			ASSERT(YAJL_IS_NULL(jget(doc, "bundle/downgraded_from")));
		yajl_tree_free(doc);
		ASSERT_OK(&c, render(&c, "yaml", &x.r, &out));
		ASSERT(strstr(out.s, over ? "\n  expired: true\n" : "\n  expired: false\n") !=
		    NULL);
		ASSERT(strstr(out.s, IN1_SHA256) != NULL);

		/* SARIF: the run's properties, and configuration warnings */
		ASSERT_OK(&c, render(&c, "sarif", &x.r, &out));
		doc = yajl_tree_parse(out.s, err, sizeof(err));
		ASSERT(doc != NULL);
		ASSERT_INT_EQ(jint(doc, RB "serial"), 42);
		ASSERT_STR_EQ(jstr(doc, RB "key_id"), "0123456789ABCDEF");
		ASSERT_STR_EQ(jstr(doc, RB "created"), "2025-11-28T12:00:00Z");
		ASSERT_STR_EQ(jstr(doc, RB "expires"), "2025-12-28T12:00:00Z");
		ASSERT_STR_EQ(jstr(doc, RB "feeds/0/name"), "debian");
		ASSERT_INT_EQ(jint(doc, RB "feeds/0/records"), 40);
		ASSERT_INT_EQ(jlen(doc, RB "inputs"), 2);
		ASSERT_STR_EQ(jstr(doc, RB "inputs/0/sha256"), IN0_SHA256);
		ASSERT_STR_EQ(jstr(doc, RB "inputs/1/sha256"), IN1_SHA256);
		ASSERT(over == YAJL_IS_TRUE(jget(doc, RB "expired")));
		ASSERT(over == YAJL_IS_TRUE(jget(doc, RB "downgrade")));
		ASSERT_INT_EQ(jint(doc, RB "downgraded_from"), over ? 50 : -1);
		if (over) {
			ASSERT_INT_EQ(jlen(doc, CN), 2);
			ASSERT_STR_EQ(jstr(doc, CN "/0/descriptor/id"), "airlock/bundle-expired");
			ASSERT_STR_EQ(jstr(doc, CN "/0/level"), "warning");
			ASSERT(strstr(jstr(doc, CN "/0/message/text"), "expired on "
			    "2025-12-28T12:00:00Z and was used with --allow-expired") != NULL);
			ASSERT_STR_EQ(jstr(doc, CN "/1/descriptor/id"), "airlock/bundle-downgrade");
			ASSERT(strstr(jstr(doc, CN "/1/message/text"),
			    "installed serial 50 and was used with --allow-downgrade") != NULL);
		} else
			ASSERT(jget(doc, CN) == NULL);
		yajl_tree_free(doc);

		/* CycloneDX: airlock:bundle:* metadata properties, values as strings */
		ASSERT_OK(&c, render(&c, "cyclonedx", &x.r, &out));
		doc = yajl_tree_parse(out.s, err, sizeof(err));
		ASSERT(doc != NULL);
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:serial", 0, NULL), "42");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:key_id", 0, NULL), "0123456789ABCDEF");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:created", 0, NULL),
		    "2025-11-28T12:00:00Z");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:expires", 0, NULL),
		    "2025-12-28T12:00:00Z");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:feed:0:name", 0, NULL), "debian");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:feed:0:records", 0, NULL), "40");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:input:0:sha256", 0, NULL), IN0_SHA256);
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:input:0:path", 0, NULL),
		    "feeds/tracker \"<debian>\".json");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:input:1:sha256", 0, NULL), IN1_SHA256);
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:input:1:bytes", 0, NULL), "789");
		/* no upstream time: no property (CycloneDX has no null) */
		ASSERT(cdx_prop(doc, "airlock:bundle:input:1:upstream_time", 0, &n) == NULL);
		ASSERT_INT_EQ(n, 0);
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:expired", 0, NULL),
		    over ? "true" : "false");
		ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:downgrade", 0, NULL),
		    over ? "true" : "false");
		if (over) {
			ASSERT_STR_EQ(cdx_prop(doc, "airlock:bundle:downgraded_from", 0, NULL),
			    "50");
			ASSERT(strstr(cdx_prop(doc, "airlock:bundle:warning", 0, &n),
			    "--allow-expired") != NULL);
			ASSERT_INT_EQ(n, 2);
			ASSERT(strstr(cdx_prop(doc, "airlock:bundle:warning", 1, NULL),
			    "--allow-downgrade") != NULL);
		} else {
			ASSERT(cdx_prop(doc, "airlock:bundle:downgraded_from", 0, NULL) == NULL);
			ASSERT(cdx_prop(doc, "airlock:bundle:warning", 0, NULL) == NULL);
		}
		yajl_tree_free(doc);

		/* JUnit: suite properties; the warnings also in the suite's system-err */
		ASSERT_OK(&c, render(&c, "junit", &x.r, &out));
		xdoc = xmlReadMemory(out.s, (int)out.len, "junit.xml", NULL, XML_PARSE_NONET);
		ASSERT(xdoc != NULL);
		s = junit_prop(xdoc, "bundle.serial");
		ASSERT_STR_EQ(s, "42");
		free(s);
		s = junit_prop(xdoc, "bundle.key_id");
		ASSERT_STR_EQ(s, "0123456789ABCDEF");
		free(s);
		s = junit_prop(xdoc, "bundle.expires");
		ASSERT_STR_EQ(s, "2025-12-28T12:00:00Z");
		free(s);
		s = junit_prop(xdoc, "bundle.feed.0.records");
		ASSERT_STR_EQ(s, "40");
		free(s);
		s = junit_prop(xdoc, "bundle.input.0.path");
		ASSERT_STR_EQ(s, "feeds/tracker \"<debian>\".json");
		free(s);
		s = junit_prop(xdoc, "bundle.input.1.sha256");
		ASSERT_STR_EQ(s, IN1_SHA256);
		free(s);
		s = junit_prop(xdoc, "bundle.expired");
		ASSERT_STR_EQ(s, over ? "true" : "false");
		free(s);
		s = junit_prop(xdoc, "bundle.downgrade");
		ASSERT_STR_EQ(s, over ? "true" : "false");
		free(s);
		s = junit_prop(xdoc, "bundle.downgraded_from");
		if (over)
			ASSERT_STR_EQ(s, "50");
		else
			ASSERT(s == NULL);
		free(s);
		ASSERT_INT_EQ(xpath_count(xdoc, "/testsuites/testsuite/properties/"
		    "property[@name='bundle.warning']"), over ? 2 : 0);
		ASSERT_INT_EQ(xpath_count(xdoc, "/testsuites/testsuite/system-err"), over);
		if (over) {
			s = xpath_string(xdoc, "/testsuites/testsuite/system-err");
			ASSERT(s && strstr(s, "expired on 2025-12-28T12:00:00Z") != NULL &&
			    strstr(s, "installed serial 50") != NULL);
			free(s);
		}
		xmlFreeDoc(xdoc);

		/* HTML: the Bundle section, and a banner only with an override */
		ASSERT_OK(&c, render(&c, "html", &x.r, &out));
		xdoc = htmlReadMemory(out.s, (int)out.len, "report.html", "UTF-8",
		    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
		ASSERT(xdoc != NULL);
		s = xpath_string(xdoc, "//section[@id='bundle']//tr[th='Serial']/td");
		ASSERT_STR_EQ(s, "42");
		free(s);
		s = xpath_string(xdoc, "//section[@id='bundle']//tr[th='Signing key id']/td");
		ASSERT_STR_EQ(s, "0123456789ABCDEF");
		free(s);
		s = xpath_string(xdoc, "//section[@id='bundle']//tr[th='Expires']/td");
		ASSERT_STR_EQ(s, "2025-12-28T12:00:00Z");
		free(s);
		s = xpath_string(xdoc,
		    "//section[@id='bundle']//tr[th='Expired (--allow-expired)']/td");
		ASSERT_STR_EQ(s, over ? "yes" : "no");
		free(s);
		s = xpath_string(xdoc,
		    "//section[@id='bundle']//tr[th='Downgrade (--allow-downgrade)']/td");
		ASSERT_STR_EQ(s, over ? "yes, from serial 50" : "no");
		free(s);
		s = xpath_string(xdoc, "//table[@id='feeds']//tr[@class='source']/td[4]");
		ASSERT_STR_EQ(s, "40");
		free(s);
		ASSERT_INT_EQ(xpath_count(xdoc, "//table[@id='inputs']//tr[@class='input']"), 2);
		s = xpath_string(xdoc, "//tr[@class='input'][1]/td[2]");
		ASSERT_STR_EQ(s, "feeds/tracker \"<debian>\".json");
		free(s);
		s = xpath_string(xdoc, "//tr[@class='input'][1]/td[3]");
		ASSERT_STR_EQ(s, IN0_SHA256);
		free(s);
		s = xpath_string(xdoc, "//tr[@class='input'][2]/td[3]");
		ASSERT_STR_EQ(s, IN1_SHA256);
		free(s);
		/* the banner is in the page's header, before the summary */
		ASSERT_INT_EQ(xpath_count(xdoc, "//header/div[@id='trust-warning'][@role='alert']"),
		    over);
		if (over) {
			s = xpath_string(xdoc, "//p[@id='warning-expired']");
			ASSERT(s && strstr(s, "expired on 2025-12-28T12:00:00Z and was used "
			    "with --allow-expired") != NULL);
			free(s);
			s = xpath_string(xdoc, "//p[@id='warning-downgrade']");
			ASSERT(s && strstr(s, "installed serial 50") != NULL);
			free(s);
		}
		xmlFreeDoc(xdoc);
	}
	sb_free(&out);
}
