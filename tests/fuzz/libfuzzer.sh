#!/bin/sh
# libfuzzer.sh - `make fuzz`: builds every tests/fuzz/fuzz_<target>.c as a real libFuzzer
# binary with clang (-fsanitize=fuzzer,address,undefined; the libraries are built again with
# coverage instrumentation in OUT/build) and, when FUZZ_TIME is a number of seconds, runs
# each for that long on a working copy of its seed corpus.
#
#   libfuzzer.sh SRCDIR OUT TARGET...        (make fuzz passes these)
#
# Environment: FUZZ_CC (default clang), FUZZ_TIME (seconds per target; empty = build only).
# Results: OUT/fuzz_<target> binaries; OUT/corpus/<target>/ grows with new inputs;
# OUT/<target>.log; a crash is saved as OUT/crashes/<target>-crash-<sha1> (libFuzzer's
# artifact) and the script exits 1 after running every target.
set -eu
[ $# -ge 3 ] || { echo "usage: libfuzzer.sh SRCDIR OUT TARGET..." >&2; exit 2; }
src=$1 out=$2
shift 2
cc=${FUZZ_CC:-clang}
time=${FUZZ_TIME:-}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "make fuzz: $cc not found (on Debian: apt-get install clang); make check needs no clang" >&2
	exit 1
fi
mkdir -p "$out/build" "$out/crashes"
probe=$out/probe.c
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe"
if ! "$cc" -fsanitize=fuzzer "$probe" -o "$out/probe" 2>/dev/null; then
	echo "make fuzz: $cc cannot link -fsanitize=fuzzer (libFuzzer runtime missing)" >&2
	exit 1
fi
rm -f "$probe" "$out/probe"

# the three libraries, instrumented
if [ ! -f "$out/build/Makefile" ]; then
	(cd "$out/build" && "$src/configure" -q CC="$cc" \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $san" LDFLAGS="-fsanitize=address,undefined")
fi
# (no warning flags: clang does not know all of gcc's, and make check has -Werror)
make -s -C "$out/build" -j"$(nproc 2>/dev/null || echo 2)" WARN_CFLAGS= libcommon.a libscan.a libfeed.a

# shellcheck disable=SC2046
libs=$(pkg-config --libs libarchive yajl sqlite3 libsodium libzstd libxml-2.0)
for t in "$@"; do
	echo "  CCLD     fuzz_$t"
	# shellcheck disable=SC2086
	"$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer $san -I"$out/build" -I"$src/src" -I"$src" \
		"$src/tests/fuzz/fuzz_$t.c" -o "$out/fuzz_$t" \
		"$out/build/libscan.a" "$out/build/libfeed.a" "$out/build/libcommon.a" $libs
done
[ -n "$time" ] || { echo "make fuzz: built in $out (FUZZ_TIME=SECONDS runs them)"; exit 0; }

status=0
for t in "$@"; do
	mkdir -p "$out/corpus/$t"
	cp -n "$src/tests/fuzz/corpus/$t"/* "$out/corpus/$t/" 2>/dev/null || true
	echo "== fuzz_$t for ${time}s"
	if ASAN_OPTIONS=detect_leaks=1:${ASAN_OPTIONS:-} "$out/fuzz_$t" -max_total_time="$time" \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
		"$out/corpus/$t" >"$out/$t.log" 2>&1; then
		:
	else
		status=1
		echo "   CRASH: $(ls -t "$out/crashes/$t-"* 2>/dev/null | head -n1)"
		grep -m1 -E 'ERROR: |runtime error|fuzz assertion' "$out/$t.log" | sed 's/^/   /' || true
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$out/$t.log" | sed 's/^/   /' || true
	grep -E '^#[0-9]+.*(DONE|cov:)' "$out/$t.log" | tail -n1 | sed 's/^/   /' || true
done
exit $status
