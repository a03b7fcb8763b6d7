#!/usr/bin/env bash
# check-packages.sh - does `airlock packages -f json IMAGE` list exactly the packages of the
# ground truth TSV (Package, source:Package, Version, source:Version, as make-test-images
# writes it with dpkg-query), and is its archive_sha256 the file's sha256?
#
# Usage: check-packages.sh IMAGE.tar[.gz] NAME.packages.tsv
# The binary is $AIRLOCK, else $top_builddir/airlock, else ./airlock.
# Exit: 0 equal, 1 different (a diff is printed), 2 could not run.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: check-packages.sh IMAGE.tar PACKAGES.tsv" >&2; exit 2; }
image=$1 truth=$2
airlock=${AIRLOCK:-${top_builddir:-.}/airlock}
[ -x "$airlock" ] || { echo "check-packages: no airlock binary at $airlock" >&2; exit 2; }
[ -r "$image" ] && [ -r "$truth" ] || { echo "check-packages: cannot read $image or $truth" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-packages.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$airlock" packages -f json "$image" >"$tmp/out.json" ||
  { echo "check-packages: airlock packages failed on $image" >&2; exit 2; }
jq -r '.packages[] | [.name, .source_name, .version, .source_version] | @tsv' "$tmp/out.json" |
  LC_ALL=C sort >"$tmp/got.tsv"
LC_ALL=C sort "$truth" >"$tmp/want.tsv"

status=0
if ! cmp -s "$tmp/want.tsv" "$tmp/got.tsv"; then
  echo "MISMATCH: $image: packages differ from $truth (< truth, > airlock)" >&2
  diff "$tmp/want.tsv" "$tmp/got.tsv" >&2 || true
  status=1
fi
want_sha=$(sha256sum "$image" | cut -d' ' -f1)
got_sha=$(jq -r '.image.archive_sha256' "$tmp/out.json")
if [ "$want_sha" != "$got_sha" ]; then
  echo "MISMATCH: $image: archive_sha256 $got_sha, file is $want_sha" >&2
  status=1
fi
[ $status -eq 0 ] && echo "ok: $image: $(wc -l <"$tmp/got.tsv") packages"
exit $status
