#!/bin/sh
# oval-scan.sh - OVAL (and ALAS) matching end to end on rpm images: `airlock-feed build` signs a
# bundle from real OVAL samples (tests/data/oval: Red Hat's rhel-8.oval.xml and an
# including-unpatched file, Oracle's ELSA-2007-0057, the repaired SUSE sample) and the real Amazon
# Linux 2 updateinfo.xml sample (tests/data/amazon-alas), `airlock verify` accepts it, and
# `airlock scan -f json` reports on docker-archive images made here:
#   rhel8-libuuid  the real RHEL 8 rpm database of tests/data (libuuid 2.32.1-42.el8_8, signed
#                  by Red Hat) with a RHEL 8.8 os-release: namespace rhel:8, assessed, clean
#                  (no definition of the 2020 file names util-linux), exit 0
#   rhel8-rebuilt  an rpm database written by Debian's rpm from packages rpmbuild made here with
#                  the names and versions of Red Hat's (firefox 60.5.1-1.el8, below RHSA-2019:0966's
#                  60.6.1-1.el8; ansible 2.9.0-1.el8ae, installed = Red Hat's unpatched CVEs),
#                  firefox signed with a throwaway gpg key: Red Hat's definitions require Red Hat's
#                  key, so nothing is reported
#   sles15-krb5    the same for SUSE (whose OVAL checks no key): sles-release 15 and krb5
#                  1.15.2-4.20: exactly CVE-2010-1323 with its record SUSE-SR:2010:023 and the
#                  comparison "1.15.2-4.20 < 0:1.15.2-4.25 (rpm)", exit 1
#   sles12         the real SLES 12 SP4 database: sles:12.4 is in no feed of the bundle: the OS and
#                  every package not assessed, exit 2
#   amzn2-perf     Amazon Linux 2 with perf 4.9.62-21.56.amzn2 and kernel 4.9.76-38.79.amzn2:
#                  perf is below ALAS2-2018-939's fix, so CVE-2017-5715 and CVE-2017-5754, each with
#                  the record ALAS2-2018-939 (python's reading of the sample) in every report
#                  format; kernel is at the fix, exit 1
# The os-release files are typed here (the corpus has rpm databases only).
. "$(dirname "$0")/setup.sh"
need rpm rpm
need rpmbuild rpm
need zstd zstd
need xz xz-utils
DO=$DATA/oval
ALAS=$DATA/amazon-alas/amazon_linux_2_updateinfo.xml

# osrel ROOT ID VERSION_ID NAME
osrel() {
	mkdir -p "$1/etc"
	printf 'NAME="%s"\nID="%s"\nVERSION_ID="%s"\n' "$4" "$2" "$3" >"$1/etc/os-release"
}

