#!/bin/sh
# policy.sh - --policy and the auditor's verdict end to end: the real sample image scanned
# against a bundle built from the real Debian tracker samples, under the example policies
# of tests/data/policy (see its README.md for what each one does to this scan). The verdict
# is read back with PyYAML and checked against independent sources: sha256sum, dpkg's own
# version ordering, the image's manifest, and the JSON report of the same scan.
. "$(dirname "$0")/setup.sh"
need python3 python3
need sha256sum coreutils
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: PyYAML is required (apt-get install python3-yaml)"; exit 1; }

POL=$DATA/policy
make_bundle "$TMP" --serial 4242
scan() { # scan WANT_STATUS POLICY_ARGS... : scan the sample image, verdict in $TMP/verdict.yaml
	want=$1; shift
	rm -f "$TMP/verdict.yaml"
	expect_status "$want" "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" "$@" \
		--verdict "$TMP/verdict.yaml" -f json -o "$TMP/scan.json" "$SAMPLE"
}
# q EXPR: a Python expression over the verdict v (a dict), printed
q() { python3 -c 'import sys, yaml; v = yaml.safe_load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
	"$TMP/verdict.yaml" "$1"; }
decision() { q "[f['decision'] for f in v['findings'] if f['vulnerability'] == '$1'][0]"; }

# --- the default policy: any finding fails -------------------------------------
scan 1 && pass "no policy: the findings fail (exit 1)"
[ "$(q "v['policy']['file'], v['policy']['sha256'], v['verdict'], v['exit_status']")" = \
	"(None, None, 'fail', 1)" ] && pass "verdict records the default policy" || fail "default policy verdict"
[ "$(jq -r .verdict "$TMP/scan.json")" = fail ] && pass "json verdict agrees" || fail "json verdict"

# --- threshold above every finding: pass -----------------------------------------
scan 0 --policy "$POL/pass.yaml" && pass "pass.yaml: exit 0"
[ "$(q "sorted(f['decision'] for f in v['findings'])")" = "['pass', 'pass']" ] &&
	pass "pass.yaml: both findings pass" || fail "pass.yaml decisions"
[ "$(jq -r .verdict "$TMP/scan.json")" = pass ] && pass "json report carries the policy's verdict" ||
	fail "json verdict under pass.yaml"
[ "$(q "[(r['requirement'], r['result']) for r in v['requirements']]")" = \
	"[('max_bundle_age_days', 'pass'), ('source', 'pass'), ('distribution_feed', 'pass')]" ] &&
	pass "pass.yaml: requirements met" || fail "pass.yaml requirements: $(q "v['requirements']")"

# --- fail: the unknown severity of CVE-2025-53603 fails --------------------------
scan 1 --policy "$POL/fail.yaml" && pass "fail.yaml: exit 1"
[ "$(decision CVE-2025-53603) $(decision CVE-2016-1585)" = "fail pass" ] &&
	pass "fail.yaml: libsope1 fails, apparmor (negligible) passes" || fail "fail.yaml decisions"

# --- a waiver for the libsope1 CVE makes it pass; an unused one is stale ----------
scan 0 --policy "$POL/waived.yaml" && pass "waived.yaml: exit 0"
[ "$(decision CVE-2025-53603)" = waived ] && pass "CVE-2025-53603 waived" || fail "not waived"
[ "$(q "[f['waiver'] for f in v['findings'] if f['vulnerability'] == 'CVE-2025-53603'][0]")" = \
	"{'index': 1, 'line': 11, 'owner': 'security@example.org', 'expires': '2099-12-31'}" ] &&
	pass "the finding names its waiver, owner and expiry" || fail "finding's waiver"
[ "$(q "[(w['index'], w['state'], w['matches']) for w in v['waivers']]")" = \
	"[(1, 'applied', 1), (2, 'stale', 0)]" ] && pass "waiver 1 applied, waiver 2 stale" ||
	fail "waiver states: $(q "v['waivers']")"
[ "$(q "v['summary']['waived'], v['summary']['stale_waivers'], v['verdict']")" = "(1, 1, 'pass')" ] &&
	pass "summary: 1 waived, 1 stale, pass" || fail "waived summary"

# --- the same waiver expired: fails again, the expired waiver is listed ----------
scan 1 --policy "$POL/expired.yaml" && pass "expired.yaml: exit 1"
[ "$(decision CVE-2025-53603)" = fail ] &&
	[ "$(q "[f['expired_waiver']['expires'] for f in v['findings'] if f['vulnerability'] == 'CVE-2025-53603'][0]")" = 2025-01-31 ] &&
	pass "CVE-2025-53603 fails, with the expired waiver beside it" || fail "expired waiver finding"
