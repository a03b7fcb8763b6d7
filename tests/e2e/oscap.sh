#!/bin/sh
# oscap.sh - OpenSCAP agreement (issue 6): for each Debian image, the (CVE, source package) pairs
# of the definitions that Debian's `oscap` finds true in the release's Debian OVAL must equal the
# pairs of the debian-oval findings `airlock scan` reports with a bundle built from the same file.
#
# oscap evaluates the image's final filesystem, unpacked by tests/e2e/oscap-helper.py (layers in
# order, whiteouts honoured), through its chroot mode (oscap-chroot: OSCAP_PROBE_ROOT). Debian's
# OVAL names SOURCE packages and oscap looks names up among installed packages, so the copy's
# dpkg status is rewritten to one stanza per source package at its source version (dpkg-query's
# ${source:Package}/${source:Version}: binNMU aware) - the semantics airlock implements. oscap's
# dpkginfo probe reads that database with libapt: APT_CONFIG below loads no apt.conf.d parts
# (this host's docker-clean empties Dir::Cache::pkgcache, and then the probe fails with every
# definition false and exit 0), and the helper fails unless oscap collected exactly the installed
# sources the file names, at their versions, and found the release test true.
#
# Images: sample-bullseye (tests/data/images) and bullseye images of ../shared/tools/
# make-test-images ($AIRLOCK_TEST_IMAGES), real Debian 11 databases whose packages are newer than
# the 2023-07 OVAL's fixes: a precision check (airlock must report nothing oscap does not). The
# real distroless Debian 11 database of the corpus, wrapped into an image here with umoci and
# skopeo (none of these has a true definition in that OVAL). And two derived images that do:
# sample-bullseye's database as if built from older sources Debian published (oscap-helper.py
# lower); the test fails unless both have true definitions. Every image is compared per binary
# package too. oscap evaluates all 27,311 definitions of the file in about 10 s, so nothing is
# filtered. Skipped (77) only without oscap or without the shared corpus; prints the counts and
# oscap's run time per image.
. "$(dirname "$0")/setup.sh"
need python3 python3
need bzip2 bzip2
need umoci umoci
need skopeo skopeo
need dpkg-query dpkg
if ! command -v oscap >/dev/null 2>&1 || ! oscap --version >/dev/null 2>&1; then
	echo "SKIP: oscap cannot be run (apt-get install openscap-scanner)"
	exit 77
fi
CORPUS=${AIRLOCK_CORPUS:-$top_srcdir/../shared/corpus}
OVALDIR=$CORPUS/feeds/oval-debian
if [ ! -d "$OVALDIR" ]; then
	echo "SKIP: no Debian OVAL in $OVALDIR (set AIRLOCK_CORPUS to the shared corpus)"
	exit 77
fi
HELPER=$top_srcdir/tests/e2e/oscap-helper.py
IMAGES=${AIRLOCK_TEST_IMAGES:-$top_builddir/../build/test-images}
"$AIRLOCK_FEED" keygen -W -p "$TMP/key.pub" -s "$TMP/key.sec" >/dev/null

# read by libapt before oscap sets RootDir: no parts, no main file, no sources; the status file
# is the image's (inside RootDir, absolute so that it is not taken under Dir::State)
cat >"$TMP/apt.conf" <<'EOF'
Dir::Etc::main "/dev/null";
Dir::Etc::parts "/dev/null";
Dir::Etc::sourcelist "/dev/null";
Dir::Etc::sourceparts "/dev/null";
Dir::Etc::preferences "/dev/null";
Dir::Etc::preferencesparts "/dev/null";
Dir::State::status "/var/lib/dpkg/status";
EOF

# oval CODENAME: the decompressed OVAL (a copy in $TMP) and a bundle built from it, or 1
oval() {
	[ -e "$TMP/oval-$1.xml" ] && return 0
	[ -e "$OVALDIR/oval-definitions-$1.xml.bz2" ] || return 1
	bzip2 -dc "$OVALDIR/oval-definitions-$1.xml.bz2" >"$TMP/oval-$1.xml"
	"$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/bundle-$1.db.zst" "debian-oval:$TMP/oval-$1.xml"
}

