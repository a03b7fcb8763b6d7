#!/bin/sh
# sample.sh - the README's main job end to end on the sample data shipped in the repo:
# keygen -> build a signed bundle from the real Debian tracker samples -> verify ->
# scan the real podman-saved sample image -> compare with an independent expectation.
. "$(dirname "$0")/setup.sh"

make_bundle "$TMP" --serial 1000
[ -s "$TMP/bundle.db.zst" ] && [ -s "$TMP/bundle.db.zst.minisig" ] && pass "bundle built" ||
	fail "bundle files missing"

# stock minisign accepts our bundle (interoperability)
if command -v minisign >/dev/null 2>&1; then
	expect_status 0 minisign -Vm "$TMP/bundle.db.zst" -p "$TMP/key.pub" &&
		pass "stock minisign verifies the bundle"
else
	fail "minisign is not installed (apt-get install minisign)"
fi

expect_status 0 "$AIRLOCK" verify -p "$TMP/key.pub" "$TMP/bundle.db.zst" &&
	grep -q 'valid, serial 1000' "$TMP/out" && pass "airlock verify: valid, serial 1000"

# inventory: exactly dpkg-query's view of the image's final filesystem
expect_status 0 "$AIRLOCK" packages -f json "$SAMPLE" && cp "$TMP/out" "$TMP/packages.json"
reported_packages "$TMP/packages.json" >"$TMP/packages.got"
LC_ALL=C sort "$DATA/images/sample-bullseye.packages.tsv" >"$TMP/packages.want"
if cmp -s "$TMP/packages.got" "$TMP/packages.want"; then
	pass "packages: $(wc -l <"$TMP/packages.want") packages equal dpkg-query's list"
else
	fail "packages differ from dpkg-query's list"; diff "$TMP/packages.want" "$TMP/packages.got" | head
fi
[ "$(jq -r '.os.id + " " + .os.version_id + " " + .os.codename' "$TMP/packages.json")" = \
	"debian 11 bullseye" ] && pass "os: debian 11 bullseye" || fail "os not identified"
# attribution: libsope1 came with the install layer (1), adduser with the base layer (0),
# each with its layer's history line
[ "$(jq -r '.packages[] | select(.name == "libsope1") | "\(.layer) \(.created_by)"' \
	"$TMP/packages.json")" = "1 apt-get install apparmor libsope1 txt2man backupninja (bullseye main)" ] &&
	[ "$(jq '.packages[] | select(.name == "adduser") | .layer' "$TMP/packages.json")" = 0 ] &&
	pass "layer attribution: libsope1 in layer 1 (apt-get install), adduser in layer 0" ||
	fail "layer attribution"

# scan: findings fail the default policy -> exit 1
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" -f json "$SAMPLE" &&
	pass "scan exits 1 on findings"
cp "$TMP/out" "$TMP/scan.json"
expected_findings "$DATA/images/sample-bullseye.packages.tsv" bullseye >"$TMP/want"
reported_findings "$TMP/scan.json" >"$TMP/got"
# the expectation must itself be meaningful: at least one fixed and one unfixed finding
grep -q '	fixed	' "$TMP/want" && grep -q '	unfixed	' "$TMP/want" ||
	fail "the independent expectation lacks a fixed or an unfixed finding: test data changed?"
if cmp -s "$TMP/want" "$TMP/got"; then
	pass "scan: $(wc -l <"$TMP/want") findings equal the jq+dpkg expectation"
else
	fail "scan findings differ from the expectation"; diff "$TMP/want" "$TMP/got" | head -n 20
fi
[ "$(jq -r .verdict "$TMP/scan.json")" = fail ] && pass "verdict fail" || fail "verdict"
# evidence: every fixed finding shows the dpkg comparison that made it, checked
# against dpkg itself; unfixed ones say why no comparison was needed
bad=$(jq -r '.findings[] | select(.status == "fixed") |
	"\(.source_version)\t\(.fixed_version)\t\(.comparison)\t\(.record)\t\(.vulnerability)"' \
	"$TMP/scan.json" | while IFS='	' read -r sv fv cmpstr rec vid; do
		[ "$cmpstr" = "$sv < $fv (dpkg)" ] && [ "$rec" = "$vid" ] &&
			dpkg --compare-versions "$sv" lt "$fv" || echo "$vid $cmpstr"
	done)
[ -z "$bad" ] && [ "$(jq '[.findings[] | select(.status == "fixed")] | length' "$TMP/scan.json")" -gt 0 ] &&
	pass "fixed findings carry their record and a comparison dpkg agrees with" ||
	fail "comparison evidence: $bad"
[ "$(jq -r '[.findings[] | select(.status == "unfixed") | .comparison] | unique | join(",")' \
	"$TMP/scan.json")" = "no fix: vendor state unfixed" ] &&
	pass "unfixed findings say no comparison was needed" || fail "unfixed comparison text"
[ "$(jq '.not_assessed | length' "$TMP/scan.json")" = 0 ] && pass "everything assessed" ||
	fail "not_assessed is not empty"
[ "$(jq -r .bundle.serial "$TMP/scan.json")" = 1000 ] &&
	[ "$(jq -r '.bundle.sources[0].name' "$TMP/scan.json")" = debian ] &&
	pass "report carries the bundle's provenance" || fail "bundle provenance"

# the table names the same findings, states apart
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" "$SAMPLE"
cut -f1 "$TMP/want" | sort -u | while read -r cve; do
	grep -q "$cve" "$TMP/out" || echo "missing $cve"
done >"$TMP/missing"
[ -s "$TMP/missing" ] && fail "table lacks: $(cat "$TMP/missing")" || pass "table lists every finding"
grep -q 'Vulnerable, fix available (fixed)' "$TMP/out" && grep -q 'Vulnerable, no fix yet' "$TMP/out" &&
	pass "table keeps fixed and unfixed apart" || fail "table groups"

finish
