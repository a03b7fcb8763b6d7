#!/bin/sh
# import.sh - `airlock db import/status` and scans of the imported database: nothing tampered,
# untrusted, revoked, expired, rolled back or not-a-bundle is ever installed (and the database
# directory is byte-for-byte unchanged when refused); kill -9 at any moment of an import leaves
# a usable database; builds are reproducible.
. "$(dirname "$0")/setup.sh"
unset AIRLOCK_DB_DIR
need zstd zstd
need sqlite3 sqlite3
need minisign minisign

DB=$TMP/db
make_bundle "$TMP" --serial 7
"$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/b8.db.zst" --serial 8 \
	$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done)
"$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/b5.db.zst" --serial 5 \
	"debian:$DATA/debian-tracker/vunnel-debian.json"
KEYID=$("$AIRLOCK" verify -p "$TMP/key.pub" "$TMP/bundle.db.zst" | sed 's/.* key //')
imp() { "$AIRLOCK" db import -q --db-dir "$DB" -p "$TMP/key.pub" "$@"; }
scan_db() { "$AIRLOCK" scan --db-dir "$1" -p "$TMP/key.pub" -f json "$SAMPLE"; }
# a digest of everything in a directory: names, link targets, file contents
dir_hash() {
	(cd "$1" && find . | LC_ALL=C sort | while IFS= read -r f; do
		if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
		elif [ -f "$f" ]; then echo "$f $(sha256sum <"$f")"
		else echo "$f/"; fi
	done) | sha256sum
}
# flip FILE OFFSET: xor one byte with 1
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 1) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# pub_keyid KEY.pub: the key id as minisign prints it (little-endian u64 in the key line)
pub_keyid() {
	sed -n 2p "$1" | base64 -d | od -An -tx1 -j2 -N8 |
		awk '{ for (i = NF; i >= 1; i--) printf "%s", toupper($i); print "" }'
}
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# --- an expiring bundle, imported now and checked at the end (it expires in ~10 s) -----------
EDB=$TMP/edb
now=$(date +%s)
SOURCE_DATE_EPOCH=$((now - 86400 + 10)) "$AIRLOCK_FEED" build -q -s "$TMP/key.sec" \
	-o "$TMP/soon.db.zst" --serial 3 --expires-in 1 "debian:$DATA/debian-tracker/vunnel-debian.json"
expires_at=$((now + 10))
expect_status 0 "$AIRLOCK" db import --db-dir "$EDB" -p "$TMP/key.pub" "$TMP/soon.db.zst" &&
	pass "a bundle valid for 10 more seconds imports"

# --- nothing imported ---------------------------------------------------------------------------
expect_status 2 scan_db "$DB" && grep -q 'no vulnerability database imported (airlock db import BUNDLE)' "$TMP/err" &&
	pass "scan without an imported database: $(cat "$TMP/err")"
expect_status 2 "$AIRLOCK" db status --db-dir "$DB" -p "$TMP/key.pub" && pass "db status without a database exits 2"
[ -s "$TMP/out" ] && fail "scan without a database printed a report"

# --- import, status, scan -------------------------------------------------------------------------
expect_status 0 "$AIRLOCK" db import --db-dir "$DB" -p "$TMP/key.pub" "$TMP/bundle.db.zst" &&
	grep -q "imported serial 7 (key $KEYID" "$TMP/out" && pass "import: $(cat "$TMP/out")"
[ "$(readlink "$DB/current" | cut -c1-6)" = gen-7. ] && [ -f "$DB/lock" ] && [ ! -e "$DB/previous" ] &&
	cmp -s "$DB/current/bundle.db.zst" "$TMP/bundle.db.zst" &&
	cmp -s "$DB/current/bundle.db.zst.minisig" "$TMP/bundle.db.zst.minisig" &&
	pass "layout: current -> $(readlink "$DB/current") holding the bundle as signed" || fail "layout: $(ls -la "$DB")"
grep -qx 'serial=7' "$DB/current/state" && grep -qx "keyid=$KEYID" "$DB/current/state" &&
	grep -qx 'downgrade=0' "$DB/current/state" && pass "state records serial, key, downgrade=0" ||
	fail "state: $(cat "$DB/current/state")"
