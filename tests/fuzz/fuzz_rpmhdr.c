/*
 * fuzz_rpmhdr.c - the rpm header blob parser: rpm_hdr_parse() (the fields) and
 * pkgdb_rpm_parse_header() (the package made of them), on the same bytes;
 * and the same bytes as one header signature packet: rpm_sig_keyid().
 */
#include "config.h"

#include "base/ctx.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_LAYER 5

/* A field is NULL or a NUL-terminated string inside the input. */
static void
check_str(const char *s, const uint8_t *data, size_t size)
{
	const char *end = (const char *)data + size;

	if (s == NULL)
		return;
	FUZZ_ASSERT(s >= (const char *)data && s < end);
	FUZZ_ASSERT(memchr(s, '\0', (size_t)(end - s)) != NULL);
}

/* A key id is "" or 16 lowercase hex digits. */
static void
check_keyid(const char *k)
{
	size_t i;

	if (k[0] == '\0')
		return;
	for (i = 0; i < RPM_SIGKEY_LEN; i++)
		FUZZ_ASSERT((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f'));
	FUZZ_ASSERT(k[RPM_SIGKEY_LEN] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkglist l = { NULL, 0, 0 };
	struct rpm_hdr h;
	struct ctx c;
	char evr[16 + 3 * 4097], kid[RPM_SIGKEY_LEN + 1];
	int r, r2;

	ctx_init(&c);
	r = rpm_sig_keyid(&c, data, size, kid);
	if (r == 0)
		check_keyid(kid);
	else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0' && kid[0] == '\0');
	ctx_init(&c);
	r = rpm_hdr_parse(&c, data, size, &h);
	if (r == 0) {
		FUZZ_ASSERT(h.name != NULL && h.version != NULL && h.release != NULL);
		FUZZ_ASSERT(h.name[0] != '\0' && h.version[0] != '\0' && h.release[0] != '\0');
		check_str(h.name, data, size);
		check_str(h.version, data, size);
		check_str(h.release, data, size);
		check_str(h.arch, data, size);
		check_str(h.sourcerpm, data, size);
		check_str(h.vendor, data, size);
		check_str(h.modularitylabel, data, size);
		check_keyid(h.sigkey);
	} else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
	ctx_init(&c);
	r2 = pkgdb_rpm_parse_header(&c, data, size, FUZZ_LAYER, &l);
	FUZZ_ASSERT(r2 == r);
	if (r2 == 0) {
		const struct pkg *p = &l.v[0];

		FUZZ_ASSERT(l.n == 1);
		FUZZ_ASSERT(strcmp(p->name, h.name) == 0);
		if (h.has_epoch)
			snprintf(evr, sizeof(evr), "%u:%s-%s", h.epoch, h.version, h.release);
		else
			snprintf(evr, sizeof(evr), "%s-%s", h.version, h.release);
		FUZZ_ASSERT(strcmp(p->version, evr) == 0);
		FUZZ_ASSERT((p->arch == NULL) == (h.arch == NULL));
		FUZZ_ASSERT(p->source_name != NULL && p->source_name[0] != '\0');
		FUZZ_ASSERT(p->source_version != NULL && p->source_version[0] != '\0');
		FUZZ_ASSERT(strcmp(p->ecosystem, "rpm") == 0 && p->layer == FUZZ_LAYER);
		FUZZ_ASSERT(h.sigkey[0] != '\0' ? p->sigkey != NULL &&
		    strcmp(p->sigkey, h.sigkey) == 0 : p->sigkey == NULL);
		FUZZ_ASSERT(h.modularitylabel != NULL && h.modularitylabel[0] != '\0' ?
		    p->modularity_label != NULL &&
		    strcmp(p->modularity_label, h.modularitylabel) == 0 :
		    p->modularity_label == NULL);
		fuzz_touch_str(p->arch);
		fuzz_touch_str(p->source_name);
		fuzz_touch_str(p->source_version);
	} else
		FUZZ_ASSERT(l.n == 0 && c.err[0] != '\0');
	pkglist_free(&l);
	return 0;
}
