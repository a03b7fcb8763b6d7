#!/bin/sh
# vercmp-dpkg.sh - differential test: `airlock vercmp deb` against the real
# `dpkg --compare-versions` on pseudo-random version pairs.
#
# Pairs come from a fixed-seed generator (epochs, tildes, pluses, dots, letters,
# leading zeros, long digit runs, hyphenated revisions, odd bytes dpkg only
# warns about) and from the real versions in tests/data/dpkg/*/status* and the
# fixed_version values of tests/data/debian-tracker/*.json, often paired with a
# small mutation of themselves so that most decisions are close calls.
#
# Most pairs go through one `airlock vercmp deb -` process; about 2% are
# "special" (a version dpkg rejects, or blanks around a version) and go through
# `airlock vercmp deb A B` one by one. Every airlock answer is then checked with
# a single dpkg call: `<` with lt, `=` with eq, `>` with gt, and a rejection
# (exit 2) with dpkg's own exit 2 for "bad syntax".
#
# Environment: top_builddir, top_srcdir (set by make check); AIRLOCK (default
# $top_builddir/airlock); DPKG (default dpkg); VERCMP_PAIRS (default 100000);
# VERCMP_SEED (default 20240611); VERCMP_JOBS (parallel dpkg checkers,
# default 4). Exit 77 (skip) without dpkg.

set -u
LC_ALL=C
export LC_ALL

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
AIRLOCK=${AIRLOCK:-$top_builddir/airlock}
DPKG=${DPKG:-dpkg}
N=${VERCMP_PAIRS:-100000}
JOBS=${VERCMP_JOBS:-4}
SEED=${VERCMP_SEED:-20240611}
me=vercmp-dpkg
tab=$(printf '\t')

if ! command -v "$DPKG" >/dev/null 2>&1; then
	echo "$me: SKIP: no $DPKG"
	exit 77
fi
if [ ! -x "$AIRLOCK" ]; then
	echo "$me: $AIRLOCK: not built" >&2
	exit 99
fi
case $N$JOBS in
''|*[!0-9]*) echo "$me: VERCMP_PAIRS and VERCMP_JOBS must be numbers" >&2; exit 99 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Real versions from the package databases and the security tracker samples.
{
	find "$top_srcdir/tests/data/dpkg" -type f -exec grep -h '^Version: ' {} + |
	    sed 's/^Version: *//'
	for f in "$top_srcdir"/tests/data/debian-tracker/*.json; do
		[ -f "$f" ] && sed -n 's/.*"fixed_version": *"\([^"]*\)".*/\1/p' "$f"
	done
} | grep -v "[ $tab]" | grep . | sort -u >"$tmp/real"
nreal=$(wc -l <"$tmp/real")
if [ "$nreal" -lt 10 ]; then
	echo "$me: only $nreal real versions found under $top_srcdir/tests/data" >&2
	exit 99
fi

