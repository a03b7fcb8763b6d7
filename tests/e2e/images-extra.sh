#!/bin/sh
# images-extra.sh - the other inputs and modes of the image reader, end to end on the real
# sample image (and on ../shared/tools/make-test-images' images when present):
#   layer attribution (each package's layer is the one that installed it, with its created_by),
#   "-" (standard input: a redirected file and a pipe), an OCI layout directory made from the
#   sample with jq and sha256sum, an archive holding two images (--image), and --fast (the
#   same inventory, no digests, a fraction of the bytes read).
. "$(dirname "$0")/setup.sh"

LC_ALL=C sort "$DATA/images/sample-bullseye.packages.tsv" >"$TMP/want"
same_packages() { # same_packages JSON WHAT: the inventory equals dpkg-query's list
	reported_packages "$1" >"$TMP/got"
	if cmp -s "$TMP/got" "$TMP/want"; then pass "$2: $(wc -l <"$TMP/want") packages"
	else fail "$2: packages differ"; diff "$TMP/want" "$TMP/got" | head -n 5; fi
}
layer_of() { jq -r --arg n "$2" '.packages[] | select(.name == $n) | .layer' "$1"; }
created_by_of() {
	jq -r --arg n "$2" '.image.layers[(.packages[] | select(.name == $n) | .layer)].created_by' "$1"
}

# --- attribution: layer 0 is the base (adduser), layer 1 the apt-get install (libsope1)
expect_status 0 "$AIRLOCK" packages -f json "$SAMPLE" && cp "$TMP/out" "$TMP/file.json"
same_packages "$TMP/file.json" "sample"
[ "$(layer_of "$TMP/file.json" adduser)" = 0 ] && [ "$(layer_of "$TMP/file.json" libsope1)" = 1 ] &&
	[ "$(layer_of "$TMP/file.json" txt2man)" = 1 ] &&
	pass "adduser attributed to layer 0, libsope1 and txt2man to layer 1" ||
	fail "layer attribution: adduser $(layer_of "$TMP/file.json" adduser)," \
		"libsope1 $(layer_of "$TMP/file.json" libsope1)"
case $(created_by_of "$TMP/file.json" libsope1) in
*apt-get*install*) pass "libsope1's layer was created by: apt-get install ..." ;;
*) fail "libsope1's created_by: $(created_by_of "$TMP/file.json" libsope1)" ;;
esac

# --- standard input: a redirected file, and a pipe; the same report but for the path
strip_path() { jq -S 'del(.image.path)' "$1"; }
expect_status 0 "$AIRLOCK" packages -f json - <"$SAMPLE" &&
	[ "$(strip_path "$TMP/out")" = "$(strip_path "$TMP/file.json")" ] &&
	[ "$(jq -r .image.path "$TMP/out")" = - ] &&
	pass "packages - <file: the same report" || fail "packages - <file differs"
cat "$SAMPLE" | "$AIRLOCK" packages -f json - >"$TMP/pipe.json" 2>"$TMP/err" &&
	[ "$(strip_path "$TMP/pipe.json")" = "$(strip_path "$TMP/file.json")" ] &&
	pass "cat | packages -: the same report, archive sha256 included" ||
	fail "packages from a pipe differs: $(head -n 2 "$TMP/err")"
[ "$(jq -r .image.archive_sha256 "$TMP/file.json")" = "$(sha256sum <"$SAMPLE" | cut -d' ' -f1)" ] &&
	pass "archive_sha256 is sha256sum's" || fail "archive_sha256 differs from sha256sum"

# --- --fast: the same inventory and attribution, no archive digest
expect_status 0 "$AIRLOCK" packages --fast -f json "$SAMPLE" && cp "$TMP/out" "$TMP/fast.json"
same_packages "$TMP/fast.json" "--fast"
[ "$(jq -c '[.packages[].layer]' "$TMP/fast.json")" = "$(jq -c '[.packages[].layer]' "$TMP/file.json")" ] &&
	[ "$(jq -r .image.archive_sha256 "$TMP/fast.json")" = null ] &&
	pass "--fast: same layers, archive_sha256 null" || fail "--fast report"

# --- an OCI layout directory built from the sample's blobs (its layers are uncompressed: a
# layer's digest is its diff_id)
mkdir -p "$TMP/x" "$TMP/oci/blobs/sha256"
tar -C "$TMP/x" -xf "$SAMPLE"
cfg=$(jq -r '.[0].Config' "$TMP/x/manifest.json")
cp "$TMP/x/$cfg" "$TMP/oci/blobs/sha256/$(sha256sum <"$TMP/x/$cfg" | cut -d' ' -f1)"
layers=
for l in $(jq -r '.[0].Layers[]' "$TMP/x/manifest.json"); do
	d=$(sha256sum <"$TMP/x/$l" | cut -d' ' -f1)
	cp "$TMP/x/$l" "$TMP/oci/blobs/sha256/$d"
	layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$(stat -c %s "$TMP/x/$l")}"
done
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
	"$(sha256sum <"$TMP/x/$cfg" | cut -d' ' -f1)" "$(stat -c %s "$TMP/x/$cfg")" "$layers" >"$TMP/m"
md=$(sha256sum <"$TMP/m" | cut -d' ' -f1)
mv "$TMP/m" "$TMP/oci/blobs/sha256/$md"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"bullseye"}}]}' \
	"$md" "$(stat -c %s "$TMP/oci/blobs/sha256/$md")" >"$TMP/oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$TMP/oci/oci-layout"
