#!/bin/sh
# feed-info.sh - `airlock-feed info` per namespace: "source namespace rows definitions coverage".
#   definitions  an OVAL source has no affected rows but definitions: rhel:8 from Red Hat's
#                rhel-8.oval.xml and debian:11 from Debian's OVAL excerpt show as many as
#                oval-count.py counts in the files (python ElementTree, without airlock), and the
#                database's oval_def table (sqlite3) holds; a tracker namespace shows rows and no
#                definitions; a bundle without the OVAL tables (built before them) shows "-"
#   coverage     two files of one source declaring one namespace, one complete and one not:
#                complete wins in both orders (bundles/write.c's namespace upsert). Red Hat's
#                product-stream file RHEL8-ansible-2-including-unpatched lists unfixed CVEs but
#                cannot make rhel:8 complete (feeds/oval_rhel.c rhel_whole_release); the same
#                bytes under the name Red Hat gives a release's own file,
#                rhel-8-including-unpatched.oval.xml.bz2, do. rhel-8.oval.xml (patches only) is
#                fixes-only. Coverage is read from info and from the database itself.
. "$(dirname "$0")/setup.sh"
need python3 python3
need sqlite3 sqlite3
need zstd zstd
DO=$DATA/oval
COUNT=$top_srcdir/tests/e2e/oval-count.py
RHEL=$DO/rhel-8.oval.xml.xz
STREAM=$DO/RHEL8-ansible-2-including-unpatched.oval.xml.bz2
DEB=$DO/debian-bullseye-excerpt.xml.bz2
"$AIRLOCK_FEED" keygen -W -p "$TMP/k.pub" -s "$TMP/k.sec" >/dev/null
mkdir -p "$TMP/in"
RELEASE=$TMP/in/rhel-8-including-unpatched.oval.xml.bz2
cp "$STREAM" "$RELEASE"

# build NAME INPUT...: $TMP/NAME.db.zst, its info in $TMP/NAME.info, its database $TMP/NAME.db
build() {
	n=$1; shift
	if ! "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/$n.db.zst" "$@" 2>"$TMP/err"; then
		fail "$n: build failed: $(cat "$TMP/err")"; return 1
	fi
	if ! "$AIRLOCK_FEED" info "$TMP/$n.db.zst" >"$TMP/$n.info" 2>"$TMP/err"; then
		fail "$n: info failed: $(cat "$TMP/err")"; return 1
	fi
	zstd -dqf "$TMP/$n.db.zst" -o "$TMP/$n.db"
}

# ns NAME SOURCE NAMESPACE: the info line of that namespace, without its leading blanks
ns() {
	awk -v s="$2" -v n="$3" '/^namespaces/ {f = 1; next} /^[a-z]/ {f = 0}
		f && $1 == s && $2 == n {sub(/^ +/, ""); print}' "$TMP/$1.info"
}

# records FILE: the definitions airlock stores for an OVAL file (not of class inventory)
records() {
	python3 "$COUNT" "$1" | sed -n 's/.* records=\([0-9]*\) .*/\1/p'
}

# --- definitions ---------------------------------------------------------------------------------
nrhel=$(records "$RHEL") ndeb=$(records "$DEB") nstream=$(records "$STREAM")
[ "${nrhel:-0}" -gt 0 ] && [ "${ndeb:-0}" -gt 0 ] && [ "${nstream:-0}" -gt 0 ] ||
	{ fail "oval-count.py: '$nrhel' '$ndeb' '$nstream'"; finish; }
