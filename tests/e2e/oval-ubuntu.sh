#!/bin/sh
# oval-ubuntu.sh - Ubuntu CVE OVAL end to end: `airlock-feed build` signs a bundle from the real
# CVE OVAL excerpt tests/data/oval/clair-fetcher_ubuntu_test.xml (Canonical's 16.04 file of
# 2019-08-16 via quay/clair), whose one CVE definition (CVE-2015-4471) gives each source
# package's status in its criterion's comment: cabextract "is affected and needs fixing" (its
# test: the binary exists) and libmspack "was vulnerable but has been fixed (note: '0.4-3')"
# (its test: libmspack0 earlier than 0.4-3). `airlock scan -f json` on a docker-archive image
# made here (an Ubuntu 16.04 os-release and a dpkg status with cabextract 1.6-1 and libmspack0
# 0.4-2) must report each package with its own status: libmspack0 fixed in 0.4-3, cabextract
# unfixed with no fixed version, each with the vendor's sentence as its note.
# The expectation is read from the file with python's ElementTree (criterion comment, the
# test's binary name and state evr), the version order from dpkg --compare-versions.
. "$(dirname "$0")/setup.sh"
need jq jq
need python3 python3
need dpkg dpkg
OVAL=$DATA/oval/clair-fetcher_ubuntu_test.xml

# --- what the file says, read without airlock: "binary|evr|comment" per criterion of the CVE
python3 - "$OVAL" >"$TMP/crit" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
loc = lambda e: e.tag.split('}')[-1]
byid = {e.get('id'): e for e in root.iter() if e.get('id')}
for d in root.iter():
    if loc(d) != 'definition' or d.get('class') != 'vulnerability':
        continue
    for c in d.iter():
        if loc(c) != 'criterion':
            continue
        t = byid[c.get('test_ref')]
        if loc(t) != 'dpkginfo_test':
            continue
        obj = byid[[x for x in t if loc(x) == 'object'][0].get('object_ref')]
        name = [x for x in obj if loc(x) == 'name'][0].text.strip()
        ste = [x for x in t if loc(x) == 'state']
        evr = ''
        if ste:
            evr = [x for x in byid[ste[0].get('state_ref')] if loc(x) == 'evr'][0].text.strip()
        print('|'.join((name, evr, c.get('comment'))))
EOF
cab=$(grep '^cabextract|' "$TMP/crit" || true)
lib=$(grep '^libmspack0|' "$TMP/crit" || true)
case $cab in
"cabextract||"*"is affected and needs fixing.") ;;
*) fail "premise: cabextract's criterion is '$cab'"; finish ;;
esac
case $lib in
"libmspack0|0.4-3|"*"was vulnerable but has been fixed (note: '0.4-3').") ;;
*) fail "premise: libmspack0's criterion is '$lib'"; finish ;;
esac
dpkg --compare-versions 0.4-2 lt 0.4-3 || { fail "premise: dpkg: 0.4-2 is not < 0.4-3"; finish; }

# --- the bundle and the image
"$AIRLOCK_FEED" keygen -W -p "$TMP/k.pub" -s "$TMP/k.sec" >/dev/null
if "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/b.db.zst" "ubuntu-oval:$OVAL" 2>"$TMP/err"; then
	pass "bundle built from Ubuntu's CVE OVAL excerpt"
else
	fail "airlock-feed build: $(cat "$TMP/err")"; finish
fi
r=$TMP/root; mkdir -p "$r/etc" "$r/var/lib/dpkg"
printf 'NAME="Ubuntu"\nVERSION="16.04.7 LTS (Xenial Xerus)"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="16.04"\nVERSION_CODENAME=xenial\nUBUNTU_CODENAME=xenial\n' \
	>"$r/etc/os-release"
cat >"$r/var/lib/dpkg/status" <<'EOF'
Package: cabextract
Status: install ok installed
Priority: optional
Section: utils
Architecture: amd64
Version: 1.6-1
Description: Microsoft Cabinet file unpacker

Package: libmspack0
Status: install ok installed
Priority: optional
Section: libs
Architecture: amd64
Multi-Arch: same
Source: libmspack
Version: 0.4-2
Description: library for Microsoft compression formats (shared library)

EOF
one_layer_image "$TMP/xenial.tar" "$r"

# --- the scan: each package with its own status
if expect_status 1 "$AIRLOCK" scan --bundle "$TMP/b.db.zst" -p "$TMP/k.pub" -f json "$TMP/xenial.tar"; then
	got=$(jq -r '.findings[] | [.vulnerability, .package, .status, (.fixed_version // "-"),
		.comparison, .note] | join("|")' "$TMP/out" | LC_ALL=C sort)
	want=$(printf '%s\n%s' \
		"CVE-2015-4471|cabextract|unfixed|-|no fix: vendor state unfixed|${cab#cabextract||}" \
		"CVE-2015-4471|libmspack0|fixed|0.4-3|0.4-2 < 0.4-3 (dpkg)|${lib#libmspack0|0.4-3|}")
	if [ "$got" = "$want" ]; then
		pass "xenial: cabextract unfixed (no fix), libmspack0 fixed in 0.4-3, the vendor's words as notes"
	else
		fail "xenial: got"; echo "$got"; echo "want"; echo "$want"
	fi
	got=$(jq -r '[.namespace, .coverage, (.not_assessed | length)] | @tsv' "$TMP/out")
	[ "$got" = "$(printf 'ubuntu:16.04\tcomplete\t0')" ] && pass "xenial: ubuntu:16.04, complete" ||
		fail "xenial: namespace, coverage, not assessed: $got"
fi
finish
