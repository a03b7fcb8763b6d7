#!/bin/sh
# check-boundary.sh - the scanner binary must not contain signing code or feed parsers.
#
# airlock runs on the isolated side: it may verify signatures but never create them, and it
# never parses vendor feeds. The linker enforces this (airlock does not link libfeed.a); this
# test proves it on the built binary with nm, and proves the check itself can fail by running
# it on airlock-feed, which must contain them.
set -eu
: "${top_builddir:=.}"
NM=${NM:-nm}
scanner=$top_builddir/airlock
builder=$top_builddir/airlock-feed

# symbols the scanner must neither define nor reference
forbidden='bundle_open_unverified|crypto_sign_detached|crypto_sign_keypair|crypto_sign_seed_keypair|crypto_pwhash|bundle_sign[a-z_]*|bundle_keygen[a-z_]*|bundle_meta_defaults|bundle_seckey_|bundle_writer_|feed_[a-z_]+|xmlReader|xmlTextReader|socket|connect|getaddrinfo'

syms() { "$NM" -g "$1" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' | sort -u; }

bad=$(syms "$scanner" | grep -Ex "$forbidden" || true)
if [ -n "$bad" ]; then
	echo "FAIL: $scanner references forbidden symbols:"; echo "$bad"
	exit 1
fi
# the check must be able to fail: the builder has signing code and feed parsers
for s in crypto_sign_detached crypto_sign_keypair feed_find; do
	syms "$builder" | grep -qx "$s" ||
		{ echo "FAIL: $builder lacks $s: the boundary check would prove nothing"; exit 1; }
done
# and the scanner does verify signatures
syms "$scanner" | grep -qx crypto_sign_verify_detached ||
	{ echo "FAIL: $scanner does not reference crypto_sign_verify_detached"; exit 1; }
echo "boundary: $scanner has no signing, feed-parsing or socket symbols"
