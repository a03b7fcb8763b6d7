/* info.c - `airlock-feed info` and `airlock-feed sources`. */
#include "config.h"

#include <stdio.h>

#include "base/ctx.h"
#include "feedcmd/feedcmd.h"
#include "feeds/feed.h"

int
feedcmd_sources(struct ctx *c, int argc, char **argv)
{
	size_t i;

	(void)c; (void)argc; (void)argv;
	for (i = 0; feed_sources[i]; i++)
		printf("%-12s %s (parser %s)\n", feed_sources[i]->name, feed_sources[i]->format,
		    feed_sources[i]->parser_version);
	return 0;
}

int
feedcmd_info(struct ctx *c, int argc, char **argv)
{
	(void)argc; (void)argv;
	return ctx_err(c, E_UNSUPPORTED, "info: not implemented yet");
}