[ "$(q "[(w['state'], w['expires']) for w in v['waivers']], v['summary']['expired_waivers']")" = \
	"([('expired', '2025-01-31')], 1)" ] && pass "expired waiver listed" || fail "expired listing"

# --- expiry is inclusive: a waiver expiring today applies, yesterday's does not ---
today=$(date -u +%Y-%m-%d) yesterday=$(date -u -d yesterday +%Y-%m-%d)
sed "s/2099-12-31/$today/" "$POL/waived.yaml" >"$TMP/today.yaml"
sed "s/2099-12-31/$yesterday/" "$POL/waived.yaml" >"$TMP/yesterday.yaml"
status_of() { set +e; "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" --policy "$1" \
	--verdict "$TMP/verdict.yaml" "$SAMPLE" >/dev/null 2>&1; echo $?; set -e; }
st_today=$(status_of "$TMP/today.yaml")
st_yesterday=$(status_of "$TMP/yesterday.yaml")
if [ "$(date -u +%Y-%m-%d)" != "$today" ]; then
	echo "skip: midnight passed during the expiry checks"
else
	[ "$st_today" = 0 ] && pass "a waiver expiring today still applies" || fail "today's waiver"
	[ "$st_yesterday" = 1 ] && [ "$(q "v['waivers'][0]['state']")" = expired ] &&
		pass "a waiver that expired yesterday does not" || fail "yesterday's waiver"
fi

# --- a required source the bundle lacks -------------------------------------------
scan 1 --policy "$POL/require-nvd.yaml" && pass "require-nvd.yaml: exit 1"
[ "$(q "[(r['subject'], r['result'], r['detail']) for r in v['requirements']]")" = \
	"[('debian', 'pass', 'in the bundle with 40 records'), ('nvd', 'fail', 'not in the bundle')]" ] &&
	pass "the missing nvd source fails the scan" || fail "required sources: $(q "v['requirements']")"

# --- bundle age: a bundle built 10 days ago --------------------------------------
mkdir "$TMP/old"
SOURCE_DATE_EPOCH=$(($(date +%s) - 10 * 86400)) make_bundle "$TMP/old" --expires-in 30
for days in 7 30; do
	printf 'version: 1\nfail: {severity: critical, unknown_severity: pass}\nrequire: {max_bundle_age_days: %s}\n' \
		"$days" >"$TMP/age$days.yaml"
done
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/old/bundle.db.zst" -p "$TMP/old/key.pub" \
	--policy "$TMP/age7.yaml" -f verdict "$SAMPLE" && grep -q 'result: fail' "$TMP/out" &&
	pass "max_bundle_age_days 7 fails a 10-day-old bundle" || fail "max age 7"
expect_status 0 "$AIRLOCK" scan --bundle "$TMP/old/bundle.db.zst" -p "$TMP/old/key.pub" \
	--policy "$TMP/age30.yaml" -f verdict "$SAMPLE" && pass "max_bundle_age_days 30 accepts it"

# --- bad policies: exit 2, FILE:LINE:COLUMN, before any work ---------------------
for f in "$POL"/bad-*.yaml; do
	expect=$(sed -n '1s/^# expect: //p' "$f")
	expect_status 2 "$AIRLOCK" scan --bundle /nonexistent -p /nonexistent --policy "$f" "$SAMPLE" &&
		if grep -qF "airlock: $POL/$expect" "$TMP/err"; then
			pass "exit 2: $(head -n 1 "$TMP/err" | sed "s|^airlock: $POL/||")"
		else
			fail "$(basename "$f"): want '$expect', got: $(cat "$TMP/err")"
		fi
done
expect_status 2 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" \
	--policy "$TMP/nonexistent.yaml" "$SAMPLE" && grep -q 'nonexistent.yaml' "$TMP/err" &&
	pass "a missing policy file: exit 2"

# --- the verdict's record, checked against independent sources --------------------
scan 0 --policy "$POL/waived.yaml"
cp "$TMP/verdict.yaml" "$TMP/v1.yaml"
tar -xOf "$SAMPLE" manifest.json >"$TMP/manifest.json"
config=$(jq -r '.[0].Config' "$TMP/manifest.json")
[ "$(q "v['image']['archive_sha256']")" = "$(sha256sum <"$SAMPLE" | cut -d' ' -f1)" ] &&
	pass "image: archive sha256 = sha256sum" || fail "archive sha256"
[ "$(q "v['image']['config_digest']")" = "sha256:$(tar -xOf "$SAMPLE" "$config" | sha256sum | cut -d' ' -f1)" ] &&
	pass "image: config digest = sha256 of the manifest's config" || fail "config digest"
