#!/bin/sh
# vercmp-rpm.sh - differential test: `airlock vercmp rpm` against rpm's own
# comparison, rpm.vercmp() of rpm's Lua interface (Debian's rpm package).
#
# Pairs come from a fixed-seed generator (epochs, empty and huge epochs,
# tildes, carets, leading zeros, long digit runs, letters of both cases,
# separators of every kind, bytes >= 0x80, empty versions and releases,
# several hyphens) and from the real EVRs of tests/data/versions/rpm-evr.txt,
# often paired with a small mutation of themselves so that most decisions are
# close calls.
#
# rpm answers for every pair in one process: one `rpm --eval` runs a Lua loop
# over the pairs file and writes one answer a line (<, =, > or ! when
# rpm.vercmp() raises an error). airlock answers most pairs through one
# `airlock vercmp rpm -` process; about 1% are "special" (the empty version,
# which both reject, or blanks in or around a version, which the batch format
# cannot carry) and go through `airlock vercmp rpm A B` one by one.
#
# Environment: top_builddir, top_srcdir (set by make check); AIRLOCK (default
# $top_builddir/airlock); RPM (default rpm); VERCMP_PAIRS (default 100000);
# VERCMP_SEED (default 20240611). Without rpm this is a hard error (exit 99):
# the bootstrap installs it, and a comparator nobody checks must not pass.

set -u
LC_ALL=C
export LC_ALL

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
AIRLOCK=${AIRLOCK:-$top_builddir/airlock}
RPM=${RPM:-rpm}
N=${VERCMP_PAIRS:-100000}
SEED=${VERCMP_SEED:-20240611}
me=vercmp-rpm
tab=$(printf '\t')

if ! command -v "$RPM" >/dev/null 2>&1; then
	echo "$me: ERROR: no '$RPM' command: install Debian's rpm package" \
	    "(bootstrap.sh does); this test needs rpm's own comparison" >&2
	exit 99
fi
if [ ! -x "$AIRLOCK" ]; then
	echo "$me: $AIRLOCK: not built" >&2
	exit 99
fi
case $N in
''|*[!0-9]*) echo "$me: VERCMP_PAIRS must be a number" >&2; exit 99 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