# codename ROOT: VERSION_CODENAME of the root's os-release (a relative link stays inside ROOT)
codename() {
	f=$1/etc/os-release
	[ -L "$f" ] && case $(readlink "$f") in /*) f=$1$(readlink "$f") ;; esac
	[ -e "$f" ] || f=$1/usr/lib/os-release
	sed -n 's/^VERSION_CODENAME=//p' "$f" | tr -d '"'
}

# mkimage STAGE OUT ARCH: a one-layer docker-archive of the files in STAGE, written by umoci
# (unpack/repack: its `insert` of 0.4.7 writes a truncated layer) and skopeo
mkimage() {
	w=$TMP/mkimage
	rm -rf "$w"
	umoci init --layout "$w/oci"
	umoci new --image "$w/oci:img"
	umoci config --image "$w/oci:img" --architecture "$3" --os linux
	umoci unpack --rootless --image "$w/oci:img" "$w/b" >/dev/null
	cp -a "$1/." "$w/b/rootfs/"
	umoci repack --image "$w/oci:img" "$w/b"
	rm -f "$2"
	skopeo copy -q "oci:$w/oci:img" "docker-archive:$2:localhost/airlock-oscap:latest"
	rm -rf "$w"
}

# unpack IMAGE ROOT: the image's final filesystem in ROOT
unpack() {
	rm -rf "$2"
	python3 "$HELPER" unpack "$1" "$2" >/dev/null
}

checked=0 with_true=0
# agree NAME IMAGE ROOT: ROOT is IMAGE unpacked, its database not yet rewritten
agree() {
	name=$1 image=$2 root=$3
	cn=$(codename "$root")
	if ! oval "$cn"; then
		echo "note: $name: Debian ${cn:-?}: no OVAL in $OVALDIR, not compared"
		return 0
	fi
	defs=$TMP/oval-$cn.xml
	# the database rewritten for oscap; the sources airlock lists must be the same
	python3 "$HELPER" srcdb "$root" "$TMP/binmap" >"$TMP/srcs"
	"$AIRLOCK" packages -f json "$image" >"$TMP/pkgs.json"
	jq -r '.packages[] | [.source_name, .source_version] | @tsv' "$TMP/pkgs.json" |
		LC_ALL=C sort -u >"$TMP/airlock-srcs"
	if ! LC_ALL=C sort "$TMP/srcs" | cmp -s - "$TMP/airlock-srcs"; then
		fail "$name: airlock's source packages differ from dpkg-query's"
		LC_ALL=C sort "$TMP/srcs" | diff - "$TMP/airlock-srcs" | head
		return 0
	fi
	# libapt reads dpkg's architecture tables inside the root; slim images have no dpkg
	for t in cputable tupletable; do
		[ -e "$root/usr/share/dpkg/$t" ] || install -D -m 644 "/usr/share/dpkg/$t" "$root/usr/share/dpkg/$t"
	done

	t0=$(date +%s)
	set +e
	if command -v oscap-chroot >/dev/null 2>&1; then
		APT_CONFIG=$TMP/apt.conf oscap-chroot "$root" oval eval --results "$TMP/res.xml" "$defs" \
			>"$TMP/oscap.out" 2>"$TMP/oscap.err"
	else	# Debian ships oscap-chroot in openscap-utils; it only does this
		APT_CONFIG=$TMP/apt.conf OSCAP_PROBE_ROOT=$(cd "$root" && pwd) \
			oscap oval eval --results "$TMP/res.xml" "$defs" >"$TMP/oscap.out" 2>"$TMP/oscap.err"
	fi
	rc=$?
	set -e
	secs=$(($(date +%s) - t0))
	if [ "$rc" -ne 0 ] || grep -q '^E: ' "$TMP/oscap.err"; then
		fail "$name: oscap exited $rc"; sed 's/^/  oscap: /' "$TMP/oscap.err" | head
		return 0
	fi
	if ! python3 "$HELPER" pairs "$defs" "$TMP/res.xml" "$TMP/srcs" >"$TMP/oscap.pairs" 2>"$TMP/pairs.err"; then
		fail "$name: $(cat "$TMP/pairs.err")"
		return 0
	fi
	rm -f "$TMP/res.xml"

	set +e
	"$AIRLOCK" scan --bundle "$TMP/bundle-$cn.db.zst" -p "$TMP/key.pub" -f json "$image" \
		>"$TMP/scan.json" 2>"$TMP/scan.err"
	rc=$?
	set -e
	if [ "$rc" -gt 1 ]; then
		fail "$name: airlock scan exited $rc"; sed 's/^/  stderr: /' "$TMP/scan.err" | head -n 5
		return 0
	fi
	jq -r '.findings[] | select(.source == "debian-oval") | [.vulnerability, .source_package] | @tsv' \
		"$TMP/scan.json" | LC_ALL=C sort -u >"$TMP/airlock.pairs"
	jq -r '.findings[] | select(.source == "debian-oval") | [.vulnerability, .package] | @tsv' \
		"$TMP/scan.json" | LC_ALL=C sort -u >"$TMP/airlock.bin"
	# per binary package: every installed binary of a source oscap finds vulnerable
	awk -F'\t' 'NR == FNR { bins[$2] = bins[$2] " " $1; next }
		{ n = split(bins[$2], b, " "); for (i = 1; i <= n; i++) print $1 "\t" b[i] }' \
		"$TMP/binmap" "$TMP/oscap.pairs" | LC_ALL=C sort -u >"$TMP/oscap.bin"
	nfind=$(jq '[.findings[] | select(.source == "debian-oval")] | length' "$TMP/scan.json")
	no=$(wc -l <"$TMP/oscap.pairs") na=$(wc -l <"$TMP/airlock.pairs")
	echo "  $name: $(wc -l <"$TMP/srcs") source packages; $(cat "$TMP/pairs.err") in ${secs}s"
	echo "  $name: airlock: $nfind debian-oval findings, $na (CVE, source) pairs; oscap: $no pairs"
	if cmp -s "$TMP/oscap.pairs" "$TMP/airlock.pairs"; then
		pass "$name: airlock and oscap agree on $no (CVE, source package) pairs"
	else
		fail "$name: airlock and oscap differ (< oscap only, > airlock only)"
		diff "$TMP/oscap.pairs" "$TMP/airlock.pairs" | grep '^[<>]' | head -n 20
	fi
	if cmp -s "$TMP/oscap.bin" "$TMP/airlock.bin"; then
		pass "$name: airlock reports each of the $(wc -l <"$TMP/oscap.bin") (CVE, binary package) pairs they imply"
	else
		fail "$name: (CVE, binary package) pairs differ (< from oscap's sources, > airlock)"
		diff "$TMP/oscap.bin" "$TMP/airlock.bin" | grep '^[<>]' | head -n 20
	fi
	checked=$((checked + 1))
	[ "$no" -eq 0 ] || with_true=$((with_true + 1))
}

# 1. the committed sample image (real bullseye database, packages from 11.11)
unpack "$SAMPLE" "$TMP/sample"
stage=$TMP/stage
rm -rf "$stage"; mkdir -p "$stage/etc" "$stage/usr/lib" "$stage/var/lib/dpkg"
cp -a "$TMP/sample/etc/os-release" "$TMP/sample/etc/debian_version" "$stage/etc/"
cp -a "$TMP/sample/usr/lib/os-release" "$stage/usr/lib/"
mkdir -p "$TMP/derived/var/lib/dpkg"
cp -a "$stage/etc" "$stage/usr" "$TMP/derived/"
cp "$TMP/sample/var/lib/dpkg/status" "$TMP/derived/var/lib/dpkg/status"
agree sample-bullseye "$SAMPLE" "$TMP/sample"
rm -rf "$TMP/sample"

# 2. derived: the sample's database as if built from older sources Debian published, so that
# there are true definitions to agree on (binary names, binNMU suffixes and Source fields kept).
# Each source moves to the fixed version of its middle test in the file (CVE order: an old
# version, many true definitions), or of its last (bullseye's own +deb11uN versions: few true
# definitions, each decided by a close comparison).
if oval bullseye; then
	for pos in middle last; do
		rm -rf "$TMP/d"; cp -a "$TMP/derived" "$TMP/d"
		python3 "$HELPER" lower "$TMP/oval-bullseye.xml" "$TMP/d/var/lib/dpkg/status" $pos |
			sed "s/^/  sample-bullseye-$pos: /"
		mkimage "$TMP/d" "$TMP/d.tar" amd64
		unpack "$TMP/d.tar" "$TMP/d-root"
		agree "sample-bullseye-$pos" "$TMP/d.tar" "$TMP/d-root"
		rm -rf "$TMP/d" "$TMP/d-root" "$TMP/d.tar"
	done
else
	fail "no bullseye OVAL in $OVALDIR"
fi
rm -rf "$TMP/derived"

# 3. the corpus's distroless Debian 11 database (status.d/, verbatim) with the sample's
# os-release and debian_version (real Debian 11 files; the corpus keeps only the database)
cp -a "$CORPUS/pkgdb/dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d" "$stage/var/lib/dpkg/"
chmod -R u+w "$stage"
mkimage "$stage" "$TMP/distroless.tar" arm64
unpack "$TMP/distroless.tar" "$TMP/distroless"
agree distroless-debian-11-arm64 "$TMP/distroless.tar" "$TMP/distroless"
rm -rf "$TMP/distroless" "$stage"

# 4. make-test-images' images (one layout each: images.sh covers the others)
if ls "$IMAGES"/*.docker.tar >/dev/null 2>&1; then
	for img in "$IMAGES"/*.docker.tar; do
		name=$(basename "$img" .docker.tar)
		unpack "$img" "$TMP/img"
		agree "$name" "$img" "$TMP/img"
		rm -rf "$TMP/img"
	done
else
	echo "note: no test images in $IMAGES (./bootstrap.sh test builds them; AIRLOCK_TEST_IMAGES)"
fi
[ "$checked" -ge 4 ] || fail "only $checked images compared"
[ "$with_true" -ge 2 ] || fail "only $with_true images had true definitions: both derived images must"
finish
