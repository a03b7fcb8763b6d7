/*
 * airlock - the isolated side: verify signed bundles, scan image tarballs.
 *
 * This binary links no signing code, no feed parser and no network code.
 */
#include "config.h"

#include "base/cli.h"
#include "cmd/cmd.h"

static const struct cmd commands[] = {
	{ "scan", cmd_scan,
	  "scan --bundle NAME.db.zst (-p KEY.pub | --keys DIR) [-f FORMAT [-o FILE]]... IMAGE.tar",
	  "scan an image tarball against a verified bundle" },
	{ "packages", cmd_packages, "packages [-f table|json] [-o FILE] IMAGE.tar",
	  "print an image's OS and installed packages" },
	{ "verify", cmd_verify, "verify (-p KEY.pub | --keys DIR) [-q] NAME.db.zst",
	  "check a bundle's signature and freshness" },
	{ "vercmp", cmd_vercmp, "vercmp deb A B | vercmp deb -",
	  "compare two versions with the package manager's ordering" },
	{ 0 },
};

int
main(int argc, char **argv)
{
	return cli_main("airlock", commands, argc, argv);
}
