#!/bin/sh
# oval.sh - the five OVAL sources through `airlock-feed build` on every OVAL file of the shared
# corpus (../shared/corpus/feeds/oval-*, or $AIRLOCK_CORPUS/feeds): each valid file gives the
# records, tests and oval_index rows that oval-count.py counts without airlock (python
# ElementTree); the three fixtures their authors cut down into invalid OVAL are refused with one
# line naming the file and the line; so are a truncated file, a dangling reference and a file
# without definitions, and no bundle is written then. Prints build time and peak RSS
# (AIRLOCK_STATS=1) for the Debian 11 and RHEL 8 files.
. "$(dirname "$0")/setup.sh"
need python3 python3
need sqlite3 sqlite3
need zstd zstd
need bzip2 bzip2
CORPUS=${AIRLOCK_CORPUS:-$top_srcdir/../shared/corpus}/feeds
if [ ! -d "$CORPUS/oval-rhel" ]; then
	echo "SKIP: no OVAL corpus in $CORPUS (set AIRLOCK_CORPUS to the shared corpus)"
	exit 77
fi
COUNT=$top_srcdir/tests/e2e/oval-count.py
"$AIRLOCK_FEED" keygen -W -p "$TMP/k.pub" -s "$TMP/k.sec" >/dev/null

# build SRC FILE [ARG]: $TMP/b.db from one file; stats line in $TMP/stats
build() {
	src=$1 file=$2 arg=${3:+@$3}
	rm -f "$TMP/b.db.zst" "$TMP/b.db.zst.minisig" "$TMP/b.db"
	t0=$(date +%s.%N)
	if ! AIRLOCK_STATS=1 "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/b.db.zst" \
		"$src$arg:$file" >"$TMP/out" 2>"$TMP/err"; then
		return 1
	fi
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" '/stats:/ {sub(/.*maxrss_kib=/, ""); printf "%.2f s, peak RSS %d MiB", b - a, $1 / 1024}' \
		"$TMP/err" >"$TMP/stats"
	zstd -dq "$TMP/b.db.zst" -o "$TMP/b.db"
}

q() { sqlite3 "$TMP/b.db" "$1"; }

