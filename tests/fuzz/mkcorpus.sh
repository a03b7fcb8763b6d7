#!/usr/bin/env bash
# mkcorpus.sh - (re)writes the seed corpora of tests/fuzz/corpus/ from the real samples in
# tests/data (and this machine's os-release). The outputs are committed; run this only to
# change them, then commit what it wrote.
#
#   tests/fuzz/mkcorpus.sh          dpkg, osrel, feed_debian, vercmp, image: deterministic
#                                   (same bytes on every run from the same tests/data)
#   tests/fuzz/mkcorpus.sh --keys   also makes a NEW fixture key pair with minisign, signs the
#                                   fixed data with it and rewrites corpus/sig, corpus/pubkey,
#                                   corpus/comment and tests/fuzz/fixture.h together
#
# Needs GNU tar, gzip, zstd, sha256sum, awk; minisign (Debian package) for --keys.
set -euo pipefail
export LC_ALL=C TZ=UTC

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
data=$top/tests/data
out=$here/corpus
keys=0
[ "${1:-}" = --keys ] && keys=1

work=$(mktemp -d "${TMPDIR:-/tmp}/airlock-mkcorpus.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Reproducible tar: no owner names, fixed mtime, no atime/ctime in pax headers.
TAR=(tar --owner=0 --group=0 --numeric-owner --mtime=@0)
PAX=(--format=posix --pax-option=delete=atime,delete=ctime,exthdr.name=%d/PaxHeaders/%f)

fresh() { rm -rf "${out:?}/$1"; mkdir -p "$out/$1"; }

# The layer of the committed sample image (a real `podman save`) that holds path.
sample_file() { # sample_file PATH -> stdout
	local img=$data/images/sample-bullseye.docker.tar layer
	for layer in $(tar -tf "$img" | grep -E '^[0-9a-f]{64}\.tar$'); do
		if tar -xOf "$img" "$layer" | tar -tf - | grep -x "$1" >/dev/null; then
			tar -xOf "$img" "$layer" | tar -xOf - "$1"
			return 0
		fi
	done
	echo "mkcorpus: $1 not in the sample image" >&2
	return 1
}

# --- dpkg: real status files and a distroless status.d stanza ---------------------------
fresh dpkg
cp "$data/dpkg/ubuntu-18.04/status" "$out/dpkg/ubuntu-18.04.status"
cp "$data/dpkg/debian-10-postgresql-excerpt/status" "$out/dpkg/debian-10-postgresql-excerpt.status"
cp "$data/dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d/libsqlite3-0" \
	"$out/dpkg/distroless-debian-11-arm64.status.d-libsqlite3-0"
sample_file var/lib/dpkg/status >"$work/status-l1"
cp "$work/status-l1" "$out/dpkg/sample-bullseye-layer1.status"

# --- osrel: this machine's os-release and the sample image's -------------------------------
mkdir -p "$out/osrel"
osr=/usr/lib/os-release
[ -f "$osr" ] || osr=/etc/os-release
name=$(. "$osr" && echo "${ID:-unknown}-${VERSION_ID:-none}")
cp "$osr" "$out/osrel/$name.os-release"
sample_file usr/lib/os-release >"$out/osrel/sample-bullseye.os-release"

# --- feed_debian: the real tracker samples --------------------------------------------------
fresh feed_debian
cp "$data/debian-tracker/vunnel-debian.json" "$data/debian-tracker/osv-dev-debian_security_tracker_mock.json" \
	"$out/feed_debian/"

# --- vercmp: triples "a\0b\0c" of real versions ----------------------------------------------
fresh vercmp
{
	for f in "$data"/dpkg/*/status "$work/status-l1"; do
		sed -n 's/^Version: //p; s/^Source: [^ ]* (\(.*\))$/\1/p' "$f"
	done
	cut -f3,4 "$data/images/sample-bullseye.packages.tsv" | tr '\t' '\n'
	cat "$data"/debian-tracker/*.json | grep -o '"fixed_version": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
} | sort -u >"$work/versions"
pick() { awk -v re="$1" '$0 ~ re && n < 3 { print; n++ }' "$work/versions"; }
triple() { # triple NAME: three lines of stdin -> "a\0b\0c"
	mapfile -t v
	[ "${#v[@]}" = 3 ] || { echo "mkcorpus: vercmp $1: only ${#v[@]} versions" >&2; exit 1; }
	printf '%s\0%s\0%s' "${v[0]}" "${v[1]}" "${v[2]}" >"$out/vercmp/$1"
}
pick ':' | triple epoch
pick '~' | triple tilde
pick '[+]' | triple plus
pick '^[0-9.]+-[0-9]+$' | triple plain
pick 'ubuntu|deb[0-9]' | triple vendor
awk '/^[0-9]/ && length($0) > 20 && n < 3 { print; n++ }' "$work/versions" | triple long
# three 2.x versions (common prefixes: the comparison goes deep)
pick '^2\.' | triple two

# --- image: small `docker save` archives made with GNU tar and gzip ------------------------
fresh image
osr_sample=$work/os-release-bullseye
sample_file usr/lib/os-release >"$osr_sample"
sample_file etc/debian_version >"$work/debian_version"

# layer ROOTDIR FORMAT OUT: a reproducible layer tar of ROOTDIR (sorted names)
layer() {
	local fmt=(--format="$2")
	[ "$2" = posix ] && fmt=("${PAX[@]}")
	"${TAR[@]}" "${fmt[@]}" --sort=name -C "$1" -cf "$3" .
}
sha() { sha256sum "$1" | cut -c1-64; }

# docker_archive NAME OUTER_ORDER LAYERDIR... : a docker-archive of the given layers
#   OUTER_ORDER is "podman" (layers, config, manifest last) or "manifest-first";
#   LAYERDIR may be prefixed "gz:" to store that layer gzip-compressed, legacy-style
#   as ID/layer.tar (as `docker save` before v25 names layers).
docker_archive() {
	local name=$1 order=$2; shift 2
	local d=$work/img-$name i=0 ids=() layers=() hist=() ldir gz f id cfg
	rm -rf "$d"; mkdir -p "$d/out"
	for ldir in "$@"; do
		gz=0
		case $ldir in gz:*) gz=1; ldir=${ldir#gz:} ;; esac
		f=$d/layer$i.tar
		layer "$ldir" "$([ $((i % 2)) = 0 ] && echo ustar || echo posix)" "$f"
		id=$(sha "$f")
		ids+=("\"sha256:$id\"")
		hist+=("{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"airlock fuzz seed $name layer $i\"}")
		if [ $gz = 1 ]; then
			mkdir -p "$d/out/$id"
			gzip -9n <"$f" >"$d/out/$id/layer.tar"
			printf '1.0' >"$d/out/$id/VERSION"
			layers+=("\"$id/layer.tar\"")
		else
			cp "$f" "$d/out/$id.tar"
			layers+=("\"$id.tar\"")
		fi
		i=$((i + 1))
	done
	join() { local IFS=,; echo "$*"; }
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[%s]}' \
		"$(join "${ids[@]}")" "$(join "${hist[@]}")" >"$d/config.json"
	cfg=$(sha "$d/config.json").json
	mv "$d/config.json" "$d/out/$cfg"
	printf '[{"Config":"%s","RepoTags":["localhost/airlock-fuzz:%s"],"Layers":[%s]}]' \
		"$cfg" "$name" "$(join "${layers[@]}")" >"$d/out/manifest.json"
	local members=()
	for f in "${layers[@]}"; do f=${f//\"/}; members+=("$f"); done
	case $order in
	podman) members=("${members[@]}" "$cfg" manifest.json) ;;
	*) members=(manifest.json "$cfg" "${members[@]}") ;;
	esac
	for f in "${members[@]}"; do
		case $f in */layer.tar) members+=("${f%/layer.tar}/VERSION") ;; esac
	done
	"${TAR[@]}" --format=gnu -C "$d/out" -cf "$out/image/$name.docker.tar" "${members[@]}"
}

