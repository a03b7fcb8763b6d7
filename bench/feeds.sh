#!/bin/sh
# bench/feeds.sh - `airlock-feed build` against `airlock-feed build --parse-only` on the same
# synthetic full-scale feeds (bench/gen-feeds), at each scale, with peak RSS: a build that costs
# much more than its parse spends it in the database, and a peak RSS that grows with the scale
# is memory that is not bounded.
#
# For each scale (SCALES, default "0.1 1") and source (arguments, default: nvd debian
# rhel-oval debian-oval), the feed is generated into WORK/SCALE/ unless it is already there
# from the same gen-feeds (kept for the next run), then parsed (--parse-only) and built (-q, a throw-away bundle), each
# under GNU time: wall and CPU (user + sys) seconds, peak RSS. The records of the parse, of the
# bundle (airlock-feed info) and of the generator must agree. A source this airlock-feed has no
# parser for is skipped with a message. Prints two Markdown tables (see bench/README.md).
#
# Usage: bench/feeds.sh [SOURCE...]
# Environment: AIRLOCK_FEED (default build/airlock-feed), WORK (default /var/tmp/airlock-bench),
# SCALES ("0.1 1"), RUNS (runs per measure, the best wall time counts; default 1),
# KEEP=0 to delete each scale's feeds once measured (they are kept by default).
# Needs python3 and GNU time (/usr/bin/time). Full scale writes about 350 MB of feeds
# (3 GB decompressed) and needs a few GB free in WORK for the databases.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
AIRLOCK_FEED=${AIRLOCK_FEED:-$here/../build/airlock-feed}
WORK=${WORK:-/var/tmp/airlock-bench}
SCALES=${SCALES:-0.1 1}
RUNS=${RUNS:-1}
KEEP=${KEEP:-1}
GEN=$here/gen-feeds
[ -x "$AIRLOCK_FEED" ] || { echo "bench: $AIRLOCK_FEED not built (set AIRLOCK_FEED)" >&2; exit 2; }
for t in python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install python3 time)" >&2
		exit 2; }
done
[ $# -gt 0 ] || set -- nvd debian rhel-oval debian-oval
mkdir -p "$WORK/tmp"
TMPDIR=$WORK/tmp	# the OVAL parser's staging database, the bundle's temporary files
export TMPDIR
RES=$WORK/results.$$
trap 'rm -rf "$RES" "$WORK/tmp/out.db.zst"*' EXIT INT TERM
mkdir -p "$RES"
[ -f "$WORK/key.sec" ] || "$AIRLOCK_FEED" keygen -f -W -p "$WORK/key.pub" -s "$WORK/key.sec" >/dev/null

# out SOURCE: the file or directory gen-feeds writes for it (as the vendors publish them)
out() {
	case $1 in
	nvd) echo nvd ;;		# nvdcve-2.0-YYYY.json.gz, one per year
	debian) echo debian.json ;;
	rhel-oval) echo rhel-8.oval.xml.bz2 ;;
	debian-oval) echo oval-definitions-bullseye.xml.bz2 ;;
	*) return 1 ;;
	esac
}

