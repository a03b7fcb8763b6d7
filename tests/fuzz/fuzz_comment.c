/*
 * fuzz_comment.c - the trusted comment of a bundle signature
 * (bundle_comment_parse) and the strict time syntax inside it
 * (bundle_time_parse).
 *
 * The whole input is the comment (up to its first NUL, as the signature parser
 * hands it over) and also, as bytes, a time. Checked: what parses formats back
 * to the same metadata, and a time formats back to the same bytes (the syntax
 * is exact, so it has one spelling).
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "tests/fuzz/fuzz.h"

static void
check_meta(const char *comment, const struct bundle_meta *m)
{
	char again[BUNDLE_COMMENT_MAX + 64];
	struct bundle_meta m2;
	struct ctx c;
	int i;

	FUZZ_ASSERT(m->format == BUNDLE_FORMAT);
	FUZZ_ASSERT(m->expires > m->created);
	FUZZ_ASSERT(strlen(m->keyid) == 16);
	for (i = 0; i < 16; i++)
		FUZZ_ASSERT((m->keyid[i] >= '0' && m->keyid[i] <= '9') ||
		    (m->keyid[i] >= 'A' && m->keyid[i] <= 'F'));
	FUZZ_ASSERT(strcmp(m->trusted_comment, comment) == 0);

	bundle_comment_format(m, again, sizeof(again));
	ctx_init(&c);
	FUZZ_ASSERT(bundle_comment_parse(&c, again, &m2) == 0);
	FUZZ_ASSERT(m2.format == m->format && m2.serial == m->serial &&
	    m2.created == m->created && m2.expires == m->expires &&
	    strcmp(m2.keyid, m->keyid) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char again[BUNDLE_TIME_LEN + 1];
	struct bundle_meta m;
	struct ctx c;
	int64_t t = 1;
	int r;

	ctx_init(&c);
	r = bundle_comment_parse(&c, s, &m);
	if (r == 0)
		check_meta(s, &m);
	else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');

	r = bundle_time_parse((const char *)data, size, &t);
	if (r == 0) {
		bundle_time_format(t, again);
		FUZZ_ASSERT(size == BUNDLE_TIME_LEN && memcmp(again, data, size) == 0);
	} else {
		FUZZ_ASSERT(r == E_FORMAT);
	}
	free(s);
	return 0;
}
