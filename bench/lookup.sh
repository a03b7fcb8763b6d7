#!/bin/sh
# bench/lookup.sh - how much of `airlock scan`'s wall time goes into database lookups when
# a 1,000-package image is matched against a full-size bundle (issue 6: at most 10 %).
#
# Builds once, into WORK (default /var/tmp/airlock-bench-lookup; kept and reused):
#   status          real dpkg stanzas, de-duplicated by package name (lookup-gen.py status):
#                   this machine's /var/lib/dpkg/status (HOST_STATUS), then the corpus'
#                   ubuntu-18.04-texlive, ubuntu-18.04 and debian-10-postgresql-excerpt
#   image.docker.tar  a `podman save` docker-archive of one layer FROM scratch: that status
#                   as var/lib/dpkg/status, this machine's os-release and debian_version
#   tracker.json    a Debian security tracker JSON of full size that lists every source
#                   package of the image among ~6,000 (lookup-gen.py tracker)
#   bundle.db.zst   airlock-feed build of it, signed with a fresh key (key.pub, key.sec)
# Then scans RUNS times with AIRLOCK_STATS=1, and RUNS times more under bench/lookup-shim.so
# (LD_PRELOAD: the time inside sqlite3_prepare/step/reset/finalize, per statement), and
# prints the medians: lookup share = lookup time / scan wall time. Exit 1 when a share
# (built-in or shim) is above LIMIT percent. The corpus alone has ~420 distinct packages,
# hence this machine's dpkg database; the status is kept in WORK, so later runs scan the
# same image.
#
# Usage: bench/lookup.sh   (AIRLOCK, AIRLOCK_FEED: the binaries, default build/; WORK; RUNS
# default 5; LIMIT default 10; HOST_STATUS; CORPUS). Needs python3, podman and buildah (run
# as root), cc, zstd, sqlite3, jq and GNU time. See bench/README.md.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
AIRLOCK=${AIRLOCK:-$HERE/../build/airlock}
AIRLOCK_FEED=${AIRLOCK_FEED:-$HERE/../build/airlock-feed}
WORK=${WORK:-/var/tmp/airlock-bench-lookup}
RUNS=${RUNS:-5}
LIMIT=${LIMIT:-10}
HOST_STATUS=${HOST_STATUS:-/var/lib/dpkg/status}
CORPUS=${CORPUS:-$HERE/../../shared/corpus}
PACKAGES_MIN=1000	# the issue's image size

for b in "$AIRLOCK" "$AIRLOCK_FEED"; do
	[ -x "$b" ] || { echo "lookup: $b not built (set AIRLOCK, AIRLOCK_FEED)" >&2; exit 2; }
done
for t in python3 podman buildah cc zstd sqlite3 jq /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "lookup: $t missing (apt-get install python3" \
		"podman buildah gcc zstd sqlite3 jq time)" >&2; exit 2; }
done
mkdir -p "$WORK"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/airlock-lookup.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# --- the image ------------------------------------------------------------------------
if [ ! -s "$WORK/image.docker.tar" ]; then
	d=$CORPUS/pkgdb/dpkg
	n=$(python3 "$HERE/lookup-gen.py" status "$WORK/status" "$HOST_STATUS" \
		"$d/ubuntu-18.04-texlive/status" "$d/ubuntu-18.04/status" \
		"$d/debian-10-postgresql-excerpt/status")
	[ "$n" -ge "$PACKAGES_MIN" ] || { echo "lookup: only $n packages (want" \
		"$PACKAGES_MIN): give more status files" >&2; rm -f "$WORK/status"; exit 2; }
	root=$TMP/root
	mkdir -p "$root/etc" "$root/usr/lib" "$root/var/lib/dpkg"
	cp -L /etc/os-release "$root/usr/lib/os-release"
	ln -s ../usr/lib/os-release "$root/etc/os-release"
	cp /etc/debian_version "$root/etc/debian_version"
	cp "$WORK/status" "$root/var/lib/dpkg/status"
	tar -C "$root" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$TMP/layer.tar" \
		etc usr var
	store="--root $WORK/storage --runroot $WORK/run --storage-driver vfs"
	# shellcheck disable=SC2086
	{
		s=$(BUILDAH_ISOLATION=chroot buildah $store from -q scratch)
		buildah $store config --created-by "bench/lookup.sh: $n real dpkg stanzas" "$s"
		buildah $store add -q "$s" "$TMP/layer.tar" / >/dev/null
		buildah $store commit -q --rm "$s" localhost/airlock-bench-lookup:1 >/dev/null
		podman $store --cgroup-manager cgroupfs --events-backend file save -q \
			--format docker-archive -o "$WORK/image.docker.tar.part" \
			localhost/airlock-bench-lookup:1
	}
	mv "$WORK/image.docker.tar.part" "$WORK/image.docker.tar"
