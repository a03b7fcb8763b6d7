#!/bin/sh
# gen-feeds.sh - the smoke variant of bench/feeds.sh, in seconds: bench/gen-feeds at --scale
# 0.001 for nvd, debian, rhel-oval and debian-oval; the records it says it wrote must equal an
# independent count of the files (python3 json for NVD and the tracker, oval-count.py for
# OVAL), what `airlock-feed build --parse-only` prints and what the built bundle records.
# Also: the generator is deterministic (same seed, same bytes, gzip included; another seed,
# other bytes); --parse-only writes no file and refuses -o; the build's progress lines appear
# on a terminal (a pty from script(1)) and nowhere else (not a TTY, or -q).
. "$(dirname "$0")/setup.sh"
need python3 python3
GEN=$top_srcdir/bench/gen-feeds
COUNT=$top_srcdir/tests/e2e/oval-count.py
"$AIRLOCK_FEED" keygen -W -p "$TMP/k.pub" -s "$TMP/k.sec" >/dev/null
mkdir "$TMP/f"

# gen SOURCE OUT [ARGS]: generates $TMP/f/OUT at scale 0.001; prints the records it reports
gen() {
	src=$1 out=$2; shift 2
	python3 "$GEN" --scale 0.001 "$@" "$src" "$TMP/f/$out" >"$TMP/gen.out" ||
		{ fail "gen-feeds $src failed"; return 1; }
	sed -n 's/.* records=\([0-9][0-9]*\) .*/\1/p' "$TMP/gen.out"
}

nvd=$(gen nvd nvd)
debian=$(gen debian debian.json)
rhel=$(gen rhel-oval rhel-8.oval.xml.bz2)
doval=$(gen debian-oval oval-definitions-bullseye.xml.gz)

# independent counts of what was written
count_nvd=$(python3 -c '
import gzip, json, sys
n = 0
for p in sys.argv[1:]:
    d = json.load(gzip.open(p))
    assert d["totalResults"] == len(d["vulnerabilities"]) == d["resultsPerPage"], p
    assert len({v["cve"]["id"] for v in d["vulnerabilities"]}) == len(d["vulnerabilities"]), p
    n += len(d["vulnerabilities"])
print(n)' "$TMP"/f/nvd/*.json.gz)
count_debian=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(len(v["releases"]) for p in d.values() for v in p.values()))' "$TMP/f/debian.json")
count_rhel=$(python3 "$COUNT" "$TMP/f/rhel-8.oval.xml.bz2" | sed 's/.*records=\([0-9]*\).*/\1/')
count_doval=$(python3 "$COUNT" "$TMP/f/oval-definitions-bullseye.xml.gz" |
	sed 's/.*records=\([0-9]*\).*/\1/')
nfiles=$(ls "$TMP"/f/nvd | wc -l)
for p in "nvd $nvd $count_nvd" "debian $debian $count_debian" "rhel-oval $rhel $count_rhel" \
	"debian-oval $doval $count_doval"; do
	# shellcheck disable=SC2086
	set -- $p
	if [ -n "$2" ] && [ "$2" -gt 0 ] && [ "$2" = "$3" ]; then
		pass "gen-feeds $1: $2 records, as counted independently"
	else
		fail "gen-feeds $1 says '$2' records, an independent count finds '$3'"
	fi
done

