#!/bin/sh
# images.sh - every full-size image built by ../shared/tools/make-test-images (real Debian
# bookworm and bullseye root filesystems, saved by podman/skopeo in every layout): the inventory
# must equal dpkg-query's list of the final filesystem, and a scan must report exactly the independent
# expectation (for these images and the tracker samples: nothing, so the verdict is pass).
#
# The images are large and built by `./bootstrap.sh test` into build/test-images; point
# AIRLOCK_TEST_IMAGES elsewhere to reuse a copy. Without them this test is skipped (77), and
# bootstrap.sh makes a missing image directory an error in CI.
. "$(dirname "$0")/setup.sh"

dir=${AIRLOCK_TEST_IMAGES:-$top_builddir/../build/test-images}
if ! ls "$dir"/*.packages.tsv >/dev/null 2>&1; then
	echo "SKIP: no test images in $dir (./bootstrap.sh test builds them)"
	exit 77
fi
make_bundle "$TMP" --serial 42
checked=0
# every layout make-test-images writes: legacy docker-archive (plain and gzipped), OCI
# archives with uncompressed, gzip and zstd layers, and Docker 25+'s OCI + manifest.json
for img in "$dir"/*.docker.tar "$dir"/*.docker.tar.gz "$dir"/*.oci.tar "$dir"/*.oci-gzip.tar \
	"$dir"/*.oci-zstd.tar "$dir"/*.docker25.tar; do
	[ -e "$img" ] || continue
	name=$(basename "$img"); name=${name%%.*}
	tsv=$dir/$name.packages.tsv
	if ! expect_status 0 "$AIRLOCK" packages -f json "$img"; then continue; fi
	reported_packages "$TMP/out" >"$TMP/got"
	LC_ALL=C sort "$tsv" >"$TMP/want"
	if cmp -s "$TMP/got" "$TMP/want"; then
		pass "$(basename "$img"): $(wc -l <"$TMP/want") packages equal dpkg-query's"
	else
		fail "$(basename "$img"): packages differ"; diff "$TMP/want" "$TMP/got" | head
	fi
	codename=$(jq -r .os.codename "$TMP/out")
	expected_findings "$tsv" "$codename" >"$TMP/want"
	want_status=0; [ -s "$TMP/want" ] && want_status=1
	if expect_status "$want_status" "$AIRLOCK" scan --bundle "$TMP/bundle.db.zst" \
		-p "$TMP/key.pub" -f json "$img"; then
		reported_findings "$TMP/out" >"$TMP/got"
		cmp -s "$TMP/want" "$TMP/got" &&
			pass "$(basename "$img"): scan reports the $(wc -l <"$TMP/want") expected findings" ||
			fail "$(basename "$img"): findings differ"
	fi
	checked=$((checked + 1))
done
[ "$checked" -ge 9 ] || fail "only $checked images checked in $dir"
# the purge in the last layer of bookworm-3layer is honoured
if [ -e "$dir/bookworm-3layer.docker.tar" ]; then
	"$AIRLOCK" packages -f json "$dir/bookworm-3layer.docker.tar" >"$TMP/p.json"
	grep -q '^libxml2	' "$dir/bookworm-3layer.after-layer2.packages.tsv" &&
		[ "$(jq '[.packages[] | select(.name == "libxml2")] | length' "$TMP/p.json")" = 0 ] &&
		pass "libxml2, installed in layer 2 and purged in layer 3, is gone" ||
		fail "purged libxml2 still listed"
fi
finish
