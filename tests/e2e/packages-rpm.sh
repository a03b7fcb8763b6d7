#!/bin/sh
# packages-rpm.sh - `airlock packages -f json` shows each rpm package's header signing key id and
# modularity label (doc/airlock-json.7: signing_key_id, modularity_label), checked against what
# Debian's rpm prints for the same database (`rpm -qa --dbpath`, the usual signature idiom: Key ID
# of the first of DSAHEADER, RSAHEADER, SIGGPG, SIGPGP), on docker-archive images made here from
#   rhel8-libuuid  the real RHEL 8 BerkeleyDB of tests/data (libuuid, signed by Red Hat's release
#                  key 2: rpm reports 199e2f91fd431d51)
#   sles12         the real SLES 12 SP4 BerkeleyDB (108 packages, the two gpg-pubkey unsigned)
#   mariner        the real CBL-Mariner 2.0 sqlite database (129 packages)
#   module         an rpm database written by Debian's rpm from packages rpmbuild made here: nodejs
#                  with the modularity label of RHEL 8's nodejs:10 stream (rpmbuild's
#                  %modularitylabel) and a package outside any module; both signed with a throwaway
#                  gpg key when gpg is installed
# and that dpkg packages (the Debian 11 sample image) carry both keys as null.
. "$(dirname "$0")/setup.sh"
need rpm rpm
need rpmbuild rpm
need zstd zstd
need jq jq

# rpm_table DBDIR BACKEND: "NAME<TAB>EVR<TAB>ARCH<TAB>KEYID<TAB>LABEL" per package as rpm prints
# them ("(none)" for no arch, no signature, no label), sorted
rpm_table() {
	# shellcheck disable=SC2016
	rpm -qa --dbpath "$1" --define "_db_backend $2" --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|\t%{MODULARITYLABEL}\n' 2>"$TMP/rpm.err" |
		awk -F'\t' 'BEGIN {OFS = "\t"} {k = $4; if (sub(/.*Key ID /, "", k) == 0) k = "(none)"; $4 = k; print}' |
		LC_ALL=C sort
}

