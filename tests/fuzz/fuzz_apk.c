/*
 * fuzz_apk.c - the apk installed-database parser (pkgdb_apk_parse) on a
 * lib/apk/db/installed file.
 */
#include "config.h"

#include "base/ctx.h"
#include "pkgdb/pkgdb.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_LAYER 1

/* What pkgdb.h promises about every package, and what apk.c adds: kept values
 * are non-empty without blanks or control bytes; the source version is the
 * version. */
static void
check_value(const char *s)
{
	FUZZ_ASSERT(s[0] != '\0');
	for (; *s; s++)
		FUZZ_ASSERT((unsigned char)*s > 0x20 && *s != 0x7f);
}

static void
check(const struct pkglist *l)
{
	size_t i;

	FUZZ_ASSERT(l->n <= l->cap);
	for (i = 0; i < l->n; i++) {
		const struct pkg *p = &l->v[i];

		FUZZ_ASSERT(p->name != NULL && p->version != NULL);
		FUZZ_ASSERT(p->source_name != NULL && p->source_version != NULL);
		FUZZ_ASSERT(p->ecosystem != NULL && strcmp(p->ecosystem, "apk") == 0);
		FUZZ_ASSERT(p->layer == FUZZ_LAYER);
		FUZZ_ASSERT(strcmp(p->source_version, p->version) == 0);
		check_value(p->name);
		check_value(p->version);
		check_value(p->source_name);
		if (p->arch != NULL)
			check_value(p->arch);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkglist l = { NULL, 0, 0 };
	struct pkg keep = { (char *)"keep", (char *)"1-r0", NULL, NULL, NULL, "apk",
		FUZZ_LAYER, NULL, NULL };
	struct ctx c;
	int r;

	/* a package already in the list survives a failed parse */
	pkglist_add(&l, &keep);
	ctx_init(&c);
	r = pkgdb_apk_parse(&c, data, size, FUZZ_LAYER, &l);
	if (r == 0)
		check(&l);
	else {
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
		FUZZ_ASSERT(l.n == 1 && strcmp(l.v[0].name, "keep") == 0);
	}
	pkglist_free(&l);
	return 0;
}
