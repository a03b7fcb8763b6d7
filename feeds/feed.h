/*
 * feed.h - a vendor feed parser (connected side only).
 *
 * Each source is one file feeds/<name>.c exporting one `const struct
 * feed_source`, listed once in feeds/feed.c's table. A parser streams its input
 * file with bounded memory and writes rows through the bundle writer.
 */
#ifndef AIRLOCK_FEED_H
#define AIRLOCK_FEED_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct bundle_writer;

struct feed_source {
	const char *name;		/* command-line name: "debian" */
	const char *format;		/* human description of the input format */
	const char *parser_version;	/* bump when the parser's output changes */
	/*
	 * Parses path (arg is the "@ARG" part of "name@ARG:FILE", or NULL) into rows
	 * of the writer's current source; counts the rows in *records.
	 */
	int (*parse)(struct ctx *c, const char *path, const char *arg,
	    struct bundle_writer *w, int64_t *records);
};

/* Every source, NULL-terminated. feed_find() returns NULL for an unknown name. */
extern const struct feed_source *const feed_sources[];
const struct feed_source *feed_find(const char *name);

/* libxml2's error message (NULL: "malformed xml") into out, without its
 * trailing newline, spaces and full stop: for one-line errors. */
void feed_xml_message(const char *message, char *out, size_t outlen);

/* Per-source exports (one line each). */
extern const struct feed_source feed_debian;
extern const struct feed_source feed_alpine;
extern const struct feed_source feed_ubuntu;
extern const struct feed_source feed_amazon;
extern const struct feed_source feed_nvd;
extern const struct feed_source feed_rhel_oval;
extern const struct feed_source feed_oracle_oval;
extern const struct feed_source feed_suse_oval;
extern const struct feed_source feed_ubuntu_oval;
extern const struct feed_source feed_debian_oval;

/*
 * The Debian tracker parser over bytes in memory (for fuzzers and tests): the
 * same streaming parser the file variant feeds, without recording an input.
 * w may be NULL: rows are then checked and counted but written nowhere.
 */
int feed_debian_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records);

/*
 * The Ubuntu tracker parser over one CVE file in memory (for fuzzers and tests):
 * the parser each file of a directory or tarball goes through. w may be NULL.
 */
int feed_ubuntu_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records);

/*
 * The Alpine secdb parser over bytes in memory (JSON, or YAML when the first
 * non-blank byte is not '{'), for fuzzers and tests; w may be NULL as above.
 */
int feed_alpine_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records);

/*
 * The Amazon ALAS updateinfo.xml parser over bytes in memory (plain or
 * compressed), for fuzzers and tests; release is the @ARG ("1", "2", "2023")
 * naming the namespace; w may be NULL as above.
 */
int feed_amazon_parse_buf(struct ctx *c, const char *release, const uint8_t *buf,
    size_t len, struct bundle_writer *w, int64_t *records);

/*
 * The NVD parser (API 2.0 or 1.1 JSON, uncompressed) over bytes in memory, for
 * fuzzers and tests: enrichment records only; w may be NULL as above.
 */
int feed_nvd_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records);

/*
 * The OVAL parser of source ("rhel-oval", "oracle-oval", "suse-oval",
 * "ubuntu-oval", "debian-oval") over bytes in memory (plain or compressed),
 * for fuzzers and tests; arg is the @ARG (forced release) or NULL; w may be
 * NULL as above.
 */
int feed_oval_parse_buf(struct ctx *c, const char *source, const char *arg,
    const uint8_t *buf, size_t len, struct bundle_writer *w, int64_t *records);

#endif
