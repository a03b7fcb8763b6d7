/*
 * feed.c - the table of feed sources: one line per feeds/<name>.c, and what
 * the XML parsers share.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "feeds/feed.h"

/* NULL-terminated, in the order `airlock-feed sources` lists them. */
const struct feed_source *const feed_sources[] = {
	&feed_debian,
	&feed_ubuntu,
	&feed_alpine,
	&feed_amazon,
	&feed_nvd,
	&feed_rhel_oval,
	&feed_oracle_oval,
	&feed_suse_oval,
	&feed_ubuntu_oval,
	&feed_debian_oval,
	NULL
};

const struct feed_source *
feed_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; feed_sources[i] != NULL; i++)
		if (strcmp(feed_sources[i]->name, name) == 0)
			return feed_sources[i];
	return NULL;
}

void
feed_xml_message(const char *message, char *out, size_t outlen)
{
	size_t n;

	snprintf(out, outlen, "%s", message != NULL ? message : "malformed xml");
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '.'))
		out[--n] = '\0';
}
