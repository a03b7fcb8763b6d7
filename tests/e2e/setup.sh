# setup.sh - sourced by every end-to-end test: paths, a scratch dir, assertions, and the
# independent expectation of what a scan must report (computed with jq and dpkg itself).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
AIRLOCK=$top_builddir/airlock
AIRLOCK_FEED=$top_builddir/airlock-feed
DATA=$top_srcdir/tests/data
TRACKER="$DATA/debian-tracker/vunnel-debian.json $DATA/debian-tracker/osv-dev-debian_security_tracker_mock.json"
SAMPLE=$DATA/images/sample-bullseye.docker.tar
TMP=$(mktemp -d "${TMPDIR:-/tmp}/airlock-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
unset AIRLOCK_KEYS AIRLOCK_PASSPHRASE SOURCE_DATE_EPOCH
# an empty database directory: a scan with --bundle checks the installed serial
# for rollback, and this machine's own /var/lib/airlock must not change results
AIRLOCK_DB_DIR=$TMP/db-none
export AIRLOCK_DB_DIR
export NO_COLOR=1
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "FAIL: $1 is required (apt-get install $2)"; exit 1; }; }

# one_layer_image OUT ROOTDIR: a one-layer docker-archive (as `docker save` writes it) of
# ROOTDIR, tagged airlock-test/NAME (OUT's name without .tar), its history naming the test
one_layer_image() {
	out=$1 root=$2 d=$TMP/img.$$
	rm -rf "$d"; mkdir -p "$d/x"
	# shellcheck disable=SC2046
	(cd "$root" && tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name \
		-cf "$d/layer.tar" $(ls -A))
	l=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	mv "$d/layer.tar" "$d/x/$l.tar"
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"airlock %s"}]}' \
		"$l" "$(basename "$0")" >"$d/cfg"
	c=$(sha256sum "$d/cfg" | cut -d' ' -f1)
	mv "$d/cfg" "$d/x/$c.json"
	printf '[{"Config":"%s.json","RepoTags":["airlock-test/%s:latest"],"Layers":["%s.tar"]}]' \
		"$c" "$(basename "$out" .tar)" "$l" >"$d/x/manifest.json"
	tar -C "$d/x" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out" .
	rm -rf "$d"
}
finish() {
	if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
	exit 0
}

# expect_status WANT CMD...: runs CMD, stores stdout/stderr in $TMP/out, $TMP/err
expect_status() {
	want=$1; shift
	set +e; "$@" >"$TMP/out" 2>"$TMP/err"; got=$?; set -e
	if [ "$got" -ne "$want" ]; then
		fail "exit $got, want $want: $*"; sed 's/^/  stderr: /' "$TMP/err" | head -n 5
		return 1
	fi
	return 0
}

# make_bundle DIR [build options]: a key pair and a bundle from the real tracker samples
make_bundle() {
	d=$1; shift
	"$AIRLOCK_FEED" keygen -W -p "$d/key.pub" -s "$d/key.sec" >/dev/null
	"$AIRLOCK_FEED" build -q -s "$d/key.sec" -o "$d/bundle.db.zst" "$@" \
		$(for f in $TRACKER; do printf 'debian:%s ' "$f"; done)
}

# expected_findings PACKAGES.tsv CODENAME: the findings a correct scanner reports, one
# "CVE<TAB>package<TAB>status<TAB>fixed" line each, sorted. Computed without airlock: jq reads
# the tracker JSON, dpkg --compare-versions orders the versions, the package list is dpkg-query's.
expected_findings() {
	tsv=$1 codename=$2
	# shellcheck disable=SC2086
	jq -r --arg rel "$codename" 'to_entries[] | .key as $src | .value | to_entries[] |
		.key as $cve | (.value.releases | objects | .[$rel] // empty) |
		[$src, $cve, .status, (.fixed_version // ""), (.nodsa_reason // "")] | join("|")' $TRACKER |
	while IFS='|' read -r src cve status fixed reason; do
		awk -F'\t' -v s="$src" '$2 == s {print $1 "|" $4}' "$tsv" |
		while IFS='|' read -r pkg srcver; do
			case $status in
			resolved)
				if [ "$fixed" != 0 ] && dpkg --compare-versions "$srcver" lt "$fixed"; then
					printf '%s\t%s\tfixed\t%s\n' "$cve" "$pkg" "$fixed"
				fi ;;
			open)
				if [ "$reason" = ignored ]; then st=wont-fix; else st=unfixed; fi
				printf '%s\t%s\t%s\t\n' "$cve" "$pkg" "$st" ;;
			undetermined) printf '%s\t%s\tunknown\t\n' "$cve" "$pkg" ;;
			esac
		done
	done | LC_ALL=C sort
}

# reported_findings SCAN.json: the same four columns from airlock's JSON report
reported_findings() {
	jq -r '.findings[] | [.vulnerability, .package, .status, (.fixed_version // "")] | @tsv' "$1" |
		LC_ALL=C sort
}

# reported_packages PACKAGES.json: Package, source, Version, source version (the .tsv columns)
reported_packages() {
	jq -r '.packages[] | [.name, .source_name, .version, .source_version] | @tsv' "$1" | LC_ALL=C sort
}

need jq jq
need dpkg dpkg