# inputs SOURCE DIR: the SOURCE:FILE arguments
inputs() {
	if [ "$1" = nvd ]; then
		for f in "$2"/nvd/*.json.gz; do printf 'nvd:%s\n' "$f"; done
	else
		printf '%s:%s\n' "$1" "$2/$(out "$1")"
	fi
}

# measure NAME CMD...: best wall time of RUNS runs; "wall cpu rss_kib" in $RES/NAME, stdout of
# the best run in $RES/NAME.out
measure() {
	name=$1; shift
	best=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		i=$((i + 1))
		if ! /usr/bin/time -f '%e %U %S %M' -o "$RES/time" "$@" >"$RES/run.out" 2>"$RES/run.err"; then
			echo "bench: failed: $*" >&2; sed 's/^/  /' "$RES/run.err" >&2
			return 1
		fi
		read -r w u s m <"$RES/time"
		if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$w
			awk -v w="$w" -v u="$u" -v s="$s" -v m="$m" \
				'BEGIN { printf "%s %.2f %s\n", w, u + s, m }' >"$RES/$name"
			cp "$RES/run.out" "$RES/$name.out"
		fi
	done
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

echo "| source | scale | stored MiB | raw MiB | records | parse s | build s | build/parse |" \
	"parse cpu s | build cpu s | cpu build/parse | parse RSS MiB | build RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
sources=$("$AIRLOCK_FEED" sources | awk '{print $1}')
genver=$(cksum <"$GEN")
for scale in $SCALES; do
	dir=$WORK/$scale
	mkdir -p "$dir"
	for src in "$@"; do
		o=$(out "$src") || { echo "bench: $src: no generator (gen-feeds: nvd, debian," \
			"rhel-oval, debian-oval)" >&2; continue; }
		if ! printf '%s\n' "$sources" | grep -qx -- "$src"; then
			echo "bench: $src: SKIPPED, $AIRLOCK_FEED has no parser for it yet" >&2
			continue
		fi
		# reused while gen-feeds is unchanged: SRC.gen holds its output line and checksum
		if [ "$(sed -n 2p "$dir/$src.gen" 2>/dev/null)" != "$genver" ]; then
			echo "bench: generating $src at scale $scale into $dir" >&2
			rm -rf "${dir:?}/$o"
			"$GEN" --scale "$scale" "$src" "$dir/$o" >"$dir/$src.gen.tmp"
			echo "$genver" >>"$dir/$src.gen.tmp"
			mv "$dir/$src.gen.tmp" "$dir/$src.gen"
		fi
		gen=$(sed -n 1p "$dir/$src.gen")
		want=$(printf '%s\n' "$gen" | sed 's/.* records=\([0-9]*\) .*/\1/')
		raw=$(printf '%s\n' "$gen" | sed 's/.* raw_bytes=\([0-9]*\) .*/\1/')
		stored=$(printf '%s\n' "$gen" | sed 's/.* stored_bytes=\([0-9]*\) .*/\1/')
		args=$(inputs "$src" "$dir")
		# shellcheck disable=SC2086
		measure "$src-$scale-parse" "$AIRLOCK_FEED" build --parse-only -q $args || continue
		rm -f "$WORK/tmp/out.db.zst" "$WORK/tmp/out.db.zst.minisig"
		# shellcheck disable=SC2086
		measure "$src-$scale-build" "$AIRLOCK_FEED" build -q -s "$WORK/key.sec" \
			-o "$WORK/tmp/out.db.zst" $args || continue
		got_parse=$(awk -F'\t' -v s="$src" '$1 == s {print $2}' "$RES/$src-$scale-parse.out")
		got_build=$("$AIRLOCK_FEED" info "$WORK/tmp/out.db.zst" |
			awk -v s="$src" '/^sources/ {f = 1; next} /^[a-z]/ {f = 0} f && $1 == s {print $3}')
		rm -f "$WORK/tmp/out.db.zst" "$WORK/tmp/out.db.zst.minisig"
		if [ "$got_parse" != "$want" ] || [ "$got_build" != "$want" ]; then
			echo "bench: $src at $scale: RECORDS DISAGREE: generated $want, parse-only" \
				"$got_parse, bundle $got_build" >&2
		fi
		read -r pw pc pm <"$RES/$src-$scale-parse"
		read -r bw bcpu bm <"$RES/$src-$scale-build"
		echo "$bm $pm" >"$RES/rss-$src-$scale"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$src" \
			"$scale" "$(mib "$stored")" "$(mib "$raw")" "$want" "$pw" "$bw" "$(ratio "$bw" "$pw")" \
			"$pc" "$bcpu" "$(ratio "$bcpu" "$pc")" "$((pm / 1024))" "$((bm / 1024))"
	done
	if [ "$KEEP" = 0 ]; then
		rm -rf "${dir:?}"
	fi
done

# peak RSS across scales: the first scale against the last
# shellcheck disable=SC2086
set -- $SCALES
lo=$1
for hi in "$@"; do :; done
[ "$lo" != "$hi" ] || exit 0
echo
echo "| source | build RSS MiB at $lo | at $hi | ratio | parse RSS MiB at $lo | at $hi | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for f in "$RES"/rss-*-"$lo"; do
	[ -f "$f" ] || continue
	src=${f#"$RES"/rss-}
	src=${src%-"$lo"}
	[ -f "$RES/rss-$src-$hi" ] || continue
	read -r blo plo <"$f"
	read -r bhi phi <"$RES/rss-$src-$hi"
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$src" "$((blo / 1024))" "$((bhi / 1024))" \
		"$(ratio "$bhi" "$blo")" "$((plo / 1024))" "$((phi / 1024))" "$(ratio "$phi" "$plo")"
done