# shellcheck disable=SC2046
if build defs "rhel-oval:$RHEL" "debian-oval:$DEB" \
	$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done); then
	if grep -q '^namespaces (source, namespace, rows, definitions, coverage):$' "$TMP/defs.info"; then
		pass "info: namespaces heading names the columns"
	else
		fail "info: no namespaces heading: $(cat "$TMP/defs.info")"
	fi
	for x in "rhel-oval rhel:8 $nrhel" "debian-oval debian:11 $ndeb"; do
		# shellcheck disable=SC2086
		set -- $x
		db=$(sqlite3 "$TMP/defs.db" "SELECT count(*) FROM oval_def d JOIN source s ON
			s.id = d.source_id WHERE s.name = '$1' AND d.namespace = '$2'")
		got=$(ns defs "$1" "$2")
		if [ "$got" = "$1 $2 0 $3 fixes-only" ] && [ "$db" = "$3" ]; then
			pass "info: $1 $2: 0 rows, $3 definitions (oval-count.py and oval_def agree)"
		else
			fail "info: $1 $2: '$got', want '$1 $2 0 $3 fixes-only' (oval_def has $db)"
		fi
	done
	# the tracker: rows, no definitions
	db=$(sqlite3 "$TMP/defs.db" "SELECT count(*) FROM affected a JOIN source s ON
		s.id = a.source_id WHERE s.name = 'debian' AND a.namespace = 'debian:11'")
	got=$(ns defs debian debian:11)
	if [ "$db" -gt 0 ] && [ "$got" = "debian debian:11 $db 0 complete" ]; then
		pass "info: debian debian:11: $db rows (as affected holds), 0 definitions"
	else
		fail "info: debian debian:11: '$got', affected has $db rows"
	fi
	# a bundle from before the OVAL tables (the scanner's query.c checks for them too)
	cp "$TMP/defs.db" "$TMP/old.db"
	sqlite3 "$TMP/old.db" "DROP TABLE oval_index; DROP TABLE oval_def_vuln; DROP TABLE oval_def"
	zstd -qf "$TMP/old.db" -o "$TMP/old.db.zst"
	if expect_status 0 "$AIRLOCK_FEED" info "$TMP/old.db.zst" &&
		grep -qx '  rhel-oval rhel:8 0 - fixes-only' "$TMP/out" &&
		grep -qx "  debian debian:11 $db - complete" "$TMP/out"; then
		pass "info: a bundle without oval_def shows '-' definitions"
	else
		fail "info: bundle without oval_def: $(sed -n '/^namespaces/,$p' "$TMP/out")"
	fi
fi

# --- coverage: complete wins ----------------------------------------------------------------------
# cov NAME: rhel:8's coverage as info prints it and as the database holds it ("INFO DB")
cov() {
	printf '%s %s' "$(ns "$1" rhel-oval rhel:8 | awk '{print $5}')" \
		"$(sqlite3 "$TMP/$1.db" "SELECT coverage FROM namespace WHERE name = 'rhel:8'")"
}
# premises: each file alone
for x in "stream:$STREAM:fixes-only" "release:$RELEASE:complete" "patches:$RHEL:fixes-only"; do
	n=${x%%:*} rest=${x#*:} want=${x##*:}
	f=${rest%:*}
	if build "$n" "rhel-oval:$f"; then
		[ "$(cov "$n")" = "$want $want" ] && pass "coverage: $(basename "$f") alone: rhel:8 $want" ||
			fail "coverage: $(basename "$f") alone: info, database: $(cov "$n"), want $want"
	fi
done
# two files of rhel-oval declaring rhel:8, both orders
nboth=$((nrhel + nstream))
for order in "$RELEASE $RHEL" "$RHEL $RELEASE"; do
	# shellcheck disable=SC2086
	set -- $order
	name=$(basename "$1")+$(basename "$2")
	if build pair "rhel-oval:$1" "rhel-oval:$2"; then
		got="$(cov pair) $(ns pair rhel-oval rhel:8 | awk '{print $4}')"
		[ "$got" = "complete complete $nboth" ] &&
			pass "coverage: $name: rhel:8 complete ($nboth definitions)" ||
			fail "coverage: $name: info, database, definitions: $got, want complete complete $nboth"
	fi
done
# neither file complete: the pair is not either, in both orders
for order in "$STREAM $RHEL" "$RHEL $STREAM"; do
	# shellcheck disable=SC2086
	set -- $order
	name=$(basename "$1")+$(basename "$2")
	if build pair "rhel-oval:$1" "rhel-oval:$2"; then
		[ "$(cov pair)" = "fixes-only fixes-only" ] &&
			pass "coverage: $name: rhel:8 fixes-only" ||
			fail "coverage: $name: info, database: $(cov pair), want fixes-only"
	fi
done
finish
