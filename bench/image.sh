#!/bin/sh
# bench/image.sh - how much of an image archive airlock reads, and how fast, against
# references measured in the same run on the same file:
#   bytes read (/proc/self/io rchar, printed by AIRLOCK_STATS=1) / archive size
#   wall time of `airlock packages` / wall time of streaming every layer through
#       `tar -t` (uncompressed layers) or `bsdtar -tzf` / `zstd -dc | tar -t` (compressed)
#   peak RSS of airlock
# Usage: bench/image.sh [AIRLOCK] IMAGE.tar...   (default AIRLOCK: build/airlock)
# Needs jq, tar, bsdtar (libarchive-tools), zstd. Times are the best of 3 runs.
set -eu
AIRLOCK=${AIRLOCK:-$(dirname "$0")/../build/airlock}
[ -x "$AIRLOCK" ] || { echo "bench: $AIRLOCK not built" >&2; exit 2; }
for t in jq tar bsdtar zstd; do
	command -v "$t" >/dev/null || { echo "bench: $t missing (apt-get install jq tar libarchive-tools zstd)" >&2; exit 2; }
done

now() { date +%s.%N; }
best3() { # best3 CMD...: best wall time of three runs, in seconds
	best=
	for _ in 1 2 3; do
		t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

# the reference: list every layer of the archive, each through the right tool
list_layers() {
	img=$1; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' RETURN 2>/dev/null || true
	cat_img() { case $img in *.gz) gzip -dc "$img" ;; *) cat "$img" ;; esac; }
	cat_img | tar -xOf - manifest.json 2>/dev/null >"$tmp/m.json" || true
	if [ -s "$tmp/m.json" ]; then
		layers=$(jq -r '.[0].Layers[]' "$tmp/m.json")
	else
		cat_img | tar -xOf - index.json >"$tmp/i.json"
		m=$(jq -r '.manifests[0].digest | sub("sha256:"; "blobs/sha256/")' "$tmp/i.json")
		layers=$(cat_img | tar -xOf - "$m" | jq -r '.layers[].digest | sub("sha256:"; "blobs/sha256/")')
	fi
	for l in $layers; do
		cat_img | tar -xOf - "$l" >"$tmp/layer"
		case $(head -c 4 "$tmp/layer" | od -An -tx1 | tr -d ' ') in
		1f8b*) bsdtar -tzf "$tmp/layer" ;;
		28b52ffd) zstd -dc "$tmp/layer" | tar -t ;;
		*) tar -tf "$tmp/layer" ;;
		esac
	done
	rm -rf "$tmp"
}

printf '%-34s %9s %10s %8s %9s %9s %7s %8s\n' image MiB read_MiB read/sz airlock_s ref_s t/ref rss_MiB
for img in "$@"; do
	size=$(stat -c %s "$img")
	stats=$(AIRLOCK_STATS=1 "$AIRLOCK" packages -f json "$img" 2>&1 >/dev/null | sed -n 's/.*stats: //p')
	rchar=$(echo "$stats" | sed 's/.*rchar=\([0-9]*\).*/\1/')
	rss=$(echo "$stats" | sed 's/.*maxrss_kib=\([0-9]*\).*/\1/')
	ta=$(best3 "$AIRLOCK" packages -f json "$img")
	tr=$(best3 list_layers "$img")
	printf '%-34s %9.1f %10.1f %8.2f %9.2f %9.2f %7.2f %8.1f\n' "$(basename "$img")" \
		"$(echo "$size / 1048576" | bc -l)" "$(echo "$rchar / 1048576" | bc -l)" \
		"$(echo "$rchar / $size" | bc -l)" "$ta" "$tr" "$(echo "$ta / $tr" | bc -l)" \
		"$(echo "$rss / 1024" | bc -l)"
done
