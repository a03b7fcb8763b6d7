#!/usr/bin/env bash
# make-sample-image.sh - rebuilds tests/data/images/sample-SUITE.docker.tar, a small real
# `podman save` (docker-archive) image that the README's quick start and the e2e tests scan.
#
# Usage (root, Debian 12, podman/buildah from apt):
#   tests/e2e/make-sample-image.sh BASE.docker.tar [OUTDIR]
# where BASE is a Debian image built by ../shared/tools/make-test-images (we use
# bullseye-2layer.docker.tar: its release suite has packages that the real Debian tracker
# samples in tests/data/debian-tracker cover, some below the fixed version).
#
# What it does: loads the image, installs apparmor, libsope1, txt2man and backupninja with apt
# from the release's main suite only (no security suite), then builds a two-layer image FROM
# scratch that keeps only what a scanner reads: layer 1 is the base's os-release files and dpkg
# status, layer 2 is the dpkg status after the install. Every byte in it was written by
# debootstrap, dpkg and podman; nothing is typed by hand. The package ground truth (dpkg-query
# of the final database) is written beside it as sample-SUITE.packages.tsv.
set -euo pipefail

BASE=$(realpath "${1:?usage: make-sample-image.sh BASE.docker.tar [OUTDIR]}")
OUT=$(realpath -m "${2:-$(dirname "$0")/../data/images}")
[ "$(id -u)" = 0 ] || { echo "make-sample-image: run as root" >&2; exit 1; }
mkdir -p "$OUT"

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/airlock-sample.XXXXXX")
trap 'buildah "${STORE[@]}" rm -a >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
STORE=(--root "$WORK/storage" --runroot "$WORK/run" --storage-driver vfs)
podman()  { command podman "${STORE[@]}" --cgroup-manager cgroupfs --events-backend file "$@"; }
buildah() { command buildah "${STORE[@]}" "$@"; }
export BUILDAH_ISOLATION=chroot
MIRROR=$(apt-get indextargets --format '$(REPO_URI)' 'Label: Debian' | head -n1)
DPKG_FMT='${Package}\t${source:Package}\t${Version}\t${source:Version}\n'
KEEP="etc/os-release usr/lib/os-release etc/debian_version var/lib/dpkg/status"

base=$(podman load -q -i "$BASE" | sed -n 's/^Loaded image: //p' | head -n1)
[ -n "$base" ] || { echo "make-sample-image: could not load $BASE" >&2; exit 1; }

# the full image: base + four packages from the release's main suite
c=$(buildah from -q --pull=never "$base")
SUITE=$(. "$(buildah mount "$c")/etc/os-release" && echo "$VERSION_CODENAME")
buildah run --env DEBIAN_FRONTEND=noninteractive "$c" -- sh -ec "
  echo 'deb $MIRROR $SUITE main' >/etc/apt/sources.list
  apt-get -qq -o Acquire::Check-Valid-Until=false update
  apt-get install -y -qq --no-install-recommends apparmor libsope1 txt2man backupninja >/dev/null
  apt-get clean; rm -rf /var/lib/apt/lists/* /etc/apt/sources.list" >"$WORK/install.log" 2>&1 ||
  { tail -n 20 "$WORK/install.log" >&2; exit 1; }
full=$(buildah mount "$c")
b=$(buildah from -q --pull=never "$base")
minbase=$(buildah mount "$b")
NAME=sample-$SUITE

# the slim image: two layers holding only the files a scanner reads
tar -C "$minbase" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$WORK/l1.tar" $KEEP
tar -C "$full" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$WORK/l2.tar" var/lib/dpkg/status
s=$(buildah from -q scratch)
buildah config --created-by "debootstrap --variant=minbase $SUITE + openssl curl libxml2 (os-release, dpkg status)" "$s"
buildah add -q "$s" "$WORK/l1.tar" / >/dev/null
buildah commit -q "$s" localhost/airlock-sample:l1 >/dev/null
s=$(buildah from -q --pull=never localhost/airlock-sample:l1)
buildah config --created-by "apt-get install apparmor libsope1 txt2man backupninja ($SUITE main)" \
  --label org.opencontainers.image.description="airlock sample: real Debian $SUITE dpkg database" "$s"
buildah add -q "$s" "$WORK/l2.tar" / >/dev/null
buildah commit -q --rm "$s" localhost/airlock-sample:$SUITE >/dev/null

rm -f "$OUT/$NAME.docker.tar"
podman save -q --format docker-archive -o "$OUT/$NAME.docker.tar" localhost/airlock-sample:$SUITE
dpkg-query --admindir="$full/var/lib/dpkg" -W -f "$DPKG_FMT" | LC_ALL=C sort >"$OUT/$NAME.packages.tsv"
echo "$OUT/$NAME.docker.tar: $(stat -c %s "$OUT/$NAME.docker.tar") bytes," \
  "$(wc -l <"$OUT/$NAME.packages.tsv") packages"