# oci_archive NAME STYLE LAYERDIR... : an OCI image layout in a tar (`podman save --format
#   oci-archive`); STYLE "docker25" adds the manifest.json that Docker 25+ writes beside it.
#   LAYERDIR may be prefixed "gz:" or "zst:" to compress that layer blob.
oci_archive() {
	local name=$1 style=$2; shift 2
	local d=$work/oci-$name i=0 ids=() descs=() hist=() names=() ldir comp f id bid mt
	rm -rf "$d"; mkdir -p "$d/out/blobs/sha256"
	for ldir in "$@"; do
		comp=
		case $ldir in gz:*|zst:*) comp=${ldir%%:*}; ldir=${ldir#*:} ;; esac
		f=$d/layer$i.tar
		layer "$ldir" "$([ $((i % 2)) = 0 ] && echo posix || echo gnu)" "$f"
		id=$(sha "$f")
		mt=application/vnd.oci.image.layer.v1.tar
		case $comp in
		gz) gzip -9n <"$f" >"$f.c"; mt=$mt+gzip ;;
		zst) zstd -q -19 -c <"$f" >"$f.c"; mt=$mt+zstd ;;
		*) cp "$f" "$f.c" ;;
		esac
		bid=$(sha "$f.c")
		mv "$f.c" "$d/out/blobs/sha256/$bid"
		ids+=("\"sha256:$id\"")
		hist+=("{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"airlock fuzz seed $name layer $i\"}")
		descs+=("{\"mediaType\":\"$mt\",\"digest\":\"sha256:$bid\",\"size\":$(stat -c %s "$d/out/blobs/sha256/$bid")}")
		names+=("\"blobs/sha256/$bid\"")
		i=$((i + 1))
	done
	join() { local IFS=,; echo "$*"; }
	blob() { # blob FILE -> moves it into blobs/, prints its descriptor fields
		local s; s=$(sha "$1"); mv "$1" "$d/out/blobs/sha256/$s"
		echo "\"digest\":\"sha256:$s\",\"size\":$(stat -c %s "$d/out/blobs/sha256/$s")"
	}
	printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[%s]}' \
		"$(join "${ids[@]}")" "$(join "${hist[@]}")" >"$d/config"
	local cfgd; cfgd=$(blob "$d/config")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json",%s},"layers":[%s]}' \
		"$cfgd" "$(join "${descs[@]}")" >"$d/manifest"
	local mand; mand=$(blob "$d/manifest")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",%s,"annotations":{"org.opencontainers.image.ref.name":"localhost/airlock-fuzz:%s"}}]}' \
		"$mand" "$name" >"$d/out/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$d/out/oci-layout"
	if [ "$style" = docker25 ]; then
		local cfgname=${cfgd#\"digest\":\"sha256:}; cfgname=${cfgname%%\"*}
		printf '[{"Config":"blobs/sha256/%s","RepoTags":["localhost/airlock-fuzz:%s"],"Layers":[%s]}]' \
			"$cfgname" "$name" "$(join "${names[@]}")" >"$d/out/manifest.json"
	fi
	"${TAR[@]}" --format=posix --pax-option=delete=atime,delete=ctime --sort=name \
		-C "$d/out" -cf "$out/image/$name.oci.tar" .
}