# The generator: MINSTD (x = x * 48271 mod 2^31-1) is exact in awk's doubles,
# so every awk gives the same pairs for a seed. Writes "A<tab>B" lines to
# stdout (batch) and to special (one by one).
# shellcheck disable=SC2016
gen='
function rnd(n) { x = (x * 48271) % 2147483647; return x % n }
function pick(list,   a, k) { k = split(list, a, " "); return a[rnd(k) + 1] }
function num(   r, s, i, k) {
	r = rnd(24)
	if (r < 12) return rnd(10) ""
	if (r < 17) return (1 + rnd(9)) "" rnd(100)
	if (r < 20) {		# leading zeros
		s = ""; k = 1 + rnd(3)
		for (i = 0; i < k; i++) s = s "0"
		return s rnd(100)
	}
	if (r < 22) {		# longer than any machine integer
		s = 1 + rnd(9); k = 12 + rnd(30)
		for (i = 0; i < k; i++) s = s rnd(10)
		return s
	}
	return r == 22 ? "0" : "00"
}
function word() {
	return pick("a b c z A Z rc beta alpha dfsg git ubuntu deb bpo build svn really pre p esm ds")
}
function odd(   r) {		# bytes dpkg warns about but orders
	r = rnd(30)
	if (r < 8) return sprintf("%c", 128 + rnd(128))
	if (r == 4) return "\047"
	if (r == 5) return "\""
	if (r == 6) return "\\"
	return pick("_ @ = % , * ( ) [ ] & ; | ? ! # $ / ^ ` { } < >")
}
function sep(hasrev, hasep,   r) {
	r = rnd(40)
	if (r < 20) return "."
	if (r < 26) return "+"
	if (r < 31) return "~"
	if (r < 34) return hasrev ? "-" : "."
	if (r < 36) return hasep ? ":" : "+"
	if (r < 38) return pick("~~ .. +~ ~. ~+")
	return odd()
}
function upstream(hasrev, hasep,   s, r, i, k) {
	r = rnd(40)
	if (r == 0) s = word()
	else if (r == 1) s = odd()
	else if (r == 2) s = "~" num()
	else s = num()
	k = rnd(5)
	for (i = 0; i < k; i++) {
		r = rnd(10)
		if (r < 5) s = s sep(hasrev, hasep) num()
		else if (r < 7) s = s word()
		else if (r < 8) s = s sep(hasrev, hasep) word()
		else if (r < 9) s = s word() num()
		else s = s sep(hasrev, hasep) sep(hasrev, hasep) num()
	}
	return s
}
function revision(hasep,   s, r, i, k) {
	r = rnd(20)
	if (r < 14) s = num()
	else if (r < 17) s = word()
	else if (r < 18) s = "~" num()
	else if (r < 19) s = odd()
	else s = "0"
	k = rnd(4)
	for (i = 0; i < k; i++) {
		r = rnd(12)
		if (r < 3) s = s pick(". + ~") num()
		else if (r < 5) s = s word() num()
		else if (r < 6) s = s "+deb" num() "u" num()
		else if (r < 7) s = s "ubuntu" num() "." num()
		else if (r < 8) s = s "~bpo" num() "+" num()
		else if (r < 9) s = s "+b" num()
		else if (r < 10) s = s (hasep ? ":" : ".") num()
		else if (r < 11) s = s odd()
		else s = s word()
	}
	return s
}
function version(   v, hasep, hasrev) {
	do {
		hasep = rnd(4) == 0
		hasrev = rnd(5) < 3
		v = ""
		if (hasep)
			v = pick("1 1 1 1 2 2 3 0 00 01 10 99 7 2147483647 +1 -0 +0 2147483646") ":"
		v = v upstream(hasrev, hasep)
		if (hasrev) v = v "-" revision(hasep)
	} while (length(v) > 200)
	return v
}
function real() { return reals[1 + rnd(nreals)] }
function hasepoch(v) { return v ~ /^[-+]?[0-9]+:/ }
function mutate(v,   r, c, p, i, n, cand, d) {
	r = rnd(17)
	if (r == 0) return v
	if (r == 1) return v "~"
	if (r == 2) return v "~rc1"
	if (r == 3) return v "+b1"
	if (r == 4) return v "a"
	if (r == 5) return v ".0"
	if (r == 6) return v "0"
	if (r == 7) return index(v, "-") ? v ".1" : v "-0"
	if (r == 8) {		# drop the last byte, if that leaves a valid version
		c = substr(v, length(v) - 1, 1)
		if (length(v) > 1 && c != "-" && c != ":")
			return substr(v, 1, length(v) - 1)
		return v
	}
	if (r == 9) {		# a leading zero before a digit run
		n = 0
		for (i = 1; i <= length(v); i++)
			if (substr(v, i, 1) ~ /[0-9]/ && (i == 1 || substr(v, i - 1, 1) !~ /[0-9]/))
				cand[++n] = i
		if (n == 0) return v "0"
		p = cand[1 + rnd(n)]
		return substr(v, 1, p - 1) "0" substr(v, p)
	}
	if (r == 10) {		# epochs: drop one, or add 0: (equal) or 1:
		if (hasepoch(v)) {
			p = substr(v, index(v, ":") + 1)
			return index(p, ":") ? v : p
		}
		if (index(v, ":")) return v
		return (rnd(2) ? "0:" : "1:") v
	}
	if (r == 11 || r == 12) {	# change one byte after the epoch
		p = hasepoch(v) ? index(v, ":") + 1 : 1
		p = p + rnd(length(v) - p + 1)
		c = substr(v, p, 1)
		if (c !~ /[0-9A-Za-z.+~]/) return v
		if (r == 11) d = rnd(5) ? substr("0123456789azAZ.+~", 1 + rnd(17), 1) : odd()
		else if (c ~ /[0-9]/) d = (c + 1) % 10
		else return v
		return substr(v, 1, p - 1) d substr(v, p + 1)
	}
	if (r == 13) {		# swap the first ~ or + after the epoch
		i = hasepoch(v) ? index(v, ":") : 0
		c = substr(v, i + 1)
		if ((p = index(c, "~")) > 0) d = "+"
		else if ((p = index(c, "+")) > 0) d = "~"
		else return v "+1"
		return substr(v, 1, i + p - 1) d substr(v, i + p + 1)
	}
	if (r == 14) return real()
	if (r == 15) {		# an odd byte where a separator was
		i = hasepoch(v) ? index(v, ":") : 0
		n = 0
		for (p = i + 1; p <= length(v); p++)
			if (substr(v, p, 1) ~ /[.+~]/)
				cand[++n] = p
		if (n == 0) return v odd()
		p = cand[1 + rnd(n)]
		return substr(v, 1, p - 1) odd() substr(v, p + 1)
	}
	return v ".1"
}
function invalid(v,   r, p) {
	r = rnd(20)
	if (r == 0) return v "-"
	if (r == 1) return "a:" v
	if (r == 2) return ":" v
	if (r == 3) return "2147483648:" v
	if (r == 4) return "-1:" v
	if (r == 5) return "1.0:" v
	if (r == 6) {
		p = 1 + rnd(length(v))
		return substr(v, 1, p) " " substr(v, p + 1) (p == length(v) ? "x" : "")
	}
	if (r == 7) return "  "
	if (r == 8) return index(v, "-") ? v "-" : "1:-" v
	if (r == 9) return "99999999999999999999:" v
	if (r == 10) return "1:"
	if (r == 11) return "+:" v
	if (r == 12) return "0x1:" v
	if (r == 13) return "1a:" v
	if (r == 14) return "-"
	if (r == 15) return "- 1:" v
	if (r == 16) return " " v		# valid: dpkg trims blanks
	if (r == 17) return v " "
	if (r == 18) return " " v "  "
	return "-" v
}
BEGIN { x = seed % 2147483646 + 1 }
{ reals[++nreals] = $0 }
END {
	for (i = 0; i < 50; i++) rnd(2)
	for (i = 0; i < n; i++) {
		if (rnd(100) < 2) {
			a = invalid(rnd(3) ? version() : real())
			b = rnd(2) ? version() : real()
			if (rnd(2)) print a "\t" b > special
			else print b "\t" a > special
			continue
		}
		a = rnd(10) < 3 ? real() : version()
		r = rnd(100)
		if (r < 45) b = mutate(a)
		else if (r < 55) b = mutate(mutate(a))
		else if (r < 70) b = real()
		else b = version()
		if (rnd(2)) print a "\t" b
		else print b "\t" a
	}
}'