minisign -Vm "$DB/current/bundle.db.zst" -p "$TMP/key.pub" -q && pass "stock minisign verifies the installed bundle"
expect_status 0 "$AIRLOCK" db status --db-dir "$DB" -p "$TMP/key.pub" &&
	grep -q '^serial: *7$' "$TMP/out" && grep -q "^key: *$KEYID$" "$TMP/out" &&
	grep -q '^downgrade: *no$' "$TMP/out" && grep -q '^sources: *debian ' "$TMP/out" &&
	grep -q '^expires: ' "$TMP/out" && grep -q '^created: ' "$TMP/out" && pass "db status shows serial, dates, key, sources"
expect_status 1 scan_db "$DB" && [ "$(jq -r .bundle.serial "$TMP/out")" = 7 ] &&
	pass "scan without --bundle uses the imported database (serial 7)"
expect_status 1 env AIRLOCK_DB_DIR="$DB" "$AIRLOCK" scan -p "$TMP/key.pub" -f json "$SAMPLE" &&
	[ "$(jq -r .bundle.serial "$TMP/out")" = 7 ] && pass "AIRLOCK_DB_DIR is honoured by scan"
expect_status 0 env AIRLOCK_DB_DIR="$DB" "$AIRLOCK" db status -q -p "$TMP/key.pub" && pass "... and by db status"
before=$(dir_hash "$DB")
expect_status 0 "$AIRLOCK" db import --db-dir "$DB" -p "$TMP/key.pub" "$TMP/bundle.db.zst" &&
	grep -q 'already installed' "$TMP/out" && [ "$(dir_hash "$DB")" = "$before" ] &&
	pass "importing the installed bundle again changes nothing"

# --- the tamper matrix, sampled through the CLI (every byte is flipped in-process by
# test_install_tamper_matrix): b8 is a valid, newer candidate; each altered copy is refused
# with exit 2 and the directory is unchanged ---------------------------------------------------
before=$(dir_hash "$DB")
zsize=$(stat -c %s "$TMP/b8.db.zst")
ssize=$(stat -c %s "$TMP/b8.db.zst.minisig")
ulen=$(head -n 1 "$TMP/b8.db.zst.minisig" | wc -c)	# the untrusted comment line is not signed
tried=0 refused=0
attempt() {	# attempt WHAT: t.db.zst and t.db.zst.minisig are prepared
	tried=$((tried + 1))
	if expect_status 2 imp "$TMP/t.db.zst"; then
		if [ "$(dir_hash "$DB")" = "$before" ]; then refused=$((refused + 1))
		else fail "$1: refused but the database directory changed"; fi
	else
		fail "$1 was not refused"
	fi
}
for i in $(seq 0 47); do
	off=$((i * (zsize - 1) / 47))
	cp "$TMP/b8.db.zst" "$TMP/t.db.zst"; cp "$TMP/b8.db.zst.minisig" "$TMP/t.db.zst.minisig"
	flip "$TMP/t.db.zst" "$off"
	attempt ".db.zst byte $off flipped"
done
for i in $(seq 0 31); do
	off=$((ulen - 1 + i * (ssize - ulen) / 31))	# from the first line's newline to the last byte
	cp "$TMP/b8.db.zst" "$TMP/t.db.zst"; cp "$TMP/b8.db.zst.minisig" "$TMP/t.db.zst.minisig"
	flip "$TMP/t.db.zst.minisig" "$off"
	attempt ".minisig byte $off flipped"
done
for n in 0 1 $((zsize / 2)) $((zsize - 1)); do
	head -c "$n" "$TMP/b8.db.zst" >"$TMP/t.db.zst"; cp "$TMP/b8.db.zst.minisig" "$TMP/t.db.zst.minisig"
	attempt ".db.zst truncated to $n bytes"
done
# all but one byte of the .minisig would drop only its final newline (the same signature,
# accepted as by minisign): all but two instead
for n in 0 1 $((ssize / 2)) $((ssize - 2)); do
	cp "$TMP/b8.db.zst" "$TMP/t.db.zst"; head -c "$n" "$TMP/b8.db.zst.minisig" >"$TMP/t.db.zst.minisig"
	attempt ".minisig truncated to $n bytes"
done
[ "$refused" -eq "$tried" ] &&
	pass "tamper matrix (CLI sample): $refused/$tried altered bundles refused with exit 2 (48 .db.zst and 32 .minisig flips, 8 truncations), directory unchanged"
for off in 0 $((zsize / 2)) $((zsize - 1)); do
	cp "$TMP/b8.db.zst" "$TMP/t.db.zst"; cp "$TMP/b8.db.zst.minisig" "$TMP/t.db.zst.minisig"
	flip "$TMP/t.db.zst" "$off"
	expect_status 2 "$AIRLOCK" scan --bundle "$TMP/t.db.zst" --db-dir "$DB" -p "$TMP/key.pub" "$SAMPLE" &&
		[ ! -s "$TMP/out" ] && pass "scan --bundle with byte $off flipped: exit 2, no report"