# rpms DBDIR NAME-VERSION-RELEASE...: an rpm database (Debian's rpm, sqlite) of empty packages
# built with rpmbuild; $SIGN_KEY set: each signed with that gpg key by rpmsign
rpms() {
	db=$1; shift
	top=$TMP/rpmbuild
	rm -rf "$top"; mkdir -p "$top" "$db"
	cat >"$top/pkg.spec" <<'EOF'
Name: %{pname}
Version: %{pver}
Release: %{prel}
Summary: airlock test package with the name and version of a real one
License: MIT
%description
Empty.
%files
EOF
	for nvr in "$@"; do
		rel=${nvr##*-}; nv=${nvr%-*}; ver=${nv##*-}; name=${nv%-*}
		rpmbuild -bb --quiet --define "_topdir $top" --define "pname $name" \
			--define "pver $ver" --define "prel $rel" --target x86_64 "$top/pkg.spec" \
			>"$top/build.log" 2>&1 || { cat "$top/build.log"; return 1; }
	done
	if [ -n "${SIGN_KEY:-}" ]; then
		rpmsign --addsign --define "__gpg $(command -v gpg)" --define "_gpg_name $SIGN_KEY" \
			--define "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase-file /dev/null" \
			"$top"/RPMS/*/*.rpm >"$top/sign.log" 2>&1 || { cat "$top/sign.log"; return 1; }
	fi
	rpm --dbpath "$db" --initdb
	rpm --dbpath "$db" -i --justdb --nodeps --noscripts --ignorearch --ignoreos \
		"$top"/RPMS/*/*.rpm 2>/dev/null
	rm -f "$db"/rpmdb.sqlite-shm "$db"/rpmdb.sqlite-wal "$db"/.rpm.lock
}

# scan IMAGE WANT_EXIT: $TMP/s.json
scan() {
	expect_status "$2" "$AIRLOCK" scan --bundle "$TMP/b.db.zst" -p "$TMP/k.pub" -f json "$1" ||
		return 1
	cp "$TMP/out" "$TMP/s.json"
}
jqs() { jq -r "$1" "$TMP/s.json"; }

# --- the bundle ----------------------------------------------------------------------------
"$AIRLOCK_FEED" keygen -W -p "$TMP/k.pub" -s "$TMP/k.sec" >/dev/null
if "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/b.db.zst" \
	"rhel-oval:$DO/rhel-8.oval.xml.xz" "rhel-oval:$DO/RHEL8-ansible-2-including-unpatched.oval.xml.bz2" \
	"oracle-oval:$DO/ELSA-2007-0057.xml" "suse-oval:$DO/suse-edited.xml" \
	"amazon@2:$ALAS" 2>"$TMP/err"; then
	pass "bundle built from four OVAL files and an ALAS updateinfo.xml"
else
	fail "airlock-feed build: $(cat "$TMP/err")"; finish
fi
expect_status 0 "$AIRLOCK" verify -p "$TMP/k.pub" "$TMP/b.db.zst" && pass "bundle verifies"

# --- rhel8-libuuid: the real RHEL 8 database ---------------------------------------------------
r=$TMP/r1; mkdir -p "$r/var/lib/rpm"
cp "$DATA/rpm/bdb/rhel-8-libuuid/Packages" "$r/var/lib/rpm/Packages"
osrel "$r" rhel 8.8 "Red Hat Enterprise Linux"
one_layer_image "$TMP/rhel8-libuuid.tar" "$r"
if scan "$TMP/rhel8-libuuid.tar" 0; then
	got=$(jqs '[.namespace, (.findings | length), (.not_assessed | length)] | @tsv')
	if [ "$got" = "$(printf 'rhel:8\t0\t0')" ]; then
		pass "rhel8-libuuid: rhel:8, assessed, clean"
	else
		fail "rhel8-libuuid: namespace, findings, not assessed: $got"
	fi
fi
expect_status 0 "$AIRLOCK" packages -f json "$TMP/rhel8-libuuid.tar" &&
	[ "$(jq -r '.packages[] | .name + " " + .version' "$TMP/out")" = "libuuid 2.32.1-42.el8_8" ] &&
	pass "rhel8-libuuid: the package is read" || fail "rhel8-libuuid: packages: $(cat "$TMP/out")"

# --- rhel8-rebuilt: Red Hat's names and versions, not Red Hat's key -------------------------------
for v in "60.5.1-1.el8 0:60.6.1-1.el8" "2.9.0-1.el8ae 0:2.9.1-1.el8"; do
	# shellcheck disable=SC2086
	[ "$("$AIRLOCK" vercmp rpm $v)" = "<" ] || fail "premise: $v is not <"
done
r=$TMP/r2
SIGN_KEY=
if command -v gpg >/dev/null 2>&1; then
	GNUPGHOME=$TMP/gnupg; export GNUPGHOME; mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'airlock oval-scan <test@airlock.invalid>' rsa2048 sign never 2>/dev/null
	SIGN_KEY=$(gpg --batch --list-keys --with-colons 2>/dev/null | awk -F: '/^pub/ {print tolower($5); exit}')
fi
if rpms "$r/var/lib/rpm" firefox-60.5.1-1.el8 ansible-2.9.0-1.el8ae; then
	osrel "$r" rhel 8.1 "Red Hat Enterprise Linux"
	one_layer_image "$TMP/rhel8-rebuilt.tar" "$r"
	if [ -n "$SIGN_KEY" ]; then
		kid=$(rpm --dbpath "$r/var/lib/rpm" -q --qf '%{RSAHEADER:pgpsig}' firefox | sed -n 's/.*Key ID //p')
		[ "$kid" = "$SIGN_KEY" ] && pass "rhel8-rebuilt: firefox signed by $SIGN_KEY (rpm says so)" ||
			fail "rhel8-rebuilt: rpm reports key '$kid', want $SIGN_KEY"
	fi
	expect_status 0 "$AIRLOCK" packages -f json "$TMP/rhel8-rebuilt.tar" &&
		[ "$(jq -r '[.packages[] | .name + " " + .version] | join(", ")' "$TMP/out")" = \
		"ansible 2.9.0-1.el8ae, firefox 60.5.1-1.el8" ] &&
		pass "rhel8-rebuilt: both packages read (the signed one's OpenPGP packet included)" ||
		fail "rhel8-rebuilt: packages: $(cat "$TMP/out")"
	if scan "$TMP/rhel8-rebuilt.tar" 0; then
		got=$(jqs '[.namespace, (.findings | length), (.not_assessed | length)] | @tsv')
		[ "$got" = "$(printf 'rhel:8\t0\t0')" ] &&
			pass "rhel8-rebuilt: nothing matched without Red Hat's key" ||
			fail "rhel8-rebuilt: $got: $(jqs '.findings[] | .vulnerability + " " + .package')"
	fi
else
	fail "rhel8-rebuilt: rpmbuild/rpm could not make the database"
fi
SIGN_KEY=

# --- sles15-krb5: a finding with its record and comparison ------------------------------------------
r=$TMP/r3
if rpms "$r/var/lib/rpm" sles-release-15-58.1 krb5-1.15.2-4.20; then
	osrel "$r" sles 15 "SLES"
	one_layer_image "$TMP/sles15-krb5.tar" "$r"
	if scan "$TMP/sles15-krb5.tar" 1; then
		got=$(jqs '.findings[] | [.vulnerability, .package, .installed_version, .status,
			.fixed_version, .record, .comparison, .source, .namespace] | join("|")')
		want="CVE-2010-1323|krb5|1.15.2-4.20|fixed|0:1.15.2-4.25|SUSE-SR:2010:023|1.15.2-4.20 < 0:1.15.2-4.25 (rpm)|suse-oval|sles:15"
		[ "$got" = "$want" ] && pass "sles15-krb5: $want" ||
			fail "sles15-krb5: got '$got', want '$want'"
		[ "$(jqs '.not_assessed | length')" = 0 ] || fail "sles15-krb5: not assessed: $(jqs .not_assessed)"
	fi
else
	fail "sles15-krb5: rpmbuild/rpm could not make the database"
fi

# --- sles12: a release no feed of the bundle covers ---------------------------------------------
r=$TMP/r4; mkdir -p "$r/var/lib/rpm"
zstd -dq "$DATA/rpm/bdb/sles-12sp4/Packages.zst" -o "$r/var/lib/rpm/Packages"
osrel "$r" sles 12.4 "SLES"
one_layer_image "$TMP/sles12.tar" "$r"
if scan "$TMP/sles12.tar" 2; then
	got=$(jqs '[.namespace, (.findings | length), (.not_assessed | map(select(.kind == "package")) | length),
		(.not_assessed[] | select(.kind == "os") | .reason)] | @tsv')
	[ "$got" = "$(printf 'sles:12.4\t0\t108\tthe bundle has no feed for sles:12.4')" ] &&
		pass "sles12: sles:12.4 and its 108 packages not assessed" || fail "sles12: $got"
fi

# --- amzn2-perf: ALAS findings name their advisory ---------------------------------------------
# the expectation without airlock: python's XML reader gives the (CVE, ALAS id, fixed EVR) of the
# security updates listing perf, rpm's own vercmp orders the versions
python3 - "$ALAS" >"$TMP/alas.want" <<'EOF'
import sys, xml.etree.ElementTree as ET
for u in ET.parse(sys.argv[1]).getroot().iter("update"):
    if u.get("type") != "security":
        continue
    for p in u.iter("package"):
        if p.get("name") != "perf":
            continue
        evr = ("" if p.get("epoch") in (None, "0") else p.get("epoch") + ":") + \
            p.get("version") + "-" + p.get("release")
        for r in u.iter("reference"):
            if r.get("type") == "cve":
                print("|".join((r.get("id"), u.find("id").text.strip(), evr)))
        break
EOF
LC_ALL=C sort -u -o "$TMP/alas.want" "$TMP/alas.want"
fix=$(cut -d'|' -f3 "$TMP/alas.want" | head -n 1)
r=$TMP/r5
if [ ! -s "$TMP/alas.want" ] || [ "$(cut -d'|' -f2 "$TMP/alas.want" | sort -u)" != ALAS2-2018-939 ]; then
	fail "amzn2-perf: premise: python finds '$(cat "$TMP/alas.want")' for perf, not ALAS2-2018-939"
elif [ "$(rpm --eval "%{lua:print(rpm.vercmp('4.9.62-21.56.amzn2', '$fix'))}")" != -1 ] ||
	[ "$(rpm --eval "%{lua:print(rpm.vercmp('4.9.76-38.79.amzn2', '$fix'))}")" != 0 ]; then
	fail "amzn2-perf: premise: rpm does not order perf below and kernel at the fix $fix"
elif rpms "$r/var/lib/rpm" perf-4.9.62-21.56.amzn2 kernel-4.9.76-38.79.amzn2; then
	osrel "$r" amzn 2 "Amazon Linux"
	one_layer_image "$TMP/amzn2-perf.tar" "$r"
	if scan "$TMP/amzn2-perf.tar" 1; then
		got=$(jqs '.findings[] | [.vulnerability, .record, .fixed_version] | join("|")' |
			LC_ALL=C sort)
		[ "$got" = "$(cat "$TMP/alas.want")" ] &&
			pass "amzn2-perf: $(echo "$got" | tr '\n' ' ')(the record is the ALAS id)" ||
			fail "amzn2-perf: got '$got', want '$(cat "$TMP/alas.want")'"
		got=$(jqs '[.findings[] | [.package, .installed_version, .source, .namespace,
			.comparison, (.note // "null")] | join("|")] | unique | join(",")')
		want="perf|4.9.62-21.56.amzn2|amazon|amzn:2|4.9.62-21.56.amzn2 < $fix (rpm)|null"
		[ "$got" = "$want" ] && pass "amzn2-perf: perf only, compared by rpm, no note" ||
			fail "amzn2-perf: got '$got', want '$want'"
		got=$(jqs '[.namespace, .coverage, (.not_assessed | length)] | @tsv')
		[ "$got" = "$(printf 'amzn:2\tfixes-only\t0')" ] || fail "amzn2-perf: $got"
	fi
	# every format names the advisory (the table beside the feed and package)
	R=$TMP/amzn
	if expect_status 1 "$AIRLOCK" scan --bundle "$TMP/b.db.zst" -p "$TMP/k.pub" \
		-f table -o "$R.txt" -f yaml -o "$R.yaml" -f sarif -o "$R.sarif" \
		-f cyclonedx -o "$R.cdx.json" -f html -o "$R.html" -f junit -o "$R.junit.xml" \
		-f verdict -o "$R.verdict.yaml" "$TMP/amzn2-perf.tar"; then
		n=0
		for f in "$R.yaml" "$R.sarif" "$R.cdx.json" "$R.html" "$R.junit.xml" \
			"$R.verdict.yaml"; do
			grep -q 'ALAS2-2018-939' "$f" && n=$((n + 1)) ||
				fail "amzn2-perf: $(basename "$f") lacks ALAS2-2018-939"
		done
		[ "$n" = 6 ] && [ "$(grep -c ' amazon perf ALAS2-2018-939 \[critical\]$' "$R.txt")" = 2 ] &&
			pass "amzn2-perf: every format names ALAS2-2018-939" ||
			fail "amzn2-perf: table: $(cat "$R.txt")"
	fi
else
	fail "amzn2-perf: rpmbuild/rpm could not make the database"
fi
finish