inputs="debian:$TMP/f/debian.json rhel-oval:$TMP/f/rhel-8.oval.xml.bz2"
inputs="$inputs debian-oval:$TMP/f/oval-definitions-bullseye.xml.gz"
for f in "$TMP"/f/nvd/*.json.gz; do inputs="$inputs nvd:$f"; done

# --parse-only: the generator's counts, nothing written, nothing on stderr without a TTY
mkdir "$TMP/cwd"
: >"$TMP/out"
: >"$TMP/err"
before=$(ls -A "$TMP" "$TMP/f" | LC_ALL=C sort | cksum)
# shellcheck disable=SC2086
if expect_status 0 sh -c 'cd "$1" && shift && exec "$@"' sh "$TMP/cwd" "$AIRLOCK_FEED" build \
	--parse-only $inputs; then
	want=$(printf 'debian\t%s\t1\nrhel-oval\t%s\t1\ndebian-oval\t%s\t1\nnvd\t%s\t%s' \
		"$debian" "$rhel" "$doval" "$nvd" "$nfiles")
	if [ "$(cat "$TMP/out")" = "$want" ]; then
		pass "build --parse-only: the generator's records, per source"
	else
		fail "build --parse-only printed:"; sed 's/^/  /' "$TMP/out"
	fi
	if [ -s "$TMP/err" ]; then
		fail "build --parse-only wrote to stderr without a TTY"; sed 's/^/  /' "$TMP/err"
	else
		pass "build --parse-only: quiet when stderr is not a terminal"
	fi
fi
if [ -z "$(ls -A "$TMP/cwd")" ] && [ "$(ls -A "$TMP" "$TMP/f" | LC_ALL=C sort | cksum)" = \
	"$before" ]; then
	pass "build --parse-only wrote no file"
else
	fail "build --parse-only left files"; ls -A "$TMP" "$TMP/cwd"
fi
if expect_status 2 "$AIRLOCK_FEED" build --parse-only -o "$TMP/x.db.zst" \
	"debian:$TMP/f/debian.json" && grep -q -- '--parse-only writes nothing' "$TMP/err" &&
	[ ! -e "$TMP/x.db.zst" ]; then
	pass "build --parse-only refuses -o"
fi

# the bundle records the same counts
# shellcheck disable=SC2086
if expect_status 0 "$AIRLOCK_FEED" build -q -s "$TMP/k.sec" -o "$TMP/b.db.zst" $inputs &&
	expect_status 0 "$AIRLOCK_FEED" info "$TMP/b.db.zst"; then
	got=$(awk '/^sources/ {f = 1; next} /^[a-z]/ {f = 0} f {printf "%s=%s ", $1, $3}' "$TMP/out")
	want="debian=$debian rhel-oval=$rhel debian-oval=$doval nvd=$nvd "
	if [ "$got" = "$want" ]; then
		pass "build: the bundle records the generator's counts ($want)"
	else
		fail "build: bundle records '$got', want '$want'"
	fi
fi

# deterministic: same seed, same bytes; another seed, other bytes
python3 "$GEN" --scale 0.001 debian "$TMP/d2.json" >/dev/null
python3 "$GEN" --scale 0.001 nvd "$TMP/n2.json.gz" >/dev/null
python3 "$GEN" --scale 0.001 nvd "$TMP/n3.json.gz" >/dev/null
python3 "$GEN" --scale 0.001 --seed 2 debian "$TMP/d3.json" >/dev/null
if cmp -s "$TMP/f/debian.json" "$TMP/d2.json" && cmp -s "$TMP/n2.json.gz" "$TMP/n3.json.gz" &&
	! cmp -s "$TMP/d2.json" "$TMP/d3.json"; then
	pass "gen-feeds: same seed same bytes (gzip too), another seed other bytes"
else
	fail "gen-feeds is not deterministic by seed"
fi

# progress on a terminal only: one line per input with its records, none with -q
if command -v script >/dev/null 2>&1; then
	script -qec "\"$AIRLOCK_FEED\" build --parse-only debian:\"$TMP/f/debian.json\"" \
		/dev/null >"$TMP/tty" 2>&1 </dev/null || true
	script -qec "\"$AIRLOCK_FEED\" build --parse-only -q debian:\"$TMP/f/debian.json\"" \
		/dev/null >"$TMP/tty-q" 2>&1 </dev/null || true
	if tr '\r' '\n' <"$TMP/tty" | grep -q "debian \[1/1\] debian.json: .* MiB, $debian records" &&
		! grep -q 'airlock-feed: debian' "$TMP/tty-q" && grep -q "debian.$debian" "$TMP/tty-q"; then
		pass "build: progress lines on a terminal, none with -q"
	else
		fail "build progress on a pty:"; tr '\r' '\n' <"$TMP/tty" | sed 's/^/  /' | head -n 5
		sed 's/^/  -q: /' "$TMP/tty-q" | head -n 5
	fi
else
	echo "skip: script(1) missing (bsdutils): progress on a terminal not checked"
fi
finish
