#!/bin/sh
# bootstrap.sh - the README's two commands, on a fresh Debian 12 machine, as root:
#
#   ./bootstrap.sh        install the build dependencies, build, and run the main job on the
#                         sample data in the repo: keygen, build a signed bundle from real
#                         Debian tracker data, verify it, scan a real `podman save` image
#   ./bootstrap.sh test   also install the test tools, build the full-size test images
#                         (../shared/tools/make-test-images, cached in build/test-images), and run
#                         every test: make check, make check under ASan+UBSan, make distcheck
set -eu
cd "$(dirname "$0")"
top=$(pwd)
mode=${1:-demo}

BUILD_DEPS="build-essential autoconf automake pkg-config libarchive-dev libsqlite3-dev \
libsodium-dev libxml2-dev libyaml-dev libyajl-dev libzstd-dev"
TEST_DEPS="jq minisign rpm zstd sqlite3 strace debootstrap podman buildah skopeo umoci python3 python3-yaml openscap-scanner \
python3-jsonschema python3-rfc3987 libxml2-utils chromium"

say() { printf '\n== %s\n' "$*"; }

install_deps() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || { echo "bootstrap: run as root (or with sudo) to install:$missing" >&2; exit 2; }
	say "installing$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() { # build DIR [configure options]
	dir=$1; shift
	[ -x configure ] || ./autogen.sh >/dev/null 2>&1
	mkdir -p "$dir"
	( cd "$dir" && { [ -f Makefile ] || "$top/configure" -q --enable-werror "$@"; } &&
	  make -s -j"$(nproc)" >/dev/null )
}

case $mode in
demo)
	# shellcheck disable=SC2086
	install_deps $BUILD_DEPS
	say "building in build/"
	build build
	d=$(mktemp -d)
	trap 'rm -rf "$d"' EXIT
	say "airlock-feed keygen -W -p $d/site.pub -s $d/site.sec"
	build/airlock-feed keygen -W -p "$d/site.pub" -s "$d/site.sec"
	say "airlock-feed build: Debian Security Tracker samples -> signed bundle"
	build/airlock-feed build -s "$d/site.sec" -o "$d/debian.db.zst" \
		debian:tests/data/debian-tracker/vunnel-debian.json \
		debian:tests/data/debian-tracker/osv-dev-debian_security_tracker_mock.json
	say "airlock verify"
	build/airlock verify -p "$d/site.pub" "$d/debian.db.zst"
	say "airlock scan tests/data/images/sample-bullseye.docker.tar"
	set +e
	build/airlock scan --bundle "$d/debian.db.zst" -p "$d/site.pub" \
		tests/data/images/sample-bullseye.docker.tar
	rc=$?
	set -e
	case $rc in
	0) say "scan passed (exit 0)" ;;
	1) say "scan found vulnerabilities that fail the default policy (exit 1): this is the expected result" ;;
	*) say "scan failed (exit $rc)"; exit "$rc" ;;
	esac
	;;
test)
	# shellcheck disable=SC2086
	install_deps $BUILD_DEPS $TEST_DEPS
	images=${AIRLOCK_TEST_IMAGES:-$top/build/test-images}
	if ! ls "$images"/*.packages.tsv >/dev/null 2>&1; then
		[ -x "$top/../shared/tools/make-test-images" ] ||
			{ echo "bootstrap: ../shared/tools/make-test-images not found" >&2; exit 2; }
		say "building test images into $images (about 4 minutes)"
		"$top/../shared/tools/make-test-images" "$images"
	fi
	export AIRLOCK_TEST_IMAGES="$images"
	# the official-schema validator beside the repo (distcheck's tree is elsewhere)
	export AIRLOCK_VALIDATE_REPORT="$top/../shared/tools/validate-report"
	passed=0 failed=0
	run_check() { # run_check LABEL DIR [make target]
		label=$1 dir=$top/$2 target=${3:-check}
		say "$label: make $target"
		if (cd "$dir" && make -j"$(nproc)" "$target" DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
			>"$dir/check.out" 2>&1); then
			ok=1
		else
			ok=0
		fi
		grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR|# (TOTAL|PASS|SKIP|FAIL|ERROR)):' "$dir/check.out" || true
		p=$(sed -n 's/^# PASS: *//p' "$dir/check.out" | awk '{s += $1} END {print s + 0}')
		f=$(sed -n 's/^# \(FAIL\|ERROR\|XPASS\): *//p' "$dir/check.out" | awk '{s += $1} END {print s + 0}')
		passed=$((passed + p)) failed=$((failed + f))
		if [ "$ok" != 1 ]; then
			[ "$f" -gt 0 ] || failed=$((failed + 1))	# a build failure counts too
			tail -n 40 "$dir/check.out"
			find "$dir" -name '*.log' -path '*tests*' -newer "$dir/Makefile" -exec grep -l -E '^(FAIL|ERROR)' {} + 2>/dev/null |
				while read -r log; do echo "--- $log"; tail -n 60 "$log"; done
		fi
	}
	say "building in build/"
	build build
	run_check "plain build" build check
	say "building with ASan+UBSan in build-sanitize/"
	build build-sanitize --enable-sanitizers
	# the 100 000-pair differential version tests run in full in the plain build; the
	# sanitizer and distcheck runs repeat them on 20 000 pairs (the reference tools'
	# process start-up, not our code, is what costs there)
	VERCMP_PAIRS=20000 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_check "sanitizer build" build-sanitize check
	VERCMP_PAIRS=20000 run_check "distribution tarball" build distcheck
	echo
	echo "(automake test counts summed over the plain, sanitizer and distcheck runs)"
	echo "tests: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	;;
*)
	echo "usage: $0 [test]" >&2
	exit 2
	;;
esac