fi
CODENAME=$(tar -xOf "$WORK/image.docker.tar" --wildcards '*.tar' 2>/dev/null |
	tar -xOf - usr/lib/os-release | sed -n 's/^VERSION_CODENAME=//p')
[ -n "$CODENAME" ] || { echo "lookup: no VERSION_CODENAME in the image's os-release" >&2; exit 2; }

# --- the bundle -----------------------------------------------------------------------
if [ ! -s "$WORK/tracker.json" ]; then
	python3 "$HERE/lookup-gen.py" tracker --status "$WORK/status" --codename "$CODENAME" \
		-o "$WORK/tracker.json.part" 2>"$WORK/tracker.counts"
	mv "$WORK/tracker.json.part" "$WORK/tracker.json"
fi
if [ ! -s "$WORK/bundle.db.zst.minisig" ]; then
	rm -f "$WORK/key.pub" "$WORK/key.sec" "$WORK/bundle.db.zst" "$WORK/bundle.db"
	"$AIRLOCK_FEED" keygen -W -p "$WORK/key.pub" -s "$WORK/key.sec" >/dev/null
	/usr/bin/time -f '%e' -o "$WORK/build.time" "$AIRLOCK_FEED" build -q \
		-s "$WORK/key.sec" -o "$WORK/bundle.db.zst" "debian:$WORK/tracker.json"
fi
[ -s "$WORK/bundle.db" ] || zstd -q -dc "$WORK/bundle.db.zst" >"$WORK/bundle.db"
"$AIRLOCK" verify -p "$WORK/key.pub" "$WORK/bundle.db.zst" >/dev/null

cc -O2 -shared -fPIC -o "$TMP/shim.so" "$HERE/lookup-shim.c" -ldl

# --- the scans ------------------------------------------------------------------------
AIRLOCK_DB_DIR=$TMP/db-none	# no installed bundle: this machine's must not interfere
export AIRLOCK_DB_DIR
# scan [PRELOAD]: one scan; appends its stats line to $TMP/stats or its shim lines to
# $TMP/shim.N
scan() {
	set +e
	if [ -n "${1:-}" ]; then
		LD_PRELOAD=$1 AIRLOCK_STATS=1 "$AIRLOCK" scan --bundle "$WORK/bundle.db.zst" \
			-p "$WORK/key.pub" -f json -o "$TMP/scan.json" "$WORK/image.docker.tar" \
			2>"$TMP/err"
	else
		AIRLOCK_STATS=1 "$AIRLOCK" scan --bundle "$WORK/bundle.db.zst" \
			-p "$WORK/key.pub" -f json -o "$TMP/scan.json" "$WORK/image.docker.tar" \
			2>"$TMP/err"
	fi
	rc=$?
	set -e
	if [ "$rc" -gt 1 ]; then
		echo "lookup: scan failed (exit $rc):" >&2; cat "$TMP/err" >&2; exit 2
	fi
}
for i in $(seq "$RUNS"); do
	scan
	grep '^airlock: stats: db_lookup_s=' "$TMP/err" >>"$TMP/stats"
done
for i in $(seq "$RUNS"); do
	scan "$TMP/shim.so"
	grep '^lookup-shim: ' "$TMP/err" >"$TMP/shim.$i"
	grep '^airlock: stats: db_lookup_s=' "$TMP/err" >>"$TMP/stats-shim"
done

# --- the report -----------------------------------------------------------------------
ns=$(jq -r '.namespace' "$TMP/scan.json")
nsrc=$(python3 -c 'import importlib.util, sys
spec = importlib.util.spec_from_file_location("g", sys.argv[1]); g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g); print(len(g.image_sources(sys.argv[2])))' "$HERE/lookup-gen.py" "$WORK/status")
echo "image:  $(grep -c '^Package:' "$WORK/status") dpkg stanzas, $nsrc source packages;" \
	"scan: $(jq -r '[.summary.packages, .summary.findings, .summary.not_assessed] |
	"\(.[0]) packages, \(.[1]) findings, \(.[2]) not assessed"' "$TMP/scan.json"), $ns"
echo "feed:   $(sed 's/^lookup-gen: //' "$WORK/tracker.counts" 2>/dev/null)"
echo "bundle: $(stat -c %s "$WORK/bundle.db.zst" | awk '{printf "%.1f", $1 / 1e6}') MB zst," \
	"$(stat -c %s "$WORK/bundle.db" | awk '{printf "%.1f", $1 / 1e6}') MB database," \
	"$(sqlite3 "$WORK/bundle.db" 'SELECT count(*) FROM affected') affected rows" \
	"($(sqlite3 "$WORK/bundle.db" "SELECT count(*) FROM affected WHERE namespace = '$ns'") in $ns);" \
	"built in $(cat "$WORK/build.time" 2>/dev/null || echo '?') s"
echo