done

# --- trust: wrong key, revoked key, swapped signature, edited trusted comment -------------------
mkdir "$TMP/other" && make_bundle "$TMP/other" --serial 9
expect_status 2 imp "$TMP/other/bundle.db.zst" && grep -q 'not a trusted key' "$TMP/err" &&
	[ "$(dir_hash "$DB")" = "$before" ] && pass "wrong key refused: $(cat "$TMP/err")"
cp "$TMP/b8.db.zst" "$TMP/s.db.zst"; cp "$TMP/bundle.db.zst.minisig" "$TMP/s.db.zst.minisig"
expect_status 2 imp "$TMP/s.db.zst" && grep -q 'signature verification failed' "$TMP/err" &&
	[ "$(dir_hash "$DB")" = "$before" ] && pass "signature swapped from another bundle refused"
cp "$TMP/b8.db.zst" "$TMP/c.db.zst"
sed 's/expires=[0-9]\{4\}/expires=2099/' "$TMP/b8.db.zst.minisig" >"$TMP/c.db.zst.minisig"
expect_status 2 imp "$TMP/c.db.zst" && grep -q 'trusted comment signature' "$TMP/err" &&
	[ "$(dir_hash "$DB")" = "$before" ] && pass "edited trusted comment refused"
mkdir "$TMP/keys" && cp "$TMP/key.pub" "$TMP/keys/site.pub" && cp "$TMP/other/key.pub" "$TMP/keys/next.pub"
printf '# rotated out\n%s  # site key\n' "$KEYID" >"$TMP/keys/revoked"
expect_status 2 "$AIRLOCK" db import -q --db-dir "$DB" --keys "$TMP/keys" "$TMP/b8.db.zst" &&
	grep -q "key $KEYID is revoked" "$TMP/err" && [ "$(dir_hash "$DB")" = "$before" ] &&
	pass "revoked key refused though its .pub is present: $(cat "$TMP/err")"
expect_status 1 "$AIRLOCK" verify --keys "$TMP/keys" "$TMP/b8.db.zst" && grep -q 'is revoked' "$TMP/err" &&
	pass "verify exits 1 for a revoked key"
expect_status 1 "$AIRLOCK" verify -p "$TMP/key.pub" --revoked "$TMP/keys/revoked" "$TMP/b8.db.zst" &&
	pass "verify -p KEY --revoked FILE refuses it too"
expect_status 2 "$AIRLOCK" scan --db-dir "$DB" --keys "$TMP/keys" "$SAMPLE" && grep -q 'is revoked' "$TMP/err" &&
	pass "the installed bundle of a since-revoked key no longer scans"
expect_status 0 "$AIRLOCK" verify --keys "$TMP/keys" "$TMP/other/bundle.db.zst" && pass "the other key of the directory still verifies"

# --- rollback --------------------------------------------------------------------------------------
expect_status 2 imp "$TMP/b5.db.zst" &&
	grep -q 'bundle serial 5 is older than the installed serial 7' "$TMP/err" &&
	[ "$(dir_hash "$DB")" = "$before" ] && pass "rollback refused: $(cat "$TMP/err")"
expect_status 2 "$AIRLOCK" scan --bundle "$TMP/b5.db.zst" --db-dir "$DB" -p "$TMP/key.pub" "$SAMPLE" &&
	grep -q 'older than the installed serial 7' "$TMP/err" && pass "scan --bundle of an older serial refused"
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/b5.db.zst" --db-dir "$DB" --allow-downgrade -p "$TMP/key.pub" -f json "$SAMPLE" &&
	[ "$(jq -r .bundle.serial "$TMP/out")" = 5 ] && pass "... accepted with --allow-downgrade"
expect_status 0 "$AIRLOCK" db import --allow-downgrade --db-dir "$DB" -p "$TMP/key.pub" "$TMP/b5.db.zst" &&
	grep -q 'a downgrade from serial 7 (--allow-downgrade)' "$TMP/out" &&
	grep -qx 'downgrade=1' "$DB/current/state" && grep -qx 'replaced=7' "$DB/current/state" &&
	pass "import --allow-downgrade: recorded ($(cat "$TMP/out"))"
