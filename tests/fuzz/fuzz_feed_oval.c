/*
 * fuzz_feed_oval.c - the OVAL parser (feed_oval_parse_buf: XML, plain or
 * compressed) as the source the input names: "ubuntu", "debian", "suse" or
 * "oracle" among its first 4096 bytes pick that vendor, anything else is
 * rhel-oval. Written into a real bundle writer (one fresh database per input
 * in a new temporary directory, freed without finishing, which removes it),
 * then once more without a writer, which must give the same result.
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_SNIFF 4096

static const char *
pick_source(const uint8_t *data, size_t size)
{
	static const char *const words[][2] = {
		{ "ubuntu", "ubuntu-oval" }, { "debian", "debian-oval" },
		{ "suse", "suse-oval" }, { "oracle", "oracle-oval" },
	};
	size_t n = size < FUZZ_SNIFF ? size : FUZZ_SNIFF, i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (memmem(data, n, words[i][0], strlen(words[i][0])) != NULL)
			return words[i][1];
	return "rhel-oval";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *source = pick_source(data, size);
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
	    bundle_writer_source_begin(&c, w, source, "fuzz", "1") != 0) {
		fprintf(stderr, "fuzz: bundle writer: %s\n", c.err);
		abort();
	}
	ctx_init(&c);
	r = feed_oval_parse_buf(&c, source, NULL, data, size, w, &records);
	if (r == 0)
		FUZZ_ASSERT(records > 0);	/* zero records is an error */
	else
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0' && records == 0);
	/* what the parser counted is what the writer got */
	if (r == 0)
		FUZZ_ASSERT(bundle_writer_source_end(&c, w, records) == 0);
	bundle_writer_free(w);
	if (rmdir(dir) != 0) {
		perror("fuzz: rmdir");
		abort();
	}
	ctx_init(&c);
	r2 = feed_oval_parse_buf(&c, source, NULL, data, size, NULL, &again);
	FUZZ_ASSERT(r2 == r);
	if (r == 0)
		FUZZ_ASSERT(again == records);
	return 0;
}
