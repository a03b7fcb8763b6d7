/*
 * fuzz_pubkey.c - the minisign public key file (bundle_pubkey_parse).
 *
 * A key that parses is then used to check the fixed signature of fixture.h
 * over the fixed data: it must verify exactly when the key is the fixture's.
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_pubkey pk;
	struct bundle_meta meta;
	struct ctx c;
	int r;

	ctx_init(&c);
	r = bundle_pubkey_parse(&c, data, size, &pk);
	if (r != 0) {
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
		return 0;
	}
	ctx_init(&c);
	r = bundle_verify(&c, (const uint8_t *)fuzz_fixture_data,
	    sizeof(fuzz_fixture_data) - 1, (const uint8_t *)fuzz_fixture_sig,
	    sizeof(fuzz_fixture_sig) - 1, &pk, 1, &meta);
	if (memcmp(&pk, &fuzz_fixture_key, sizeof(pk)) == 0)
		FUZZ_ASSERT(r == 0);
	else
		FUZZ_ASSERT(r == E_VERIFY);
	return 0;
}
