#!/bin/sh
# reports.sh - every report format from one real scan: the sample image against a bundle
# built from the real Debian tracker samples, all formats written in ONE run. SARIF,
# CycloneDX (scan and inventory) and JUnit must validate against their published schemas
# with the shared offline validator; every format must name the same findings as the JSON
# report; the HTML page is rendered in headless Chromium (DOM dump: every finding row, the
# sort and filter script ran; a screenshot) and must reference nothing external. A second
# bundle whose feed text is hostile (markup, script, quotes, control characters) checks
# that no format breaks and that the browser runs no injected script. Every format states the
# bundle's provenance as the JSON report does (serial, times, key id, feeds with records, the
# manifest's inputs with sha256), checked again for a bundle used with --allow-expired and
# --allow-downgrade, which every format must state.
#
# Test dependencies (Debian): jq, python3, python3-yaml, python3-jsonschema,
# python3-rfc3987, libxml2-utils, chromium. The validator is
# $top_srcdir/../shared/tools/validate-report (or $AIRLOCK_VALIDATE_REPORT).
. "$(dirname "$0")/setup.sh"

need python3 python3
need xmllint libxml2-utils
need chromium chromium
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: python3-yaml is required"; exit 1; }
VALIDATE=${AIRLOCK_VALIDATE_REPORT:-$top_srcdir/../shared/tools/validate-report}
if [ ! -x "$VALIDATE" ]; then
	echo "FAIL: the report validator $VALIDATE is missing (set AIRLOCK_VALIDATE_REPORT)"
	exit 1
fi

# validate KIND FILE: the shared validator must accept it
validate() {
	if "$VALIDATE" "$1" "$2" >"$TMP/validate.out" 2>&1; then
		pass "$(basename "$2") is valid $1"
	else
		fail "$(basename "$2") is not valid $1"; head -n 20 "$TMP/validate.out"
	fi
}

# browser ARGS... FILE-URL: headless Chromium with a throw-away profile, nothing phoning home
browser() {
	profile=$(mktemp -d "$TMP/chromium.XXXXXX")
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" "$@" 2>"$TMP/chromium.err"
}

# same_findings NAME FILE: FILE (vulnerability, package, status, fixed) equals the JSON's
same_findings() {
	LC_ALL=C sort "$2" >"$2.sorted"
	if cmp -s "$TMP/want.tsv" "$2.sorted" && [ -s "$2.sorted" ]; then
		pass "$1 names the same $(wc -l <"$2.sorted") findings as the JSON report"
	else
		fail "$1 findings differ from the JSON report"; diff "$TMP/want.tsv" "$2.sorted" | head
	fi
}

# Python readers of the XML and HTML outputs: one tab-separated finding per line.
cat >"$TMP/junit.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
for tc in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    f = tc.find("failure")
    if f is None:
        continue
    kv = dict(l.split(": ", 1) for l in (f.text or "").splitlines() if ": " in l)
    assert kv["vulnerability"] == tc.get("name") and kv["package"] == tc.get("classname")
    print("\t".join([tc.get("name"), tc.get("classname"), kv["status"], kv.get("fixed_version", "")]))
EOF
cat >"$TMP/dom.py" <<'EOF'
# dom.py DUMP MODE: rows (all finding rows: vuln, package, status, fixed, hidden flag),
# or attr NAME (the value of attribute NAME wherever it appears), or tags (element names).
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.row, self.cell, self.attrs, self.tags = [], None, None, {}, set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        for k, v in a.items():
            self.attrs.setdefault(k, []).append(v)
        if tag == "tr" and a.get("class") == "finding":
            self.row = {"cells": [], "hidden": "hidden" in a}
        elif tag == "td" and self.row is not None:
            self.cell = []
    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row["cells"].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
    def handle_data(self, d):
        if self.cell is not None:
            self.cell.append(d)
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
if sys.argv[2] == "rows":
    for r in p.rows:
        c = r["cells"]   # severity vuln package installed fixed status decision evidence layer
        print("\t".join([c[1], c[2], c[5], c[4], "hidden" if r["hidden"] else "shown"]))