# the stats lines as columns: db_lookup_s db_statements match_s scan_wall_s
cols() { sed 's/.*db_lookup_s=\([^ ]*\) db_statements=\([^ ]*\) match_s=\([^ ]*\) scan_wall_s=\([^ ]*\).*/\1 \2 \3 \4/' "$1"; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "built-in (AIRLOCK_STATS), $RUNS runs:"
printf '  %-5s %12s %8s %10s %12s %8s %8s\n' run db_lookup_s stmts match_s scan_wall_s lookup% match%
cols "$TMP/stats" | awk '{printf "  %-5d %12.4f %8d %10.4f %12.4f %7.2f%% %7.2f%%\n", NR, $1, $2, $3, $4, 100 * $1 / $4, 100 * $3 / $4}'
cols "$TMP/stats" | awk '{print 100 * $1 / $4}' | median >"$TMP/m.share"
cols "$TMP/stats" | awk '{print 100 * $3 / $4}' | median >"$TMP/m.mshare"
printf '  median: db_lookup_s %s, match_s %s, scan_wall_s %s; lookup share %.2f %%, match_run share %.2f %%\n' \
	"$(cols "$TMP/stats" | awk '{print $1}' | median)" "$(cols "$TMP/stats" | awk '{print $3}' | median)" \
	"$(cols "$TMP/stats" | awk '{print $4}' | median)" "$(cat "$TMP/m.share")" "$(cat "$TMP/m.mshare")"
echo

# shim: per run, the lookups (every statement but the opening's ATTACH, PRAGMAs and meta)
echo "SQLite calls (bench/lookup-shim.c), $RUNS runs, per statement (median of the runs):"
printf '  %8s %10s %10s %8s %10s %10s  %s\n' ends prepare_ms step_ms steps reset_ms total_ms sql
for i in $(seq "$RUNS"); do
	awk '{ sql = ""; for (k = 7; k <= NF; k++) sql = sql (k > 7 ? " " : "") $k
	       print sql "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$TMP/shim.$i"
done | awk -F'\t' -v runs="$RUNS" '
	{ k = $1; n[k]++; r[k] = $2; p[k, n[k]] = $3; s[k, n[k]] = $4; st[k] = $5; f[k, n[k]] = $6
	  t[k, n[k]] = $3 + $4 + $6; if (!(k in seen)) { seen[k] = 1; order[++no] = k } }
	function med(a, k, m,   i, j, x, v) {
		for (i = 1; i <= m; i++) v[i] = a[k, i]
		for (i = 2; i <= m; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
		return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
	END { for (o = 1; o <= no; o++) { k = order[o]
		printf "  %8d %10.3f %10.3f %8d %10.3f %10.3f  %s\n", r[k], med(p, k, n[k]) / 1e6,
		    med(s, k, n[k]) / 1e6, st[k], med(f, k, n[k]) / 1e6, med(t, k, n[k]) / 1e6, k } }'
for i in $(seq "$RUNS"); do
	awk '$7 != "ATTACH" && $7 != "PRAGMA" && !($7 == "SELECT" && $8 == "value" && $10 == "meta") \
		{ p += $3; s += $4; f += $6 } END { print p, s, f }' "$TMP/shim.$i" >"$TMP/shimsum.$i"
	# shellcheck disable=SC2046
	set -- $(cat "$TMP/shimsum.$i")
	w=$(sed -n "${i}p" "$TMP/stats-shim" | sed 's/.*scan_wall_s=\([^ ]*\).*/\1/')
	echo "$1 $2 $3 $w"
done >"$TMP/shimrows"
awk '{print 100 * ($1 + $2 + $3) / 1e9 / $4}' "$TMP/shimrows" | median >"$TMP/s.share"
printf '  median: lookups %.4f s (prepare %.4f, step %.4f, finalize %.4f) of scan_wall_s %s' \
	"$(awk '{print ($1 + $2 + $3) / 1e9}' "$TMP/shimrows" | median)" \
	"$(awk '{print $1 / 1e9}' "$TMP/shimrows" | median)" "$(awk '{print $2 / 1e9}' "$TMP/shimrows" | median)" \
	"$(awk '{print $3 / 1e9}' "$TMP/shimrows" | median)" "$(awk '{print $4}' "$TMP/shimrows" | median)"
printf '; lookup share %.2f %%\n\n' "$(cat "$TMP/s.share")"

share=$(cat "$TMP/m.share") sshare=$(cat "$TMP/s.share")
printf 'lookup share: %.2f %% (AIRLOCK_STATS), %.2f %% (SQLite calls); limit %s %%\n' \
	"$share" "$sshare" "$LIMIT"
if awk -v a="$share" -v b="$sshare" -v l="$LIMIT" 'BEGIN {exit !(a > l || b > l)}'; then
	echo "lookup: above the limit" >&2
	exit 1
fi
