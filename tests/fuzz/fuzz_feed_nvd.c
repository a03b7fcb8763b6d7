/*
 * fuzz_feed_nvd.c - the NVD parser (feed_nvd_parse_buf; API 2.0 or 1.1 JSON)
 * writer: one fresh database per input in a new temporary directory, freed
 * without finishing (which removes it); then once more without a writer,
 * which must count the same records.
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_writer *w = NULL;
	char dir[4096], db[4200];
	int64_t records = -1, again = -1;
	struct ctx c;
	int r, r2;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/airlock-fuzz.XXXXXX", fuzz_tmpdir()) >=
	    sizeof(dir) || mkdtemp(dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(db, sizeof(db), "%s/bundle.db", dir);
	ctx_init(&c);
	if (bundle_writer_new(&c, db, &w) != 0 ||
	    bundle_writer_source_begin(&c, w, "nvd", feed_nvd.format,
	    feed_nvd.parser_version) != 0) {
		fprintf(stderr, "fuzz: bundle writer: %s\n", c.err);
		abort();
	}
	ctx_init(&c);
	r = feed_nvd_parse_buf(&c, data, size, w, &records);
	if (r == 0)
		FUZZ_ASSERT(records >= 0);
	else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
	bundle_writer_free(w);
	if (rmdir(dir) != 0) {
		perror("fuzz: rmdir");
		abort();
	}
	ctx_init(&c);
	r2 = feed_nvd_parse_buf(&c, data, size, NULL, &again);
	FUZZ_ASSERT(r2 == r);
	if (r == 0)
		FUZZ_ASSERT(again == records);
	return 0;
}