for mode in "" --fast; do
	# shellcheck disable=SC2086
	expect_status 0 "$AIRLOCK" packages $mode -f json "$TMP/oci" && cp "$TMP/out" "$TMP/dir.json"
	same_packages "$TMP/dir.json" "OCI layout directory ${mode:-(digests checked)}"
	[ "$(jq -r '.image.archive_sha256, .image.tags[0], .image.config_digest' "$TMP/dir.json" | paste -sd' ')" = \
		"null bullseye $(jq -r .image.config_digest "$TMP/file.json")" ] &&
		[ "$(layer_of "$TMP/dir.json" libsope1)" = 1 ] &&
		pass "layout directory ${mode:-(digests checked)}: no archive digest, ref name, config, attribution" ||
		fail "layout directory report ${mode}"
done
echo 'tampered' >>"$TMP/oci/blobs/sha256/$(jq -r '.layers[1].digest | ltrimstr("sha256:")' "$TMP/oci/blobs/sha256/$md")"
expect_status 2 "$AIRLOCK" packages -f json "$TMP/oci" &&
	grep -q 'layer 2/2 (sha256:.*not its diff_id' "$TMP/err" &&
	pass "a tampered layer in a layout directory: refused" || fail "tampered layer accepted"

# --- two images in one archive: the sample, and its first layer alone as another tag
jq '.rootfs.diff_ids |= .[:1] | .history |= [.[] | select(.empty_layer != true)][:1]' \
	"$TMP/x/$cfg" >"$TMP/c1"
c1=$(sha256sum <"$TMP/c1" | cut -d' ' -f1)
mv "$TMP/c1" "$TMP/x/$c1.json"
jq --arg c "$c1.json" '. + [{Config: $c, RepoTags: ["localhost/airlock-base:bullseye"],
	Layers: .[0].Layers[:1]}]' "$TMP/x/manifest.json" >"$TMP/m" && mv "$TMP/m" "$TMP/x/manifest.json"
(cd "$TMP/x" && tar -cf "$TMP/two.tar" --sort=name .)
expect_status 2 "$AIRLOCK" packages -f json "$TMP/two.tar" &&
	grep -q '2 images in the archive; choose one with --image: localhost/airlock-sample:bullseye' "$TMP/err" &&
	pass "two images and no --image: exit 2, both listed" || fail "two images without --image"
expect_status 0 "$AIRLOCK" packages --image airlock-sample:bullseye -f json "$TMP/two.tar" &&
	same_packages "$TMP/out" "--image airlock-sample:bullseye"
expect_status 0 "$AIRLOCK" packages --image "${c1%"${c1#????????}"}" -f json "$TMP/two.tar" &&
	[ "$(jq -r .image.tags[0] "$TMP/out")" = localhost/airlock-base:bullseye ] &&
	[ "$(layer_of "$TMP/out" libsope1)" = "" ] && [ "$(layer_of "$TMP/out" adduser)" = 0 ] &&
	pass "--image by id prefix: the base image, without libsope1" || fail "--image by id prefix"
expect_status 2 "$AIRLOCK" packages --image nosuch:1 -f json "$TMP/two.tar" &&
	grep -q "no image matches 'nosuch:1'" "$TMP/err" && pass "--image with no match: exit 2" ||
	fail "--image nosuch"
make_bundle "$TMP" --serial 7
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" -p "$TMP/key.pub" \
	--image localhost/airlock-sample:bullseye -f json "$TMP/two.tar" &&
	[ "$(jq '.findings | length' "$TMP/out")" -gt 0 ] &&
	pass "scan --image: the sample's findings" || fail "scan --image"

# --- the full-size images, when built: one read by default, a fraction with --fast
dir=${AIRLOCK_TEST_IMAGES:-$top_builddir/../build/test-images}
for img in "$dir"/*.docker.tar "$dir"/*.oci.tar "$dir"/*.docker25.tar; do
	[ -e "$img" ] || continue
	name=$(basename "$img"); tsv=$dir/${name%%.*}.packages.tsv
	size=$(stat -c %s "$img")
	for mode in "" --fast; do
		# shellcheck disable=SC2086
		AIRLOCK_STATS=1 "$AIRLOCK" packages $mode -f json "$img" >"$TMP/big.json" 2>"$TMP/err" ||
			{ fail "$name $mode: $(head -n 1 "$TMP/err")"; continue; }
		rchar=$(sed -n 's/.*stats: rchar=\([0-9]*\).*/\1/p' "$TMP/err")
		reported_packages "$TMP/big.json" | cmp -s - "$tsv" ||
			{ fail "$name $mode: packages differ"; continue; }
		if [ -z "$mode" ]; then
			[ "$rchar" -lt $((size + size / 50)) ] &&
				pass "$name: one read ($rchar bytes of $size)" || fail "$name: read $rchar of $size"
		else
			[ "$rchar" -lt $((size / 10)) ] &&
				pass "$name --fast: $rchar bytes of $size read" || fail "$name --fast: read $rchar of $size"
		fi
	done
	case $name in bookworm-3layer.*)
		[ "$(layer_of "$TMP/big.json" curl)" = 1 ] && [ "$(layer_of "$TMP/big.json" bash)" = 0 ] &&
			pass "$name: curl from layer 1, bash from layer 0" || fail "$name: attribution" ;;
	esac
done
finish
