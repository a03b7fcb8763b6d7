/*
 * airlock-feed - the connected side: parse vendor feeds into one database,
 * compress it and sign it as a bundle that crosses the air gap.
 */
#include "config.h"

#include "base/cli.h"
#include "feedcmd/feedcmd.h"

static const struct cmd commands[] = {
	{ "keygen", feedcmd_keygen, "keygen [-f] [-W | --passphrase-fd N] -p KEY.pub -s KEY.sec",
	  "create an Ed25519 key pair in minisign's format" },
	{ "build", feedcmd_build,
	  "build -s KEY.sec -o NAME.db.zst [--serial N] [--expires-in DAYS] "
	  "[--passphrase-fd N] [-q] SOURCE[@ARG]:FILE ...\n"
	  "       airlock-feed build --parse-only [-q] SOURCE[@ARG]:FILE ...",
	  "parse feeds into a signed bundle" },
	{ "sign", feedcmd_sign, "sign -s KEY.sec [--expires-in DAYS] [--passphrase-fd N] NAME.db.zst",
	  "(re)sign an existing bundle" },
	{ "info", feedcmd_info, "info NAME.db.zst", "print a bundle's metadata and manifest" },
	{ "sources", feedcmd_sources, "sources", "list the feed sources and their formats" },
	{ 0 },
};

int
main(int argc, char **argv)
{
	return cli_main("airlock-feed", commands, argc, argv);
}