elif sys.argv[2] == "attr":
    for v in p.attrs.get(sys.argv[3], []):
        print(v)
elif sys.argv[2] == "tags":
    print("\n".join(sorted(p.tags)))
elif sys.argv[2] == "text":
    print(sys.argv[3] in "".join(c for r in p.rows for c in r["cells"]))
EOF
cat >"$TMP/regions.py" <<'EOF'
# regions.py IMAGE SARIF: every dpkg region of the SARIF starts at "Package: NAME" of the
# image's final var/lib/dpkg/status (read here with Python's tarfile, not airlock)
import io, json, sys, tarfile
t = tarfile.open(sys.argv[1])
status = None
for layer in json.load(t.extractfile("manifest.json"))[0]["Layers"]:
    lt = tarfile.open(fileobj=io.BytesIO(t.extractfile(layer).read()))
    for m in lt.getmembers():
        if m.name.lstrip("./") == "var/lib/dpkg/status":
            status = lt.extractfile(m).read().decode().split("\n")
n = 0
for res in json.load(open(sys.argv[2]))["runs"][0]["results"]:
    for loc in res["locations"]:
        pl = loc["physicalLocation"]
        assert pl["artifactLocation"]["uri"] == "var/lib/dpkg/status", pl
        first, last = pl["region"]["startLine"], pl["region"]["endLine"]
        want = "Package: " + loc["logicalLocations"][0]["name"]
        assert status[first - 1] == want, (status[first - 1], want)
        assert last == len(status) or status[last] == "", (last, status[last])
        n += 1
print(n)
EOF

make_bundle "$TMP" --serial 1000
R=$TMP/r
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" \
	-f json -o "$R.json" -f yaml -o "$R.yaml" -f sarif -o "$R.sarif" \
	-f cyclonedx -o "$R.cdx.json" -f html -o "$R.html" -f junit -o "$R.junit.xml" \
	-f table -o "$R.txt" "$SAMPLE" && pass "one scan wrote seven formats (exit 1: findings)"
for f in json yaml sarif cdx.json html junit.xml txt; do
	[ -s "$R.$f" ] || fail "$R.$f is missing or empty"
done
jq -r '.findings[] | [.vulnerability, .package, .status, (.fixed_version // "")] | @tsv' "$R.json" |
	LC_ALL=C sort >"$TMP/want.tsv"
nall=$(wc -l <"$TMP/want.tsv")
# the expectation must be meaningful: the sample has a fixed and an unfixed finding
grep -q '	fixed	' "$TMP/want.tsv" && grep -q '	unfixed	' "$TMP/want.tsv" ||
	fail "the JSON report lacks a fixed or an unfixed finding: test data changed?"

# --- schemas
validate sarif "$R.sarif"
validate cyclonedx-1.5 "$R.cdx.json"
validate junit "$R.junit.xml"
xmllint --noout --nonet "$R.junit.xml" && pass "xmllint parses the JUnit report" ||
	fail "xmllint rejects the JUnit report"
expect_status 0 "$AIRLOCK" packages -f cyclonedx -o "$TMP/packages.cdx.json" "$SAMPLE" &&
	validate cyclonedx-1.5 "$TMP/packages.cdx.json"