[ "$(q "' '.join(v['image']['tags'])")" = "$(jq -r '.[0].RepoTags | join(" ")' "$TMP/manifest.json")" ] &&
	pass "image: tags = the manifest's RepoTags" || fail "tags"
[ "$(q "v['policy']['sha256']")" = "$(sha256sum <"$POL/waived.yaml" | cut -d' ' -f1)" ] &&
	pass "policy sha256 = sha256sum of the file" || fail "policy sha256"
[ "$(q "v['bundle']['serial'], v['bundle']['feeds'][0]['name'], v['bundle']['feeds'][0]['records']")" = \
	"(4242, 'debian', 40)" ] && pass "bundle serial and feed" || fail "bundle: $(q "v['bundle']")"
"$AIRLOCK" verify -p "$TMP/key.pub" "$TMP/bundle.db.zst" >"$TMP/verify.out" 2>&1 || true
grep -q "$(q "v['bundle']['key_id']")" "$TMP/verify.out" && pass "bundle key id as verify prints it" ||
	fail "key id: $(cat "$TMP/verify.out")"
for f in $TRACKER; do printf '%s %s %s\n' "$f" "$(sha256sum <"$f" | cut -d' ' -f1)" "$(wc -c <"$f")"; done \
	>"$TMP/inputs.want"
q "'\n'.join('%s %s %s' % (i['path'], i['sha256'], i['bytes']) for i in v['bundle']['feeds'][0]['inputs'])" \
	>"$TMP/inputs.got"
cmp -s "$TMP/inputs.want" "$TMP/inputs.got" && pass "feed inputs: sha256sum and size of each tracker file" ||
	{ fail "feed inputs"; diff "$TMP/inputs.want" "$TMP/inputs.got"; }
# the findings are the JSON report's, and each comparison is dpkg's
q "'\n'.join('%s\t%s\t%s\t%s' % (f['vulnerability'], f['package'], f['status'], f['evidence']['fixed_version'] or '') for f in v['findings'])" |
	LC_ALL=C sort >"$TMP/vfind"
reported_findings "$TMP/scan.json" >"$TMP/jfind"
cmp -s "$TMP/vfind" "$TMP/jfind" && pass "verdict findings = JSON report findings" ||
	{ fail "verdict findings"; diff "$TMP/jfind" "$TMP/vfind"; }
q "'\n'.join('%s|%s|%s' % (f['evidence']['compared_version'], f['evidence']['fixed_version'], f['evidence']['comparison']) for f in v['findings'] if f['evidence']['fixed_version'])" |
while IFS='|' read -r have fixed text; do
	dpkg --compare-versions "$have" lt "$fixed" && [ "$text" = "$have < $fixed" ] || echo "$have $fixed $text"
done >"$TMP/cmpbad"
[ ! -s "$TMP/cmpbad" ] && grep -q . "$TMP/vfind" && pass "each comparison agrees with dpkg --compare-versions" ||
	fail "comparisons: $(cat "$TMP/cmpbad")"

# --- deterministic: a second run differs only in scan_time -------------------------
sleep 1
scan 0 --policy "$POL/waived.yaml"
cp "$TMP/verdict.yaml" "$TMP/v2.yaml"
diff "$TMP/v1.yaml" "$TMP/v2.yaml" | grep '^[<>]' | grep -v '^[<>] scan_time: ' >"$TMP/vdiff" || true
if [ -s "$TMP/vdiff" ]; then
	fail "two runs differ beyond scan_time"; head "$TMP/vdiff"
elif cmp -s "$TMP/v1.yaml" "$TMP/v2.yaml"; then
	fail "scan_time did not change after a second"
else
	pass "two runs differ only in scan_time"
fi
python3 - "$TMP/v1.yaml" "$TMP/v2.yaml" <<'EOF' && pass "parsed back: equal apart from scan_time" || fail "parsed verdicts differ"
import sys, yaml
a, b = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
assert a.pop('scan_time') != b.pop('scan_time')
assert a == b
EOF
# -f verdict to standard output is the same document as --verdict FILE
expect_status 0 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" --policy "$POL/waived.yaml" \
	-f verdict "$SAMPLE" && grep -v '^scan_time: ' "$TMP/out" >"$TMP/v3" &&
	grep -v '^scan_time: ' "$TMP/v1.yaml" | cmp -s - "$TMP/v3" && pass "-f verdict = --verdict FILE" ||
	fail "-f verdict differs"
# --verdict FILE alone leaves the table on standard output
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" \
	--verdict "$TMP/v4.yaml" "$SAMPLE" && grep -q CVE-2025-53603 "$TMP/out" &&
	[ "$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["verdict"])' "$TMP/v4.yaml")" = fail ] &&
	pass "--verdict alone: table on standard output, verdict in the file" || fail "--verdict alone"

finish