# root filesystems, from real files only
r=$work/roots
mkdir -p "$r/base/etc" "$r/base/usr/lib" "$r/base/var/lib/dpkg"
cp "$osr_sample" "$r/base/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/base/etc/os-release"
cp "$work/debian_version" "$r/base/etc/debian_version"
cp "$data/dpkg/debian-10-postgresql-excerpt/status" "$r/base/var/lib/dpkg/status"

# distroless-style layer over base: whiteout of status, status.d/ entries
mkdir -p "$r/distroless/var/lib/dpkg/status.d"
: >"$r/distroless/var/lib/dpkg/.wh.status"
cp "$data"/dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d/* "$r/distroless/var/lib/dpkg/status.d/"

# opaque whiteout of status.d/, keeping one stanza
mkdir -p "$r/opaque/var/lib/dpkg/status.d"
: >"$r/opaque/var/lib/dpkg/status.d/.wh..wh..opq"
cp "$data/dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d/libsqlite3-0" \
	"$r/opaque/var/lib/dpkg/status.d/libsqlite3-0"

# this machine's os-release with the Ubuntu status, one gzip layer
mkdir -p "$r/ubuntu/usr/lib" "$r/ubuntu/etc" "$r/ubuntu/var/lib/dpkg"
cp "$osr" "$r/ubuntu/usr/lib/os-release"
ln -s ../usr/lib/os-release "$r/ubuntu/etc/os-release"
cp "$data/dpkg/ubuntu-18.04/status" "$r/ubuntu/var/lib/dpkg/status"

docker_archive two-layer podman "$r/base" "$r/distroless"
docker_archive three-layer-gz manifest-first "$r/base" "gz:$r/distroless" "$r/opaque"
docker_archive one-gz-layer podman "gz:$r/ubuntu"
# the whole `docker save` output gzipped, as images are often shipped
gzip -9n <"$out/image/two-layer.docker.tar" >"$out/image/two-layer.docker.tar.gz"
oci_archive oci-gz-zst oci "gz:$r/base" "zst:$r/distroless"
oci_archive docker25 docker25 "$r/base" "gz:$r/opaque"

# --- sig, pubkey, comment and fixture.h (only with --keys) ---------------------------------
if [ $keys = 1 ]; then
	command -v minisign >/dev/null || { echo "mkcorpus: minisign not found (apt-get install minisign)" >&2; exit 1; }
	fresh sig; fresh pubkey; fresh comment
	k=$work/keys; mkdir -p "$k"
	minisign -G -W -p "$k/fixture.pub" -s "$k/fixture.key" </dev/null >/dev/null
	minisign -G -W -p "$k/other.pub" -s "$k/other.key" </dev/null >/dev/null
	# the fixed data: one line, also embedded in fixture.h
	fixture_data='airlock fuzz fixture: every signature in tests/fuzz/corpus/sig signs this line'
	printf '%s\n' "$fixture_data" >"$k/data"
	b64=$(sed -n 2p "$k/fixture.pub")
	keyid=$(head -n1 "$k/fixture.pub" | sed 's/.* //')
	now=$(date -u +%s)
	created=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%SZ)
	expires=$(date -u -d "@$((now + 30 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
	comment="airlock-bundle=1 serial=1 created=$created expires=$expires keyid=$keyid"
	sign() { minisign -S "$@" -m "$k/data" </dev/null >/dev/null; }
	sign -s "$k/fixture.key" -x "$out/sig/airlock.minisig" -t "$comment"
	sign -s "$k/fixture.key" -x "$out/sig/minisign-default.minisig"
	sign -l -s "$k/fixture.key" -x "$out/sig/legacy.minisig" -t "$comment"
	sign -s "$k/other.key" -x "$out/sig/other-key.minisig" -t "${comment%keyid=*}keyid=$(head -n1 "$k/other.pub" | sed 's/.* //')"
	minisign -V -q -p "$k/fixture.pub" -m "$k/data" -x "$out/sig/airlock.minisig"
	cp "$k/fixture.pub" "$out/pubkey/fixture.pub"
	cp "$k/other.pub" "$out/pubkey/other.pub"
	for s in airlock minisign-default; do
		sed -n 's/^trusted comment: //p' "$out/sig/$s.minisig" | tr -d '\n' >"$out/comment/$s"
	done
	# fixture.h: the data, the key as struct bundle_pubkey, and the airlock signature
	hex() { od -An -v -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//; s/\([0-9a-f][0-9a-f]\)/0x\1,/g'; }
	keynum=$(printf '%s' "$b64" | base64 -d | head -c 10 | tail -c 8 | hex)
	pk=$(printf '%s' "$b64" | base64 -d | tail -c 32 | hex)
	cstr() { sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g; s/^/\t"/; s/$/\\n"/'; }
	{
		echo "/*"
		echo " * fixture.h - the fixed data, trusted key and signature of fuzz_sig and fuzz_pubkey."
		echo " *"
		echo " * Written by tests/fuzz/mkcorpus.sh --keys ($(minisign -v), $(date -u +%Y-%m-%d)): a"
		echo " * minisign key pair made for this and thrown away (its secret key is not kept),"
		echo " * the signatures in corpus/sig and the public keys in corpus/pubkey. Do not edit."
		echo " */"
		echo "#ifndef AIRLOCK_FUZZ_FIXTURE_H"
		echo "#define AIRLOCK_FUZZ_FIXTURE_H"
		echo
		echo '#include "bundles/bundle.h"'
		echo
		echo "/* The signed bytes (the string without its NUL). */"
		echo "static const char fuzz_fixture_data[] ="
		printf '%s\n' "$fixture_data" | cstr | sed '$s/$/;/'
		echo
		echo "/* Key $keyid: $b64 */"
		echo "static const struct bundle_pubkey fuzz_fixture_key = {"
		echo "	{ ${keynum%,} },"
		printf '%s\n' "$pk" | tr ' ' '\n' | paste -d' ' - - - - - - - - | sed 's/^/\t\t/; 1s/^\t\t/\t{ /; $s/,$/ },/'
		echo "};"
		echo
		echo "/* corpus/sig/airlock.minisig */"
		echo "static const char fuzz_fixture_sig[] ="
		cstr <"$out/sig/airlock.minisig" | sed '$s/$/;/'
		echo
		echo "#endif"
	} >"$here/fixture.h"
fi

echo "mkcorpus: wrote $(find "$out" -type f ! -name README.md | wc -l) seed files under $out"