# airlock_table IMAGE: the same columns from `airlock packages -f json`, sorted; the JSON in
# $TMP/out
airlock_table() {
	expect_status 0 "$AIRLOCK" packages -f json "$1" || return 1
	jq -r '.packages[] | [.name, .version, (.arch // "(none)"), (.signing_key_id // "(none)"),
		(.modularity_label // "(none)")] | @tsv' "$TMP/out" | LC_ALL=C sort
}

# check NAME IMAGE DBDIR BACKEND N NSIGNED NLABELED: airlock's table equals rpm's, with N rows,
# NSIGNED signed and NLABELED with a label (so neither side can be empty or all "(none)")
check() {
	name=$1 img=$2 db=$3 backend=$4
	rpm_table "$db" "$backend" >"$TMP/want.tsv"
	airlock_table "$img" >"$TMP/got.tsv" || { fail "$name: airlock packages failed"; return; }
	got=$(awk -F'\t' '{n++} $4 != "(none)" {s++} $5 != "(none)" {m++}
		END {printf "%d %d %d", n, s, m}' "$TMP/got.tsv")
	if ! cmp -s "$TMP/want.tsv" "$TMP/got.tsv"; then
		fail "$name: airlock and rpm differ (< rpm, > airlock)"
		diff "$TMP/want.tsv" "$TMP/got.tsv" | head -n 10
	elif [ "$got" != "$5 $6 $7" ]; then
		fail "$name: $got packages, signed, labelled; want $5 $6 $7"
	else
		pass "$name: key ids and modularity labels of $5 packages equal rpm's ($6 signed, $7 labelled)"
	fi
}

# --- the real databases of tests/data -----------------------------------------------------------
r=$TMP/r1; mkdir -p "$r/var/lib/rpm"
cp "$DATA/rpm/bdb/rhel-8-libuuid/Packages" "$r/var/lib/rpm/Packages"
one_layer_image "$TMP/rhel8.tar" "$r"
check rhel8-libuuid "$TMP/rhel8.tar" "$r/var/lib/rpm" bdb_ro 1 1 0
kid=$(rpm_table "$r/var/lib/rpm" bdb_ro | awk -F'\t' '$1 == "libuuid" {print $4}')
got=$(jq -r '.packages[] | select(.name == "libuuid") | "\(.signing_key_id) \(.modularity_label)"' \
	"$TMP/out")
if [ "$kid" = 199e2f91fd431d51 ] && [ "$got" = "$kid null" ]; then
	pass "rhel8-libuuid: signing_key_id $kid (Red Hat release key 2, as rpm says), label null"
else
	fail "rhel8-libuuid: airlock '$got', rpm key '$kid'"
fi

r=$TMP/r2; mkdir -p "$r/var/lib/rpm"
zstd -dq "$DATA/rpm/bdb/sles-12sp4/Packages.zst" -o "$r/var/lib/rpm/Packages"
one_layer_image "$TMP/sles12.tar" "$r"
check sles12 "$TMP/sles12.tar" "$r/var/lib/rpm" bdb_ro 108 106 0
got=$(jq -r '[.packages[] | select(.name == "gpg-pubkey") | if has("signing_key_id") then
	.signing_key_id else "absent" end] | @json' "$TMP/out")
[ "$got" = '[null,null]' ] && pass "sles12: the two gpg-pubkey entries are unsigned (null)" ||
	fail "sles12: gpg-pubkey signing_key_id $got"

r=$TMP/r3; mkdir -p "$r/var/lib/rpm"
zstd -dq "$DATA/rpm/sqlite/cbl-mariner-2.0/rpmdb.sqlite.zst" -o "$r/var/lib/rpm/rpmdb.sqlite"
one_layer_image "$TMP/mariner.tar" "$r"
check mariner "$TMP/mariner.tar" "$r/var/lib/rpm" sqlite 129 129 0

# --- a module stream's package ----------------------------------------------------------------------
LABEL=nodejs:10:8020020200707141642:6a468ee4
top=$TMP/rpmbuild db=$TMP/r4/var/lib/rpm
mkdir -p "$top" "$db"
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
ok=1
rpmbuild -bb --quiet --define "_topdir $top" --define "pname nodejs" --define "pver 10.21.0" \
	--define "prel 3.module_el8.2.0+391+8da3adc6" --define "modularitylabel $LABEL" \
	--target x86_64 "$top/pkg.spec" >"$top/build.log" 2>&1 || ok=0
rpmbuild -bb --quiet --define "_topdir $top" --define "pname zlib" --define "pver 1.2.11" \
	--define "prel 17.el8" --target x86_64 "$top/pkg.spec" >>"$top/build.log" 2>&1 || ok=0
nsigned=0
if [ $ok = 1 ] && command -v gpg >/dev/null 2>&1; then
	GNUPGHOME=$TMP/gnupg; export GNUPGHOME; mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'airlock packages-rpm <test@airlock.invalid>' rsa2048 sign never 2>/dev/null
	key=$(gpg --batch --list-keys --with-colons 2>/dev/null | awk -F: '/^pub/ {print $5; exit}')
	rpmsign --addsign --define "__gpg $(command -v gpg)" --define "_gpg_name $key" \
		--define "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase-file /dev/null" \
		"$top"/RPMS/*/*.rpm >"$top/sign.log" 2>&1 && nsigned=2 || { cat "$top/sign.log"; ok=0; }
fi
if [ $ok = 1 ]; then
	rpm --dbpath "$db" --initdb
	rpm --dbpath "$db" -i --justdb --nodeps --noscripts --ignorearch --ignoreos \
		"$top"/RPMS/*/*.rpm 2>/dev/null
	rm -f "$db"/rpmdb.sqlite-shm "$db"/rpmdb.sqlite-wal "$db"/.rpm.lock
	one_layer_image "$TMP/module.tar" "$TMP/r4"
	check module "$TMP/module.tar" "$db" sqlite 2 $nsigned 1
	want=$(rpm --dbpath "$db" -q --qf '%{MODULARITYLABEL}' nodejs)
	got=$(jq -r '.packages[] | select(.name == "nodejs") | .modularity_label' "$TMP/out")
	[ "$want" = "$LABEL" ] && [ "$got" = "$LABEL" ] &&
		pass "module: nodejs modularity_label $got (rpm: $want)" ||
		fail "module: nodejs modularity_label '$got', rpm '$want', built with $LABEL"
	got=$(jq -r '.packages[] | select(.name == "zlib") | if has("modularity_label") then
		.modularity_label else "absent" end' "$TMP/out")
	[ "$got" = null ] && pass "module: zlib, outside any module, has modularity_label null" ||
		fail "module: zlib modularity_label '$got'"
else
	cat "$top/build.log"
	fail "module: rpmbuild/rpmsign could not make the packages"
fi

# --- dpkg: both keys present, null ------------------------------------------------------------------
if expect_status 0 "$AIRLOCK" packages -f json "$SAMPLE"; then
	got=$(jq -r '[(.packages | length), ([.packages[] | select(has("signing_key_id") and
		has("modularity_label") and .signing_key_id == null and .modularity_label == null)]
		| length)] | @tsv' "$TMP/out")
	n=${got%%	*}
	[ "$n" -gt 0 ] && [ "$got" = "$(printf '%s\t%s' "$n" "$n")" ] &&
		pass "sample (dpkg): all $n packages have signing_key_id and modularity_label null" ||
		fail "sample (dpkg): packages, with both keys null: $got"
fi
finish