start=$(date +%s)
: >"$tmp/special"
awk -v seed="$SEED" -v n="$N" -v special="$tmp/special" "$gen" "$tmp/real" \
    >"$tmp/batch" || exit 99

# airlock's answers: one process for the batch, one call per special pair.
if ! tr "$tab" ' ' <"$tmp/batch" | "$AIRLOCK" vercmp deb - >"$tmp/batch.air" \
    2>"$tmp/air.err"; then
	echo "$me: airlock vercmp deb - failed: $(cat "$tmp/air.err")" >&2
	exit 1
fi
if [ "$(wc -l <"$tmp/batch")" -ne "$(wc -l <"$tmp/batch.air")" ]; then
	echo "$me: airlock gave $(wc -l <"$tmp/batch.air") answers for" \
	    "$(wc -l <"$tmp/batch") pairs" >&2
	exit 1
fi
# shellcheck disable=SC2317 # ask and check are called through parallel()
ask() {	# $1: a file of special pairs; one answer a line on stdout
	while IFS=$tab read -r a b; do
		if r=$("$AIRLOCK" vercmp deb "$a" "$b" 2>"$1.err"); then
			:
		elif [ $? -eq 2 ] && grep -q "^airlock: vercmp: invalid deb version '" "$1.err"
		then
			r='!'
		else
			r="?($(cat "$1.err"))"
		fi
		printf '%s\n' "$r"
	done <"$1"
}
# JOBS workers in parallel, here and for dpkg below: a run of a program is
# mostly process start-up, which overlaps well even on two cores.
parallel() {	# $1: function, $2: input file, $3: output file (same line order)
	split -n "l/$JOBS" "$2" "$2.part." || exit 99
	pids=
	for part in "$2".part.??; do
		"$1" "$part" >"$part.out" &
		pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid"
	done
	cat "$2".part.??.out >"$3"
}
parallel ask "$tmp/special" "$tmp/special.air"