real=$top_srcdir/tests/data/versions/rpm-evr.txt
nreal=$(grep -c . "$real" 2>/dev/null) || nreal=0
if [ "$nreal" -lt 100 ]; then
	echo "$me: only $nreal real EVRs in $real" >&2
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
	if (r < 17) return (1 + rnd(9)) "" rnd(1000)
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
	return pick("a b c z A Z rc RC beta alpha git el el8 el8_8 module fc cm svn pre p " \
	    "snap dev Final GA post mga")
}
function odd(   r) {		# bytes rpm takes as separators
	r = rnd(30)
	if (r < 8) return sprintf("%c", 128 + rnd(128))
	if (r == 8) return "\047"
	if (r == 9) return "\""
	if (r == 10) return "\\"
	return pick("@ = , * ( ) [ ] & ; | ? ! # $ / ` { } < > : %")
}
function sep(   r) {
	r = rnd(40)
	if (r < 16) return "."
	if (r < 20) return "+"
	if (r < 23) return "_"
	if (r < 27) return "~"
	if (r < 31) return "^"
	if (r < 33) return ""		# a digit run straight after letters
	if (r < 35) return pick("~~ ^^ ~^ ^~ .~ .^ ~. ^. ..")
	if (r < 36) return ":"
	return odd()
}
function part(maxk,   s, r, i, k) {
	r = rnd(40)
	if (r == 0) s = word()
	else if (r == 1) s = "~" num()
	else if (r == 2) s = "^" num()
	else if (r == 3) s = odd() num()
	else if (r == 4) s = ""
	else s = num()
	k = rnd(maxk)
	for (i = 0; i < k; i++) {
		r = rnd(10)
		if (r < 5) s = s sep() num()
		else if (r < 7) s = s word()
		else if (r < 8) s = s sep() word()
		else if (r < 9) s = s word() num()
		else s = s sep() sep() num()
	}
	return s
}
function release(   s, r) {
	r = rnd(12)
	if (r < 4) return num() "." pick("el8 el8_8 el9 fc38 cm2 amzn2 mga9 1 2") (rnd(2) ? "" : "." num())
	if (r < 5) return num() ".module+el8." num() ".0+" num() "+" pick("f286395e 4e823551 d6a3561d")
	if (r < 6) return ""
	if (r < 7) return num() "-" num()	# a hyphen in the release: the last one splits
	return part(4)
}
function epoch() {
	return pick("0 0 1 1 1 2 2 3 10 00 01 007 99 2147483648 99999999999999999999999") ""
}
function version(   v, r) {
	do {
		v = ""
		r = rnd(10)
		if (r < 3) v = epoch() ":"
		else if (r == 3) v = ":"
		v = v part(6)
		if (rnd(10) < 7) v = v "-" release()
		if (v == "") v = "0"
	} while (length(v) > 200)
	return v
}
function real() { return reals[1 + rnd(nreals)] }
function hasepoch(v) { return v ~ /^[0-9]*:/ }
function mutate(v,   r, c, p, i, n, cand, d) {
	r = rnd(22)
	if (r == 0) return v
	if (r == 1) return v "~"
	if (r == 2) return v "~rc1"
	if (r == 3) return v "^"
	if (r == 4) return v "^git1"
	if (r == 5) return v (rnd(2) ? "a" : "A")
	if (r == 6) return v ".0"
	if (r == 7) return v "0"
	if (r == 8) return v pick(". _ + - % ^~ ~^ .. --")
	if (r == 9) {		# drop the last byte
		return length(v) > 1 ? substr(v, 1, length(v) - 1) : v
	}
	if (r == 10) {		# a leading zero before a digit run
		n = 0
		for (i = 1; i <= length(v); i++)
			if (substr(v, i, 1) ~ /[0-9]/ && (i == 1 || substr(v, i - 1, 1) !~ /[0-9]/))
				cand[++n] = i
		if (n == 0) return v "0"
		p = cand[1 + rnd(n)]
		return substr(v, 1, p - 1) "0" substr(v, p)
	}
	if (r == 11) {		# epochs: drop one, or add 0:, 00: (equal) or 1:
		if (hasepoch(v)) return substr(v, index(v, ":") + 1)
		return pick("0: 1: 00: :") v
	}
	if (r == 12 || r == 13) {	# change one byte
		p = 1 + rnd(length(v))
		c = substr(v, p, 1)
		if (r == 12) d = substr("0123456789azAZ._+-~^:", 1 + rnd(21), 1)
		else if (c ~ /[0-9]/) d = (c + 1) % 10
		else if (c ~ /[a-y]/)
			d = substr("bcdefghijklmnopqrstuvwxyz", index("abcdefghijklmnopqrstuvwxy", c), 1)
		else d = odd()
		return substr(v, 1, p - 1) d substr(v, p + 1)
	}
	if (r == 14) {		# swap the first ~ and ^, or . and ~
		if ((p = index(v, "~")) > 0) d = "^"
		else if ((p = index(v, "^")) > 0) d = "~"
		else if ((p = index(v, ".")) > 0) d = "~"
		else return v "^1"
		return substr(v, 1, p - 1) d substr(v, p + 1)
	}
	if (r == 15) return real()
	if (r == 16) {		# another separator where one was
		n = 0
		for (p = 1; p <= length(v); p++)
			if (substr(v, p, 1) ~ /[._+]/)
				cand[++n] = p
		if (n == 0) return v odd()
		p = cand[1 + rnd(n)]
		return substr(v, 1, p - 1) pick("_ + . % .. ,") substr(v, p + 1)
	}
	if (r == 17) {		# drop the release, or add one
		if ((p = index(v, "-")) > 0) return substr(v, 1, p - 1)
		return v "-" pick("0 1 el8 ~1 ^1")
	}
	if (r == 18) return v "-" num()	# a further hyphen: the release moves
	if (r == 19) return toupper(v)
	if (r == 20) return v "." word()
	return v ".1"
}
function blanks(v,   r, p) {		# versions the batch format cannot carry
	r = rnd(8)
	if (r == 0) return ""
	if (r == 1) return " " v
	if (r == 2) return v " "
	if (r == 3) {
		p = 1 + rnd(length(v))
		return substr(v, 1, p) " " substr(v, p + 1) "x"
	}
	if (r == 4) return " "
	if (r == 5) return v " 1"
	if (r == 6) return "1 :" v
	return v "  " v
}
function emit(a, b,   s) {
	s = rnd(2) ? a "\t" b : b "\t" a
	if (a == "" || b == "" || s ~ /[ ].*|\t.*\t/) print s > special
	else print s
}
BEGIN { x = seed % 2147483646 + 1 }
{ reals[++nreals] = $0 }
END {
	for (i = 0; i < 50; i++) rnd(2)
	for (i = 0; i < n; i++) {
		if (rnd(100) < 1) {
			a = blanks(rnd(3) ? version() : real())
			emit(a, rnd(3) ? mutate(a) : rnd(2) ? version() : real())
			continue
		}
		a = rnd(10) < 3 ? real() : version()
		r = rnd(100)
		if (r < 45) b = mutate(a)
		else if (r < 55) b = mutate(mutate(a))
		else if (r < 70) b = real()
		else b = version()
		emit(a, b)
	}
}'

