#!/bin/sh
# tamper.sh - nothing altered, untrusted, expired or half-built ever gets through, and a failed
# build leaves the previous bundle untouched.
. "$(dirname "$0")/setup.sh"

make_bundle "$TMP" --serial 7
scan() { "$AIRLOCK" scan --bundle "$1" -p "$TMP/key.pub" -f json "$SAMPLE"; }

# flip one byte at several offsets of the compressed database: refused with exit 2, and the
# reason is the signature (nothing was decompressed or parsed: zstd or SQLite would say otherwise)
size=$(stat -c %s "$TMP/bundle.db.zst")
for off in 0 1 $((size / 3)) $((size / 2)) $((size - 1)); do
	cp "$TMP/bundle.db.zst" "$TMP/t.db.zst"; cp "$TMP/bundle.db.zst.minisig" "$TMP/t.db.zst.minisig"
	b=$(od -An -tu1 -j "$off" -N1 "$TMP/t.db.zst" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b ^ 1) & 255)))" |
		dd of="$TMP/t.db.zst" bs=1 seek="$off" conv=notrunc status=none
	cmp -s "$TMP/t.db.zst" "$TMP/bundle.db.zst" && { fail "byte $off not flipped"; continue; }
	if expect_status 2 scan "$TMP/t.db.zst"; then
		if grep -qi 'signature' "$TMP/err" && ! grep -qiE 'zstd|sqlite|decompress' "$TMP/err"; then
			pass "flipped byte $off: refused before parsing ($(cat "$TMP/err"))"
		else
			fail "flipped byte $off: wrong reason: $(cat "$TMP/err")"
		fi
	fi
	[ -s "$TMP/out" ] && fail "flipped byte $off: a report was printed"
	expect_status 1 "$AIRLOCK" verify -p "$TMP/key.pub" "$TMP/t.db.zst" &&
		pass "verify exits 1 for flipped byte $off"
done

# a changed trusted comment (e.g. a later expiry) breaks the global signature
cp "$TMP/bundle.db.zst" "$TMP/c.db.zst"
sed 's/expires=[0-9]\{4\}/expires=2099/' "$TMP/bundle.db.zst.minisig" >"$TMP/c.db.zst.minisig"
cmp -s "$TMP/c.db.zst.minisig" "$TMP/bundle.db.zst.minisig" && fail "trusted comment not changed"
expect_status 2 scan "$TMP/c.db.zst" && pass "edited trusted comment refused: $(cat "$TMP/err")"

# missing or truncated signature
cp "$TMP/bundle.db.zst" "$TMP/n.db.zst"
expect_status 2 scan "$TMP/n.db.zst" && pass "missing signature refused"
head -c 100 "$TMP/bundle.db.zst.minisig" >"$TMP/n.db.zst.minisig"
expect_status 2 scan "$TMP/n.db.zst" && pass "truncated signature refused"

# a bundle signed by a key we do not trust
mkdir "$TMP/other"
make_bundle "$TMP/other"
expect_status 2 scan "$TMP/other/bundle.db.zst" && grep -q 'trusted' "$TMP/err" &&
	pass "untrusted key refused: $(cat "$TMP/err")"
mkdir "$TMP/keys" && cp "$TMP/key.pub" "$TMP/keys/site.pub" && cp "$TMP/other/key.pub" "$TMP/keys/new.pub"
expect_status 1 "$AIRLOCK" scan --bundle "$TMP/other/bundle.db.zst" --keys "$TMP/keys" -f json "$SAMPLE" &&
	pass "a key directory with both keys accepts it (rotation)"

# an expired bundle: built 60 days ago, valid for 30
mkdir "$TMP/old"
"$AIRLOCK_FEED" keygen -W -p "$TMP/old/key.pub" -s "$TMP/old/key.sec" >/dev/null
SOURCE_DATE_EPOCH=$(($(date +%s) - 60 * 86400)) "$AIRLOCK_FEED" build -q -s "$TMP/old/key.sec" \
	-o "$TMP/old/b.db.zst" --expires-in 30 "debian:$DATA/debian-tracker/vunnel-debian.json"
expect_status 2 "$AIRLOCK" scan --bundle "$TMP/old/b.db.zst" -p "$TMP/old/key.pub" "$SAMPLE" &&
	grep -q 'expired' "$TMP/err" && pass "expired bundle refused: $(cat "$TMP/err")"

# a failed build leaves the previous bundle untouched and no temporary files behind
before=$(cat "$TMP/bundle.db.zst" "$TMP/bundle.db.zst.minisig" | sha256sum)
head -c 3000 "$DATA/debian-tracker/vunnel-debian.json" >"$TMP/truncated.json"
printf '{}' >"$TMP/empty.json"
for bad in "debian:$TMP/truncated.json" "debian:$TMP/empty.json" "debian:$TMP/absent.json" \
	"nosuchfeed:$TMP/empty.json"; do
	expect_status 2 "$AIRLOCK_FEED" build -q -s "$TMP/key.sec" -o "$TMP/bundle.db.zst" \
		"debian:$DATA/debian-tracker/vunnel-debian.json" "$bad" &&
		pass "build with $bad fails: $(cat "$TMP/err")"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "error for $bad is not one line"
done
after=$(cat "$TMP/bundle.db.zst" "$TMP/bundle.db.zst.minisig" | sha256sum)
[ "$before" = "$after" ] && pass "previous bundle untouched" || fail "previous bundle changed"
leftover=$(find "$TMP" -maxdepth 1 -name 'bundle.db.zst?*' ! -name '*.minisig')
[ -z "$leftover" ] && pass "no temporary files left" || fail "left behind: $leftover"
finish
