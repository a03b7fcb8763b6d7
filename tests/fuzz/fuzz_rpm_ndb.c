/*
 * fuzz_rpm_ndb.c - rpm's ndb database reader (pkgdb_rpm_parse_ndb) on
 * an NDB `Packages.db`.
 */
#include "config.h"

#include "base/ctx.h"
#include "pkgdb/pkgdb.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_LAYER 1

/* What pkgdb.h promises about every package. */
static void
check(const struct pkglist *l)
{
	size_t i;

	FUZZ_ASSERT(l->n <= l->cap);
	for (i = 0; i < l->n; i++) {
		const struct pkg *p = &l->v[i];

		FUZZ_ASSERT(p->name != NULL && p->name[0] != '\0');
		FUZZ_ASSERT(p->version != NULL && strchr(p->version, '-') != NULL);
		FUZZ_ASSERT(p->source_name != NULL && p->source_version != NULL);
		FUZZ_ASSERT(p->ecosystem != NULL && strcmp(p->ecosystem, "rpm") == 0);
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
	int r;

	ctx_init(&c);
	r = pkgdb_rpm_parse_ndb(&c, data, size, FUZZ_LAYER, &l);
	if (r == 0)
		check(&l);
	else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0' && l.n == 0);
	pkglist_free(&l);
	return 0;
}