# --- YAML: the JSON report's content exactly
if python3 -c 'import json, sys, yaml
sys.exit(yaml.safe_load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$R.yaml" "$R.json"; then
	pass "YAML loads to exactly the JSON report"
else
	fail "YAML differs from the JSON report"
fi

# --- SARIF
jq -r '.runs[0].results[] | [.ruleId, .properties.package, .properties.status,
	(.properties.fixed_version // "")] | @tsv' "$R.sarif" >"$TMP/sarif.tsv"
same_findings SARIF "$TMP/sarif.tsv"
[ "$(jq '.runs[0] | [.results[] as $r | .tool.driver.rules[$r.ruleIndex].id == $r.ruleId] | all' \
	"$R.sarif")" = true ] && pass "SARIF ruleIndex names each result's rule" || fail "SARIF ruleIndex"
[ "$(jq '.runs[0].tool.driver.rules | map(.id) | (. == unique)' "$R.sarif")" = true ] &&
	pass "SARIF has one rule per vulnerability id" || fail "SARIF rules repeat"
[ "$(jq -r '[.runs[0].results[] | .level] | unique | join(",")' "$R.sarif")" = "note,warning" ] &&
	pass "SARIF levels: negligible -> note, unknown -> warning" || fail "SARIF levels"
if n=$(python3 "$TMP/regions.py" "$SAMPLE" "$R.sarif" 2>"$TMP/regions.err"); then
	pass "SARIF: $n locations point at their package's stanza in var/lib/dpkg/status"
else
	fail "SARIF regions"; cat "$TMP/regions.err"
fi

# --- CycloneDX: findings through affects -> bom-ref -> component, purls from the inventory
jq -r '(.components | map({key: ."bom-ref", value: .}) | from_entries) as $c |
	.vulnerabilities[] | . as $v | (.properties | map({key: .name, value: .value}) |
	from_entries) as $p | .affects[] | [$v.id, $c[.ref].name, $p["airlock:status"],
	($p["airlock:fixed_version"] // "")] | @tsv' "$R.cdx.json" >"$TMP/cdx.tsv"
same_findings CycloneDX "$TMP/cdx.tsv"
expect_status 0 "$AIRLOCK" packages -f json "$SAMPLE" && cp "$TMP/out" "$TMP/packages.json"
jq -r '.packages[] | "pkg:deb/debian/\(.name | @uri)@\(.version | @uri)?arch=\(.arch | @uri)&distro=debian-11"' \
	"$TMP/packages.json" | LC_ALL=C sort >"$TMP/purl.want"
jq -r '.components[] | select(.type == "library") | .purl' "$R.cdx.json" | LC_ALL=C sort >"$TMP/purl.got"
jq -r '.components[] | select(.type == "library") | .purl' "$TMP/packages.cdx.json" |
	LC_ALL=C sort >"$TMP/purl.inv"
if cmp -s "$TMP/purl.want" "$TMP/purl.got" && cmp -s "$TMP/purl.want" "$TMP/purl.inv"; then
	pass "CycloneDX: $(wc -l <"$TMP/purl.want") purls, one per installed package (scan and inventory)"
else
	fail "CycloneDX purls differ from the inventory"; diff "$TMP/purl.want" "$TMP/purl.got" | head
fi
grep -q 'pkg:deb/debian/bsdutils@1%3A2.36.1-8%2Bdeb11u2?arch=amd64&distro=debian-11' "$R.cdx.json" &&
	pass "CycloneDX purl encodes an epoch and '+'" || fail "CycloneDX purl of bsdutils"
[ "$(jq -r '.metadata.component.hashes[0].content' "$R.cdx.json")" = \
	"$(sha256sum "$SAMPLE" | cut -d' ' -f1)" ] && pass "CycloneDX image hash is the archive's sha256" ||
	fail "CycloneDX image hash"

# --- JUnit
if python3 "$TMP/junit.py" "$R.junit.xml" >"$TMP/junit.tsv" 2>"$TMP/junit.err"; then
	same_findings JUnit "$TMP/junit.tsv"
else
	fail "JUnit test cases do not parse"; cat "$TMP/junit.err"
fi

# --- HTML: self-contained
[ "$(jq '[.. | strings | select(test("https?:|//|src=|href="))] | length' "$R.json")" = 0 ] ||
	fail "the scan's own data contains URLs: the grep below would not prove anything"
if grep -Eio 'https?:|//|src=|href=|url\(|@import|<link|<iframe|<img|<object|<embed|<base' \
	"$R.html" >"$TMP/external"; then
	fail "HTML references something external: $(sort -u "$TMP/external" | tr '\n' ' ')"
else
	pass "HTML references nothing external"
fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$R.html" &&
	pass "HTML forbids every fetch (CSP default-src 'none')" || fail "HTML CSP"

# --- HTML in a real browser
if browser --dump-dom "file://$R.html" >"$TMP/dom.html" && [ -s "$TMP/dom.html" ]; then
	python3 "$TMP/dom.py" "$TMP/dom.html" rows | cut -f1-4 >"$TMP/html.tsv"
	same_findings "HTML (rendered DOM)" "$TMP/html.tsv"
	[ "$(python3 "$TMP/dom.py" "$TMP/dom.html" attr data-airlock-script)" = ready ] &&
		pass "the page's script initialised" || fail "the page's script did not run"
	grep -q ">$nall of $nall shown<" "$TMP/dom.html" && pass "the script counted the rows" ||
		fail "row count not written"
else
	fail "chromium --dump-dom failed"; tail -n 5 "$TMP/chromium.err"
fi
# sorting and filtering, driven through the URL fragment
python3 "$TMP/dom.py" "$TMP/dom.html" rows | cut -f2 >"$TMP/unsorted"
browser --dump-dom "file://$R.html#sort=package&dir=asc" >"$TMP/sorted.html"
python3 "$TMP/dom.py" "$TMP/sorted.html" rows | cut -f2 >"$TMP/sorted.got"
LC_ALL=C sort "$TMP/unsorted" >"$TMP/sorted.want"
cmp -s "$TMP/unsorted" "$TMP/sorted.want" &&
	fail "the report's own order is already by package: sorting would prove nothing"
cmp -s "$TMP/sorted.got" "$TMP/sorted.want" && grep -q 'data-sorted="package:asc"' "$TMP/sorted.html" &&
	pass "the script sorts by package" || { fail "sorting by package"; cat "$TMP/sorted.got"; }
browser --dump-dom "file://$R.html#sort=package&dir=desc" >"$TMP/sorted.html"
python3 "$TMP/dom.py" "$TMP/sorted.html" rows | cut -f2 >"$TMP/sorted.got"
LC_ALL=C sort -r "$TMP/unsorted" >"$TMP/sorted.want"
cmp -s "$TMP/sorted.got" "$TMP/sorted.want" && grep -q 'data-sorted="package:desc"' "$TMP/sorted.html" &&
	pass "the script sorts by package, descending" || fail "sorting by package, descending"
nfixed=$(grep -c '	fixed	' "$TMP/want.tsv")
browser --dump-dom "file://$R.html#status=fixed" >"$TMP/filtered.html"
python3 "$TMP/dom.py" "$TMP/filtered.html" rows | awk -F'\t' '
	($3 == "fixed") != ($5 == "shown") { bad++ } END { exit bad > 0 }' &&
	grep -q ">$nfixed of $nall shown<" "$TMP/filtered.html" &&
	pass "the script filters by status ($nfixed of $nall shown)" || fail "filtering by status"
browser --window-size=1400,1000 --screenshot="$TMP/report.png" "file://$R.html" >/dev/null
if [ -s "$TMP/report.png" ] && [ "$(head -c 8 "$TMP/report.png" | od -An -tx1 | tr -d ' \n')" = \
	89504e470d0a1a0a ]; then
	pass "screenshot taken ($(wc -c <"$TMP/report.png") bytes)"
	[ -n "${REPORTS_SCREENSHOT:-}" ] && cp "$TMP/report.png" "$REPORTS_SCREENSHOT"
else
	fail "no screenshot"
fi

# --- bundle provenance: every format carries the JSON report's serial, times, key id, feeds
# with records and manifest inputs with sha256, and states a trust override
cat >"$TMP/prov.py" <<'EOF'
# prov.py KIND FILE: the bundle provenance a report states, one normalised line each
import html.parser, json, sys, xml.etree.ElementTree as ET
kind, path = sys.argv[1], sys.argv[2]
out, warn = {}, set()
feeds, inputs = [], []
def flag(v):
    assert v in (True, False, "true", "false", "yes", "no"), v
    return "true" if v in (True, "true", "yes") else "false"
def from_obj(b, feeds_key):
    for k in ("serial", "created", "expires", "key_id"):
        out[k] = str(b[k])
    out["expired"], out["downgrade"] = flag(b["expired"]), flag(b["downgrade"])
    out["downgraded_from"] = "null" if b["downgraded_from"] is None else str(b["downgraded_from"])
    feeds.extend([f["name"], str(f["records"])] for f in b[feeds_key])
    inputs.extend([i["source"], i["path"], i["sha256"], str(i["bytes"])] for i in b["inputs"])
def indexed(props, prefix, fields):
    rows, n = [], 0
    while prefix % (n, fields[0]) in props:
        rows.append([props[prefix % (n, f)][0] for f in fields])
        n += 1
    return rows
def classify(texts):
    for t in texts:
        warn.add("expired" if "--allow-expired" in t else "downgrade" if "--allow-downgrade" in t else t)
if kind == "json":
    b = json.load(open(path))["bundle"]
    from_obj(b, "sources")
    warn.update(k for k in ("expired", "downgrade") if b[k])   # the reference: the flags
elif kind == "sarif":
    run = json.load(open(path))["runs"][0]
    from_obj(run["properties"]["bundle"], "feeds")
    for n in run["invocations"][0].get("toolConfigurationNotifications", []):
        assert n["level"] == "warning", n
        warn.add(n["descriptor"]["id"].replace("airlock/bundle-", ""))
        classify([n["message"]["text"]])
elif kind in ("cyclonedx", "junit"):
    props = {}
    if kind == "cyclonedx":
        pre, sep = "airlock:bundle:", ":"
        for p in json.load(open(path))["metadata"]["properties"]:
            props.setdefault(p["name"], []).append(p["value"])
    else:
        pre, sep = "bundle.", "."
        suite = ET.parse(path).getroot().find("testsuite")
        for p in suite.find("properties").iter("property"):
            props.setdefault(p.get("name"), []).append(p.get("value"))
        err = suite.find("system-err")
        errw = set()
        for t in (err.text or "").splitlines() if err is not None else []:
            errw.add("expired" if "--allow-expired" in t else "downgrade")
    for k in ("serial", "created", "expires", "key_id"):
        out[k] = props[pre + k][0]
    out["expired"], out["downgrade"] = flag(props[pre + "expired"][0]), flag(props[pre + "downgrade"][0])
    out["downgraded_from"] = props.get(pre + "downgraded_from", ["null"])[0]
    feeds.extend(indexed(props, pre + "feed" + sep + "%d" + sep + "%s", ["name", "records"]))
    inputs.extend(indexed(props, pre + "input" + sep + "%d" + sep + "%s",
        ["source", "path", "sha256", "bytes"]))
    classify(props.get(pre + "warning", []))
    if kind == "junit":
        assert errw == warn, (errw, warn)   # system-err states the same
elif kind == "html":
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.stack, self.sec, self.table, self.cell, self.row = [], None, None, None, None
            self.kv, self.rows, self.banner, self.p = {}, {"feeds": [], "inputs": []}, [], None
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "section":
                self.sec = a.get("id")
            elif tag == "table" and self.sec == "bundle":
                self.table = a.get("id", "kv")
            elif tag == "tr" and self.table:
                self.row = []
            elif tag in ("th", "td") and self.row is not None:
                self.cell = []
            elif tag == "div" and a.get("id") == "trust-warning":
                self.in_banner = True
            elif tag == "p" and getattr(self, "in_banner", False):
                self.p = [a.get("id", "")]
        def handle_endtag(self, tag):
            if tag in ("th", "td") and self.cell is not None:
                self.row.append("".join(self.cell).strip())
                self.cell = None
            elif tag == "tr" and self.row is not None:
                if self.table == "kv":
                    self.kv[self.row[0]] = self.row[1]
                elif self.row and self.table in self.rows and self.row[0] != "Feed":
                    self.rows[self.table].append(self.row)
                self.row = None
            elif tag == "table":
                self.table = None
            elif tag == "div":
                self.in_banner = False
            elif tag == "p" and self.p is not None:
                self.banner.append(self.p)
                self.p = None
        def handle_data(self, d):
            if self.cell is not None:
                self.cell.append(d)
            if self.p is not None:
                self.p.append(d)
    h = P()
    h.feed(open(path, encoding="utf-8").read())
    kv = h.kv
    out.update(serial=kv["Serial"], created=kv["Created"], expires=kv["Expires"],
        key_id=kv["Signing key id"])
    out["expired"] = flag(kv["Expired (--allow-expired)"])
    d = kv["Downgrade (--allow-downgrade)"]
    out["downgrade"] = "false" if d == "no" else "true"
    out["downgraded_from"] = "null" if d == "no" else d.rsplit(" ", 1)[1]
    feeds.extend([r[0], r[3]] for r in h.rows["feeds"])
    inputs.extend([r[0], r[1], r[2], r[3]] for r in h.rows["inputs"])
    for p in h.banner:
        assert p[0] in ("warning-expired", "warning-downgrade"), p
        classify(["".join(p[1:])])
for k in ("serial", "created", "expires", "key_id", "expired", "downgrade", "downgraded_from"):
    print(k + "\t" + out[k])
for f in feeds:
    print("feed\t" + "\t".join(f))
for i in inputs:
    print("input\t" + "\t".join(i))
for w in sorted(warn):
    print("warning\t" + w)
EOF
# same_provenance PREFIX: every format's bundle provenance equals the JSON report's
same_provenance() {
	python3 "$TMP/prov.py" json "$1.json" >"$1.prov.want"
	for k in sarif:sarif cyclonedx:cdx.json junit:junit.xml html:html; do
		if python3 "$TMP/prov.py" "${k%%:*}" "$1.${k#*:}" >"$1.prov.got" 2>"$TMP/prov.err" &&
			cmp -s "$1.prov.want" "$1.prov.got"; then
			w=$(grep '^warning' "$1.prov.got" | cut -f2 | paste -sd, -)
			pass "${k%%:*} states the JSON report's bundle provenance" \
				"($(grep -c '^input' "$1.prov.got") inputs${w:+, warns: $w})"
		else
			fail "${k%%:*} bundle provenance differs from the JSON report"
			cat "$TMP/prov.err"; diff "$1.prov.want" "$1.prov.got" | head
		fi
	done
}
# the JSON itself, checked without airlock: serial as built, the key's id, the inputs' sha256
KEYID=$(sed -n 2p "$TMP/key.pub" | base64 -d | od -An -tx1 -j2 -N8 |
	awk '{ for (i = NF; i >= 1; i--) printf "%s", toupper($i); print "" }')
# shellcheck disable=SC2086
sha256sum $TRACKER | awk '{ print $1 }' >"$TMP/inputs.want"
jq -r '.bundle.inputs[] | .sha256' "$R.json" >"$TMP/inputs.got"
[ "$(jq -r .bundle.serial "$R.json")" = 1000 ] && [ "$(jq -r .bundle.key_id "$R.json")" = "$KEYID" ] &&
	cmp -s "$TMP/inputs.want" "$TMP/inputs.got" &&
	[ "$(jq '[.bundle.inputs[] | .source == "debian"] | all' "$R.json")" = true ] &&
	[ "$(jq -r '[.bundle.expired, .bundle.downgrade, .bundle.downgraded_from] | @tsv' "$R.json")" = \
	"false	false	" ] &&
	pass "JSON bundle: serial 1000, key id $KEYID, the manifest's sha256 are the inputs' (sha256sum)" ||
	{ fail "JSON bundle provenance"; jq .bundle "$R.json"; }
same_provenance "$R"
grep -q 'id="trust-warning"' "$R.html" && fail "HTML warns about a bundle in date"

# an expired bundle (built 60 days ago, valid for 30), used with --allow-expired
SOURCE_DATE_EPOCH=$(($(date +%s) - 60 * 86400)) "$AIRLOCK_FEED" build -q -s "$TMP/key.sec" \
	-o "$TMP/old.db.zst" --serial 900 --expires-in 30 \
	$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done)
E=$TMP/e
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/old.db.zst" -p "$TMP/key.pub" --allow-expired \
	-f json -o "$E.json" -f yaml -o "$E.yaml" -f sarif -o "$E.sarif" -f cyclonedx -o "$E.cdx.json" \
	-f html -o "$E.html" -f junit -o "$E.junit.xml" "$SAMPLE" &&
	pass "scan with an expired bundle and --allow-expired"
[ "$(jq -r '[.bundle.serial, .bundle.expired, .bundle.downgrade] | @tsv' "$E.json")" = \
	"900	true	false" ] && pass "JSON: the bundle is marked expired" || fail "JSON: expired not stated"
grep -qx '  expired: true' "$E.yaml" && pass "YAML: the bundle is marked expired" ||
	fail "YAML: expired not stated"
validate sarif "$E.sarif"
validate cyclonedx-1.5 "$E.cdx.json"
validate junit "$E.junit.xml"
same_provenance "$E"
for f in sarif cdx.json junit.xml html; do
	grep -q -- '--allow-expired' "$E.$f" || fail "$f does not name --allow-expired"
done

# the same bundle below the installed serial 1000, with both overrides
"$AIRLOCK" db import -q --db-dir "$TMP/db-1000" -p "$TMP/key.pub" "$TMP/bundle.db.zst"
D=$TMP/d
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/old.db.zst" --db-dir "$TMP/db-1000" -p "$TMP/key.pub" \
	--allow-expired --allow-downgrade \
	-f json -o "$D.json" -f sarif -o "$D.sarif" -f cyclonedx -o "$D.cdx.json" \
	-f html -o "$D.html" -f junit -o "$D.junit.xml" "$SAMPLE" &&
	pass "scan with an expired, older bundle: --allow-expired --allow-downgrade"
[ "$(jq -r '[.bundle.expired, .bundle.downgrade, .bundle.downgraded_from] | @tsv' "$D.json")" = \
	"true	true	1000" ] && pass "JSON: expired and downgraded from 1000" ||
	fail "JSON: downgrade not stated"
validate sarif "$D.sarif"
validate cyclonedx-1.5 "$D.cdx.json"
validate junit "$D.junit.xml"
same_provenance "$D"

# --- hostile feed text: every format still valid, the browser runs nothing injected
cat >"$TMP/hostile.jq" <<'EOF'
.sope["CVE-2025-53603"].description =
  "<script>document.body.setAttribute(\"data-pwned\", \"script\")</script>" +
  "<img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\">" +
  " ]]> --> \"double\" 'single' & &amp; \u0001\u001b[31m\u007f ${x} {{x}} - yes: no #c" +
  "\u00e9\u65e5 </failure></testcase>\nsecond line\ttab"
EOF
jq -f "$TMP/hostile.jq" "$DATA/debian-tracker/vunnel-debian.json" >"$TMP/hostile.json"
"$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/hostile.db.zst" "debian:$TMP/hostile.json" \
	"debian:$DATA/debian-tracker/osv-dev-debian_security_tracker_mock.json"
H=$TMP/h
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/hostile.db.zst" -p "$TMP/key.pub" \
	-f json -o "$H.json" -f yaml -o "$H.yaml" -f sarif -o "$H.sarif" \
	-f cyclonedx -o "$H.cdx.json" -f html -o "$H.html" -f junit -o "$H.junit.xml" "$SAMPLE" &&
	pass "scan with hostile feed text"
jq -e '.findings[] | select(.description | test("data-pwned"))' "$H.json" >/dev/null ||
	fail "the hostile description did not reach the report"
validate sarif "$H.sarif"
validate cyclonedx-1.5 "$H.cdx.json"
validate junit "$H.junit.xml"
python3 -c 'import json, sys, yaml
sys.exit(yaml.safe_load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$H.yaml" "$H.json" &&
	pass "hostile YAML loads to exactly the JSON" || fail "hostile YAML differs from the JSON"
[ "$(jq -r '.findings[] | select(.vulnerability == "CVE-2025-53603") | .description' "$H.json")" = \
	"$(jq -r '.runs[0].tool.driver.rules[] | select(.id == "CVE-2025-53603") | .fullDescription.text' \
	"$H.sarif")" ] && pass "SARIF keeps the hostile description verbatim" || fail "SARIF description"
python3 "$TMP/junit.py" "$H.junit.xml" >/dev/null 2>&1 && pass "hostile JUnit parses" ||
	fail "hostile JUnit does not parse"
if browser --dump-dom "file://$H.html" >"$TMP/hdom.html" && [ -s "$TMP/hdom.html" ]; then
	[ "$(python3 "$TMP/dom.py" "$TMP/hdom.html" attr data-airlock-script)" = ready ] &&
		[ -z "$(python3 "$TMP/dom.py" "$TMP/hdom.html" attr data-pwned)" ] &&
		! python3 "$TMP/dom.py" "$TMP/hdom.html" tags | grep -qx img &&
		[ "$(python3 "$TMP/dom.py" "$TMP/hdom.html" tags | grep -cx script)" = 1 ] &&
		pass "the browser ran our script and none of the feed's" ||
		fail "hostile HTML: injected markup is live"
	[ "$(python3 "$TMP/dom.py" "$TMP/hdom.html" text '<script>document.body.setAttribute("data-pwned"')" = True ] &&
		pass "the hostile description is shown as text" || fail "hostile description not shown"
else
	fail "chromium --dump-dom failed on the hostile report"
fi

# --- a bundle without the image's release: no verdict, everything listed as not assessed
jq 'map_values(map_values(.releases |= with_entries(select(.key != "bullseye"))))' \
	"$DATA/debian-tracker/vunnel-debian.json" >"$TMP/other.json"
"$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/other.db.zst" "debian:$TMP/other.json"
N=$TMP/n
expect_status 2 "$AIRLOCK" scan --bundle "$TMP/other.db.zst" -p "$TMP/key.pub" \
	-f json -o "$N.json" -f sarif -o "$N.sarif" -f cyclonedx -o "$N.cdx.json" \
	-f html -o "$N.html" -f junit -o "$N.junit.xml" "$SAMPLE" &&
	pass "scan of a release the bundle lacks: exit 2 (no verdict)"
nna=$(jq '.not_assessed | length' "$N.json")
[ "$nna" -gt 100 ] || fail "expected every package not assessed, got $nna"
validate sarif "$N.sarif"
validate cyclonedx-1.5 "$N.cdx.json"
validate junit "$N.junit.xml"
[ "$(jq '.runs[0].invocations[0].toolExecutionNotifications | length' "$N.sarif")" = "$nna" ] &&
	[ "$(jq '.runs[0].results | length' "$N.sarif")" = 0 ] &&
	pass "SARIF: $nna not-assessed notifications, no results" || fail "SARIF not-assessed"
grep -q "<testsuite [^>]*failures=\"0\" errors=\"0\" skipped=\"$nna\"" "$N.junit.xml" &&
	pass "JUnit: $nna skipped test cases" || fail "JUnit not-assessed"
[ "$(grep -c '<tr class="not-assessed">' "$N.html")" = "$nna" ] &&
	grep -q 'class="verdict verdict-incomplete"' "$N.html" &&
	pass "HTML lists the $nna not assessed, verdict incomplete" || fail "HTML not-assessed"

finish