expect_status 0 "$AIRLOCK" db status --db-dir "$DB" -p "$TMP/key.pub" &&
	grep -q '^downgrade: *yes: replaced serial 7 (--allow-downgrade)$' "$TMP/out" &&
	grep -q '^previous: *serial 7 ' "$TMP/out" && pass "db status shows the downgrade and the previous generation"
expect_status 0 imp "$TMP/b8.db.zst" && [ "$(ls -d "$DB"/gen-* | wc -l)" -eq 2 ] &&
	pass "a newer serial imports again; one previous generation is kept"
before=$(dir_hash "$DB")

# --- validly signed payloads that are not bundles (signed with stock minisign, which a site may
# use): a corrupted zstd stream, zstd of something that is not SQLite, a 5 GiB zstd bomb ---------
(cd "$TMP" && minisign -G -W -p ms.pub -s ms.sec >/dev/null)
MSID=$(pub_keyid "$TMP/ms.pub")
now=$(date +%s)
ms_sign() {	# ms_sign FILE SERIAL
	minisign -S -s "$TMP/ms.sec" -m "$1" -t "airlock-bundle=1 serial=$2 created=$(iso "$now") expires=$(iso $((now + 86400))) keyid=$MSID" >/dev/null
}
ms_imp() { "$AIRLOCK" db import -q --db-dir "$DB" -p "$TMP/ms.pub" "$1"; }
cp "$TMP/b8.db.zst" "$TMP/g.db.zst" && flip "$TMP/g.db.zst" $((zsize / 2)) && ms_sign "$TMP/g.db.zst" 100
expect_status 2 ms_imp "$TMP/g.db.zst" && grep -q 'zstd' "$TMP/err" && [ "$(dir_hash "$DB")" = "$before" ] &&
	pass "corrupted zstd stream inside a valid signature refused: $(cat "$TMP/err")"
echo 'a validly signed file that is not SQLite' | zstd -q -c >"$TMP/g.db.zst" && ms_sign "$TMP/g.db.zst" 100
expect_status 2 ms_imp "$TMP/g.db.zst" && grep -q 'database' "$TMP/err" && [ "$(dir_hash "$DB")" = "$before" ] &&
	pass "signed zstd of a non-SQLite file refused: $(cat "$TMP/err")"
# one zstd frame declaring 5 GiB: 40960 RLE blocks of 128 KiB zeros, 4 bytes each
printf '\050\265\057\375\340\000\000\000\100\001\000\000\000' >"$TMP/g.db.zst"
printf '\002\000\020\000' >"$TMP/blk"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do cat "$TMP/blk" "$TMP/blk" >"$TMP/blk2"; mv "$TMP/blk2" "$TMP/blk"; done
cat "$TMP/blk" "$TMP/blk" "$TMP/blk" "$TMP/blk" "$TMP/blk" | head -c $((4 * 40959)) >>"$TMP/g.db.zst"
printf '\003\000\020\000' >>"$TMP/g.db.zst"
[ "$(zstd -lv "$TMP/g.db.zst" 2>/dev/null | grep -c '5.00 GiB')" -ge 1 ] || fail "the bomb is not a 5 GiB frame"
ms_sign "$TMP/g.db.zst" 100
expect_status 2 ms_imp "$TMP/g.db.zst" && grep -q 'BUNDLE_DB_MAX' "$TMP/err" &&
	[ "$(dir_hash "$DB")" = "$before" ] &&
	pass "zstd bomb ($(stat -c %s "$TMP/g.db.zst") bytes declaring 5 GiB) in a valid signature refused: $(cat "$TMP/err")"

# --- concurrent imports serialize ---------------------------------------------------------------------
cdb=$TMP/cdb
imp_c() { "$AIRLOCK" db import -q --db-dir "$cdb" -p "$TMP/key.pub" "$1" 2>"$2.err"; echo $? >"$2"; }
imp_c "$TMP/bundle.db.zst" "$TMP/rc0"
imp_c "$TMP/b8.db.zst" "$TMP/rc1" & p1=$!
imp_c "$TMP/bundle.db.zst" "$TMP/rc2" & p2=$!
imp_c "$TMP/b8.db.zst" "$TMP/rc3" & p3=$!
wait $p1 $p2 $p3
expect_status 0 "$AIRLOCK" db status -q --db-dir "$cdb" -p "$TMP/key.pub" &&
	grep -qx 'serial=8' "$cdb/current/state" && [ "$(cat "$TMP/rc1")" = 0 ] && [ "$(cat "$TMP/rc3")" = 0 ] &&
	[ "$(ls -d "$cdb"/gen-* | wc -l)" -le 2 ] && pass "three concurrent imports: serial 8 installed, directory consistent"