# valid SRC FILE: counts as oval-count.py gives them
valid() {
	src=$1 file=$2 name=$(basename "$2")
	want=$(python3 "$COUNT" "$file") || { fail "$name: oval-count.py failed"; return; }
	if ! build "$src" "$file"; then
		fail "$name: build failed"; sed 's/^/  /' "$TMP/err"; return
	fi
	want=${want#definitions=* }	# airlock does not store the inventory definitions
	got=$(printf 'records=%s tests=%s index=%s' "$(q 'SELECT count(*) FROM oval_def')" \
		"$(q 'SELECT count(*) FROM oval_test')" "$(q 'SELECT count(*) FROM oval_index')")
	recs=$(q "SELECT records FROM source WHERE name = '$src'")
	if [ "$got" = "$want" ] && [ "$recs" = "$(q 'SELECT count(*) FROM oval_def')" ]; then
		pass "$src $name: $want ($(cat "$TMP/stats"))"
	else
		fail "$src $name: airlock $got (source.records $recs), oval-count.py $want"
	fi
}

# invalid SRC FILE TEXT: exit 2, one stderr line "airlock-feed: SRC:FILE: line N: ...TEXT..."
invalid() {
	src=$1 file=$2 text=$3 name=$(basename "$2")
	rm -f "$TMP/b.db.zst"
	if expect_status 2 "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/b.db.zst" "$src:$file"; then
		if [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
			grep -q "^airlock-feed: $src:$file: line [0-9][0-9]*: .*$text" "$TMP/err" &&
			[ ! -e "$TMP/b.db.zst" ]; then
			pass "$src $name refused: $(cat "$TMP/err")"
		else
			fail "$src $name: want one line naming file, line and '$text', no bundle"
			sed 's/^/  stderr: /' "$TMP/err"
		fi
	fi
}

valid rhel-oval "$CORPUS/oval-rhel/rhel-8.oval.xml"
rhel_stats=$(cat "$TMP/stats")
# determinism: the same file gives the same OVAL rows
for t in oval_test oval_test_name oval_def oval_def_vuln oval_index; do
	sqlite3 "$TMP/b.db" ".dump $t"
done >"$TMP/dump1"
valid rhel-oval "$CORPUS/oval-rhel/rhel-8.oval.xml" >/dev/null
for t in oval_test oval_test_name oval_def oval_def_vuln oval_index; do
	sqlite3 "$TMP/b.db" ".dump $t"
done >"$TMP/dump2"
if cmp -s "$TMP/dump1" "$TMP/dump2"; then pass "rhel-8: the same rows twice"; else fail "rhel-8: rows differ between two builds"; fi
valid rhel-oval "$CORPUS/oval-rhel/RHEL8-ansible-2-including-unpatched.oval.xml.bz2"
valid rhel-oval "$CORPUS/oval-rhel/rhsa-oval-v1-RHSA-sample.xml"
valid oracle-oval "$CORPUS/oval-oracle/ELSA-2007-0057.xml"
valid ubuntu-oval "$CORPUS/oval-ubuntu/clair-fetcher_ubuntu_test.xml"
valid ubuntu-oval "$CORPUS/oval-ubuntu/com.ubuntu.lunar.usn.oval.xml"
valid ubuntu-oval "$CORPUS/oval-ubuntu/com.ubuntu.oracular.usn.oval.xml"
valid debian-oval "$CORPUS/oval-debian/oval-definitions-stretch.xml.bz2"
valid debian-oval "$CORPUS/oval-debian/oval-definitions-bullseye.xml.bz2"
debian_stats=$(cat "$TMP/stats")
# Ubuntu 23.04: an object naming binaries through a constant_variable (USN-5900-2, tar)
build ubuntu-oval "$CORPUS/oval-ubuntu/com.ubuntu.lunar.usn.oval.xml"
got=$(q "SELECT d.namespace || '|' || t.evr || '|' || group_concat(n.name, ' ') FROM oval_def AS d
	JOIN oval_index AS i ON i.def = d.id JOIN oval_test_name AS n ON n.name = i.package
	JOIN oval_test AS t ON t.id = n.test AND t.kind = 'pkg'
	WHERE d.advisory = 'USN-5900-2' AND instr(d.criteria, 't' || t.id || ')') > 0")
if [ "$got" = "ubuntu:23.04|0:1.34+dfsg-1.2ubuntu0.1|tar tar-scripts" ]; then pass "lunar USN-5900-2: $got"; else fail "lunar USN-5900-2: $got"; fi
# Debian 11: keyed by source names, a release test and the "all" uname test
build debian-oval "$CORPUS/oval-debian/oval-definitions-bullseye.xml.bz2"
got=$(q "SELECT d.name_kind || '|' || d.advisory || '|' || d.criteria FROM oval_def AS d
	WHERE d.title = 'CVE-2006-20001 apache2'")
t1=$(q "SELECT kind || ':' || comment FROM oval_test WHERE id = 1")
t2=$(q "SELECT kind || ':' || comment FROM oval_test WHERE id = 2")
case $got in
"source|DSA-5376|&(t1,|(&(t2,t"*")))") pass "bullseye CVE-2006-20001: $got; t1 $t1; t2 $t2" ;;
*) fail "bullseye CVE-2006-20001: $got" ;;
esac
[ "$t2" = "platform:Installed architecture is all" ] || fail "bullseye t2: $t2"

# the cut-down fixtures are not valid OVAL (oval-count.py's python finds the same defects)
invalid suse-oval "$CORPUS/oval-suse/suse_truncated.xml" "id oval:org.opensuse.security:obj:2009030884 given twice"
invalid oracle-oval "$CORPUS/oval-oracle/vunnel-mock_data.xml" "object_ref oval:com.oracle.elsa:obj:20070057001: no such object in the file"
invalid oracle-oval "$CORPUS/oval-oracle/all-positive-data.xml.bz2" "criterion test_ref oval:com.oracle.elsa:tst:20070057001: no such test in the file"
# broken copies of a real file
bzcat "$CORPUS/oval-rhel/RHEL8-ansible-2-including-unpatched.oval.xml.bz2" >"$TMP/ansible.xml"
head -c 9000 "$TMP/ansible.xml" >"$TMP/truncated.xml"
invalid rhel-oval "$TMP/truncated.xml" "malformed xml"
head -c 900000 "$CORPUS/oval-debian/oval-definitions-bullseye.xml.bz2" >"$TMP/truncated.xml.bz2"
invalid debian-oval "$TMP/truncated.xml.bz2" "truncated bzip2 input"
sed 's/test_ref="oval:com.redhat.cve:tst:202010744003"/test_ref="oval:com.redhat.cve:tst:999"/' \
	"$TMP/ansible.xml" >"$TMP/dangling.xml"
invalid rhel-oval "$TMP/dangling.xml" "criterion test_ref oval:com.redhat.cve:tst:999: no such test in the file"
sed '/<definitions>/,/<\/definitions>/d' "$TMP/ansible.xml" >"$TMP/nodefs.xml"
invalid rhel-oval "$TMP/nodefs.xml" "no <definition> element"

echo "stats: rhel-8.oval.xml $rhel_stats; oval-definitions-bullseye.xml.bz2 $debian_stats"
finish
