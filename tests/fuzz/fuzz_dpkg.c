/*
 * fuzz_dpkg.c - the dpkg status parser (pkgdb_dpkg_parse), as a full status
 * file (Status: required) and as a distroless status.d stanza (Status: absent).
 */
#include "config.h"

#include "base/ctx.h"
#include "pkgdb/pkgdb.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_LAYER 2

/* What pkgdb.h promises about every package. */
static void
check(const struct pkglist *l)
{
	size_t i;

	FUZZ_ASSERT(l->n <= l->cap);
	for (i = 0; i < l->n; i++) {
		const struct pkg *p = &l->v[i];

		FUZZ_ASSERT(p->name != NULL && p->version != NULL);
		FUZZ_ASSERT(p->source_name != NULL && p->source_version != NULL);
		FUZZ_ASSERT(p->ecosystem != NULL && strcmp(p->ecosystem, "deb") == 0);
		FUZZ_ASSERT(p->layer == FUZZ_LAYER);
		fuzz_touch_str(p->name);
		fuzz_touch_str(p->version);
		fuzz_touch_str(p->arch);
		fuzz_touch_str(p->source_name);
		fuzz_touch_str(p->source_version);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkglist l = { NULL, 0, 0 };
	struct ctx c;
	int want_status, r;

	for (want_status = 1; want_status >= 0; want_status--) {
		ctx_init(&c);
		r = pkgdb_dpkg_parse(&c, data, size, want_status, FUZZ_LAYER, &l);
		if (r == 0)
			check(&l);
		else
			FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
		pkglist_free(&l);
	}
	return 0;
}
