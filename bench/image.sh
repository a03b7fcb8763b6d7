#!/bin/sh
# bench/image.sh - how much of an image archive `airlock packages` reads, and how fast, in its
# two modes, against references measured in the same run on the same layers:
#   read/sz  bytes read (/proc/self/io rchar, printed by AIRLOCK_STATS=1) / archive size
#   t/ref    wall time / the reference: every layer streamed through `tar -t` (all its bytes;
#            uncompressed layers), `bsdtar -tzf` (gzip) or `zstd -dc | tar -t` (zstd); for an
#            archive compressed as a whole, plus decompressing it (`gzip -dc`, `zstd -dc`)
#   c/ref    the same ratio for CPU time (user + sys), steadier on a loaded machine
#   t/seek   (uncompressed layers) wall time / `tar -tf LAYER` per layer, where GNU tar seeks
#            over file data as --fast does
# Modes: "default" verifies every digest (archive sha256, each layer's diff_id); "fast" is
# --fast (no layer digests, seeks over unneeded data of uncompressed layers).
# Layers are extracted to a temporary directory first; that is not timed.
# Usage: bench/image.sh [IMAGE.tar|IMAGE.tar.gz]...   (AIRLOCK: the binary, default
# build/airlock; RUNS: runs per measure, the best wall time counts, default 3)
# Needs jq, tar, bsdtar (libarchive-tools), zstd, bc, GNU time (/usr/bin/time). See README.md.
set -eu
AIRLOCK=${AIRLOCK:-$(dirname "$0")/../build/airlock}
RUNS=${RUNS:-3}
[ -x "$AIRLOCK" ] || { echo "bench: $AIRLOCK not built" >&2; exit 2; }
for t in jq tar bsdtar zstd bc /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install jq tar" \
		"libarchive-tools zstd bc time)" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/airlock-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# measure CMD...: sets WALL, CPU (user + sys, s) and RSS (KiB) of the run with the
# best wall time
measure() {
	WALL=
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >/dev/null 2>&1 || true
		read -r w u s m <"$TMP/time"
		if [ -z "$WALL" ] || [ "$(echo "$w < $WALL" | bc -l)" = 1 ]; then
			WALL=$w CPU=$(echo "$u + $s" | bc -l) RSS=$m
		fi
	done
}

# extract IMG: the image's layers in order to $TMP/layer.N; prints N
extract() {
	img=$1; rm -f "$TMP"/layer.* "$TMP"/*.json
	cat_img() {
		case $(head -c 4 "$img" | od -An -tx1 | tr -d ' ') in
		1f8b*) gzip -dc "$img" ;;
		28b52ffd) zstd -dc "$img" ;;
		*) cat "$img" ;;
		esac
	}
	cat_img | tar -xOf - manifest.json >"$TMP/m.json" 2>/dev/null || true
	if [ -s "$TMP/m.json" ]; then
		layers=$(jq -r '.[0].Layers[]' "$TMP/m.json")
	else
		cat_img | tar -xOf - index.json >"$TMP/i.json"
		m=$(jq -r '.manifests[0].digest | sub("sha256:"; "blobs/sha256/")' "$TMP/i.json")
		layers=$(cat_img | tar -xOf - "$m" | jq -r '.layers[].digest | sub("sha256:"; "blobs/sha256/")')
	fi
	n=0
	for l in $layers; do
		cat_img | tar -xOf - "$l" >"$TMP/layer.$n"
		n=$((n + 1))
	done
	echo "$n"
}

# $TMP/ref.sh NLAYERS stream|seek IMG: list every layer, each through the right tool
cat >"$TMP/ref.sh" <<'EOF2'
case $(head -c 4 "$3" | od -An -tx1 | tr -d ' ') in
1f8b*) gzip -dc "$3" >/dev/null ;;
28b52ffd) zstd -dc "$3" >/dev/null ;;
esac
i=0
while [ "$i" -lt "$1" ]; do
	f=$(dirname "$0")/layer.$i
	case $(head -c 4 "$f" | od -An -tx1 | tr -d ' ') in
	1f8b*) bsdtar -tzf "$f" ;;
	28b52ffd) zstd -dc "$f" | tar -t ;;
	*) if [ "$2" = seek ]; then tar -tf "$f"; else cat "$f" | tar -t; fi ;;
	esac
	i=$((i + 1))
done
EOF2

ratio() { echo "$1 / $2" | bc -l; }

printf '%-30s %7s %-7s %8s %7s %7s %6s %7s %6s %6s %6s %7s\n' image MiB mode read_MiB \
	read/sz wall_s cpu_s ref_s t/ref c/ref t/seek rss_MiB
for img in "$@"; do
	size=$(stat -c %s "$img")
	n=$(extract "$img")
	measure sh "$TMP/ref.sh" "$n" stream "$img"
	rw=$WALL rc=$CPU
	measure sh "$TMP/ref.sh" "$n" seek "$img"
	sw=$WALL
	for mode in default fast; do
		opt=; [ "$mode" = fast ] && opt=--fast
		# shellcheck disable=SC2086
		if ! AIRLOCK_STATS=1 "$AIRLOCK" packages $opt -f json "$img" >/dev/null 2>"$TMP/err"; then
			printf '%-30s %7.1f %-7s (%s)\n' "$(basename "$img")" \
				"$(ratio "$size" 1048576)" "$mode" \
				"$(grep -v 'stats:' "$TMP/err" | head -n 1 | cut -c1-70)"
			continue
		fi
		rchar=$(sed -n 's/.*stats: rchar=\([0-9]*\).*/\1/p' "$TMP/err")
		# shellcheck disable=SC2086
		measure "$AIRLOCK" packages $opt -f json "$img"
		printf '%-30s %7.1f %-7s %8.1f %7.3f %7.2f %6.2f %7.2f %6.2f %6.2f %6.2f %7.1f\n' \
			"$(basename "$img")" "$(ratio "$size" 1048576)" "$mode" \
			"$(ratio "$rchar" 1048576)" "$(ratio "$rchar" "$size")" "$WALL" "$CPU" "$rw" \
			"$(ratio "$WALL" "$rw")" "$(ratio "$CPU" "$rc")" "$(ratio "$WALL" "$sw")" \
			"$(ratio "$RSS" 1024)"
	done
done