# --- crash safety 1: SIGKILL on entry to each mutating system call of an import (strace fault
# injection: every step of writing, syncing, switching and cleaning up) -------------------------------
sdb=$TMP/sdb
"$AIRLOCK" db import -q --db-dir "$sdb" -p "$TMP/key.pub" "$TMP/b5.db.zst"
"$AIRLOCK" db import -q --db-dir "$sdb" -p "$TMP/key.pub" "$TMP/bundle.db.zst"
cp -a "$sdb" "$TMP/sdb.template"	# serial 7 current, 5 previous: the next import cleans up
# LeakSanitizer cannot run under ptrace: the traced imports of a sanitizer build skip it
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }
if strace -f -qq -o /dev/null true 2>/dev/null; then
	points=0 sold=0 snew=0
	for sc in mkdir chmod write fsync unlink symlink rename unlinkat rmdir; do
		rm -rf "$sdb"; cp -a "$TMP/sdb.template" "$sdb"
		n=$(traced -f -qq -o "$TMP/trace" -e trace="$sc" "$AIRLOCK" db import -q --db-dir "$sdb" \
			-p "$TMP/key.pub" "$TMP/b8.db.zst" && grep -c "$sc(" "$TMP/trace")
		[ "$n" -ge 1 ] || { fail "import makes no $sc call"; continue; }
		k=1
		while [ "$k" -le "$n" ]; do
			rm -rf "$sdb"; cp -a "$TMP/sdb.template" "$sdb"
			(traced -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$k" \
				"$AIRLOCK" db import -q --db-dir "$sdb" -p "$TMP/key.pub" "$TMP/b8.db.zst" ||
				true) >/dev/null 2>&1	# strace dies of the tracee's SIGKILL: no "Killed"
			points=$((points + 1))
			if expect_status 0 "$AIRLOCK" db status --db-dir "$sdb" -p "$TMP/key.pub" &&
				expect_status 1 scan_db "$sdb"; then
				s=$(jq -r .bundle.serial "$TMP/out")
				case $s in 7) sold=$((sold + 1)) ;; 8) snew=$((snew + 1)) ;; *) fail "killed at $sc #$k: serial $s" ;; esac
			else
				fail "killed at $sc #$k: no usable database"
			fi
			k=$((k + 1))
		done
	done
	expect_status 0 "$AIRLOCK" db import -q --db-dir "$sdb" -p "$TMP/key.pub" "$TMP/b8.db.zst" &&
		[ "$(ls -d "$sdb"/gen-* | wc -l)" -eq 2 ] && pass "after the last kill an import completes and cleans up"
	pass "crash safety: killed on entry to each of $points mutating system calls: old database left $sold times, new $snew times, never neither"
else
	fail "strace cannot trace here (apt-get install strace; ptrace allowed?): the per-system-call kills did not run"
fi

# --- crash safety 2: kill -9 at random moments of the import of a larger bundle -------------------
# A larger, valid bundle from the real data: the sample database with its rows repeated 1500 times
# under new package and vulnerability names (sqlite3), compressed with zstd -1 and signed by
# airlock-feed sign (which takes the serial from the database). Two of them (serials 1000, 1001) are
# imported alternately (--allow-downgrade), so every run replaces the installed generation. The
# i-th of the runs is killed at a random moment of the i-th slice of the import's duration.
zstd -dq -c "$TMP/bundle.db.zst" >"$TMP/big.db"
sqlite3 "$TMP/big.db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO affected (source_id, vuln_id, ecosystem, namespace, package, name_kind, state,
    fixed_version, severity, vendor_severity, vendor_status, note)
  SELECT source_id, vuln_id || '-' || i, ecosystem, namespace, package || '-' || i, name_kind,
    state, fixed_version, severity, vendor_severity, vendor_status, note FROM affected, n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO vuln (source_id, vuln_id, description)
  SELECT source_id, vuln_id || '-' || i, description FROM vuln, n;
UPDATE meta SET value = '1000' WHERE key = 'serial';
VACUUM;"
for s in 1000 1001; do
	sqlite3 "$TMP/big.db" "UPDATE meta SET value = '$s' WHERE key = 'serial'; VACUUM;"
	zstd -q -1 -f "$TMP/big.db" -o "$TMP/big$s.db.zst"
	"$AIRLOCK_FEED" sign -s "$TMP/key.sec" "$TMP/big$s.db.zst" >/dev/null 2>&1