paste "$tmp/batch" "$tmp/batch.air" >"$tmp/all"
paste "$tmp/special" "$tmp/special.air" >>"$tmp/all"
total=$(wc -l <"$tmp/all")
nspecial=$(wc -l <"$tmp/special")

# dpkg's verdict on each answer: one dpkg run per pair.
# shellcheck disable=SC2317
check() {	# $1: a file of "A<tab>B<tab>answer" lines; the wrong ones on stdout
	n=0
	while IFS=$tab read -r a b r; do
		n=$((n + 1))
		case $r in
		'<') rel=lt want=0 ;;
		'=') rel=eq want=0 ;;
		'>') rel=gt want=0 ;;
		'!') rel=lt want=2 ;;
		*) rel=lt want=none ;;
		esac
		"$DPKG" --compare-versions -- "$a" "$rel" "$b" 2>/dev/null
		[ "$?" = "$want" ] || printf '%s\t%s\t%s\n' "$a" "$b" "$r"
	done <"$1"
	printf '#checked\t%s\n' "$n"	# two fields: no pair line looks like it
}
parallel check "$tmp/all" "$tmp/checked"
nchecked=$(awk -F "$tab" 'NF == 2 && $1 == "#checked" { n += $2 } END { print n + 0 }' \
    "$tmp/checked")
if [ "$nchecked" -ne "$total" ]; then
	echo "$me: dpkg checked $nchecked of $total pairs" >&2
	exit 99
fi
awk -F "$tab" '!(NF == 2 && $1 == "#checked")' "$tmp/checked" >"$tmp/diff"
ndiff=$(wc -l <"$tmp/diff")
secs=$(( $(date +%s) - start ))

if [ "$ndiff" -ne 0 ]; then
	echo "$me: $total pairs, $ndiff differences; the first 20 (A, B, airlock, dpkg):"
	head -n 20 "$tmp/diff" | while IFS=$tab read -r a b r; do
		"$DPKG" --compare-versions -- "$a" lt "$b" 2>/dev/null
		case $? in
		0) d='<' ;;
		2) d='!' ;;
		*) if "$DPKG" --compare-versions -- "$a" eq "$b" 2>/dev/null; then
			d='='
		   else
			d='>'
		   fi ;;
		esac
		printf "  '%s' '%s': airlock %s, dpkg %s\n" "$a" "$b" "$r" "$d"
	done
	exit 1
fi
echo "$me: $total pairs, 0 differences ($nspecial one by one, $nreal real versions, ${secs}s)"
exit 0