# rpm's answers, one line per pair, from one process.
# shellcheck disable=SC2016
lua='
local out = assert(io.open(os.getenv("VERCMP_OUT"), "w"))
for line in io.lines(os.getenv("VERCMP_IN")) do
	local tab = string.find(line, "\t", 1, true)
	local ok, r = pcall(rpm.vercmp, string.sub(line, 1, tab - 1),
	    string.sub(line, tab + 1))
	if not ok then out:write("!\n")
	elseif r < 0 then out:write("<\n")
	elseif r > 0 then out:write(">\n")
	else out:write("=\n") end
end
assert(out:close())
'

start=$(date +%s)
: >"$tmp/special"
grep . "$real" | awk -v seed="$SEED" -v n="$N" -v special="$tmp/special" "$gen" \
    >"$tmp/batch" || exit 99
if grep -q " \|$tab.*$tab\|^$tab\|$tab\$" "$tmp/batch"; then
	echo "$me: the generator put a blank into a batch pair" >&2
	exit 99
fi
cat "$tmp/batch" "$tmp/special" >"$tmp/pairs"
total=$(wc -l <"$tmp/pairs")
nspecial=$(wc -l <"$tmp/special")

printf '%s\n' "$lua" >"$tmp/cmp.lua"
if ! VERCMP_LUA=$tmp/cmp.lua VERCMP_IN=$tmp/pairs VERCMP_OUT=$tmp/pairs.rpm \
    "$RPM" --eval '%{lua: dofile(os.getenv("VERCMP_LUA"))}' >/dev/null \
    2>"$tmp/rpm.err"; then
	echo "$me: $RPM --eval failed: $(cat "$tmp/rpm.err")" >&2
	exit 99
fi
if [ "$(wc -l <"$tmp/pairs.rpm")" -ne "$total" ]; then
	echo "$me: rpm gave $(wc -l <"$tmp/pairs.rpm") answers for $total pairs:" \
	    "$(cat "$tmp/rpm.err")" >&2
	exit 99
fi

# airlock's answers: one process for the batch, one call per special pair.
if ! tr "$tab" ' ' <"$tmp/batch" | "$AIRLOCK" vercmp rpm - >"$tmp/pairs.air" \
    2>"$tmp/air.err"; then
	echo "$me: airlock vercmp rpm - failed: $(cat "$tmp/air.err")" >&2
	exit 1
fi
if [ "$(wc -l <"$tmp/batch")" -ne "$(wc -l <"$tmp/pairs.air")" ]; then
	echo "$me: airlock gave $(wc -l <"$tmp/pairs.air") answers for" \
	    "$(wc -l <"$tmp/batch") pairs" >&2
	exit 1
fi
while IFS= read -r line; do
	a=${line%%"$tab"*}
	b=${line#*"$tab"}
	if r=$("$AIRLOCK" vercmp rpm "$a" "$b" 2>"$tmp/one.err"); then
		:
	elif [ $? -eq 2 ] && grep -q "^airlock: vercmp: invalid rpm version '" "$tmp/one.err"
	then
		r='!'
	else
		r="?($(cat "$tmp/one.err"))"
	fi
	printf '%s\n' "$r"
done <"$tmp/special" >>"$tmp/pairs.air"

paste "$tmp/pairs" "$tmp/pairs.air" "$tmp/pairs.rpm" |
    awk -F "$tab" '$3 != $4' >"$tmp/diff"
ndiff=$(wc -l <"$tmp/diff")
nrej=$(grep -c '^!$' "$tmp/pairs.rpm")
secs=$(( $(date +%s) - start ))

if [ "$ndiff" -ne 0 ]; then
	echo "$me: $total pairs, $ndiff differences; the first 20 (A, B, airlock, rpm):"
	head -n 20 "$tmp/diff" | while IFS= read -r line; do
		printf '  %s\n' "$line" | sed "s/$tab/ | /g"
	done
	exit 1
fi
echo "$me: $total pairs, 0 differences ($nspecial one by one, $nrej rejected" \
    "by both, $nreal real EVRs, ${secs}s)"
exit 0