done
rm -f "$TMP/big.db"
kdb=$TMP/kdb
"$AIRLOCK" db import -q --db-dir "$kdb" -p "$TMP/key.pub" "$TMP/big1000.db.zst"
t0=$(date +%s%N)	# the duration of one full import (a warm one: the files are cached)
"$AIRLOCK" db import -q --db-dir "$kdb" -p "$TMP/key.pub" "$TMP/big1001.db.zst"
dur=$((($(date +%s%N) - t0) / 1000000))
runs=20 kold=0 knew=0 kdone=0 i=0 delays=""
while [ "$i" -lt "$runs" ]; do
	cur=$(sed -n 's/^serial=//p' "$kdb/current/state")
	if [ "$cur" = 1000 ]; then next=1001; else next=1000; fi
	# a random moment in the i-th of $runs equal slices of the import's duration
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	ms=$((i * dur / runs + r % (dur / runs + 1)))
	delays="$delays $ms"
	(
		"$AIRLOCK" db import -q --allow-downgrade --db-dir "$kdb" -p "$TMP/key.pub" \
			"$TMP/big$next.db.zst" &
		pid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid"
	) >/dev/null 2>&1 && kdone=$((kdone + 1))
	if expect_status 0 "$AIRLOCK" db status --db-dir "$kdb" -p "$TMP/key.pub" &&
		expect_status 1 scan_db "$kdb"; then
		s=$(jq -r .bundle.serial "$TMP/out")
		if [ "$s" = "$cur" ]; then kold=$((kold + 1))
		elif [ "$s" = "$next" ]; then knew=$((knew + 1))
		else fail "kill after ${ms} ms: serial $s is neither $cur nor $next"; fi
	else
		fail "kill after ${ms} ms: no usable database"
	fi
	i=$((i + 1))
done
[ "$((kold + knew))" -eq "$runs" ] &&
	pass "crash safety: $runs kill -9 during a ${dur} ms import ($(stat -c %s "$TMP/big1000.db.zst") byte bundle) at ms:$delays: old database left $kold times, new $knew times ($kdone imports had finished), never neither"
expect_status 0 "$AIRLOCK" db import -q --allow-downgrade --db-dir "$kdb" -p "$TMP/key.pub" "$TMP/big1000.db.zst" &&
	[ "$(ls -d "$kdb"/gen-* | wc -l)" -eq 2 ] && pass "the next import removes what interrupted ones left"

# --- reproducible builds: same inputs, serial and SOURCE_DATE_EPOCH -> identical files -------------
for n in r1 r2; do
	SOURCE_DATE_EPOCH=1767225600 "$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/$n.db.zst" --serial 42 \
		$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done)
done
SOURCE_DATE_EPOCH=1767225600 "$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/r3.db.zst" --serial 43 \
	$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done)
cmp -s "$TMP/r1.db.zst" "$TMP/r2.db.zst" && cmp -s "$TMP/r1.db.zst.minisig" "$TMP/r2.db.zst.minisig" &&
	pass "two builds with the same inputs, --serial and SOURCE_DATE_EPOCH are byte-identical (.db.zst and .minisig)" ||
	fail "builds are not reproducible"
cmp -s "$TMP/r1.db.zst" "$TMP/r3.db.zst" && fail "another serial gave the same .db.zst"

# --- the expiring bundle imported at the start ------------------------------------------------------
while [ "$(date +%s)" -le "$expires_at" ]; do sleep 1; done
expect_status 2 scan_db "$EDB" && grep -q 'expired on' "$TMP/err" && grep -q -- '--allow-expired' "$TMP/err" &&
	pass "the installed bundle, now expired, is refused: $(cat "$TMP/err")"
expect_status 1 "$AIRLOCK" scan --db-dir "$EDB" -p "$TMP/key.pub" --allow-expired -f json "$SAMPLE" &&
	[ "$(jq -r .bundle.serial "$TMP/out")" = 3 ] && pass "... and scanned with --allow-expired"
expect_status 1 "$AIRLOCK" db status --db-dir "$EDB" -p "$TMP/key.pub" && grep -q '(expired)' "$TMP/out" &&
	pass "db status exits 1 and marks it expired"
expect_status 2 "$AIRLOCK" db import --db-dir "$EDB" -p "$TMP/key.pub" "$TMP/soon.db.zst" &&
	grep -q 'expired on' "$TMP/err" && pass "an expired bundle cannot be imported"
finish
