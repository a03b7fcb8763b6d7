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
	  "scan [--bundle NAME.db.zst | --db-dir DIR] [-p KEY.pub | --keys DIR] [--revoked FILE]\n"
	  "       [--allow-expired] [--allow-downgrade] [--image REF] [--policy FILE.yaml]\n"
	  "       [--verdict FILE.yaml] [-f FORMAT [-o FILE]]... IMAGE.tar|-|OCI-DIR",
	  "scan an image tarball against the imported (or a given) verified bundle" },
	{ "packages", cmd_packages, "packages [-f table|json|cyclonedx] [-o FILE] [--image REF] [--fast] "
	  "IMAGE.tar|-|OCI-DIR",
	  "print an image's OS and installed packages" },
	{ "verify", cmd_verify, "verify [-p KEY.pub | --keys DIR] [--revoked FILE] [-q] NAME.db.zst",
	  "check a bundle's signature and freshness" },
	{ "db", cmd_db,
	  "db import [--db-dir DIR] [-p KEY.pub | --keys DIR] [--revoked FILE]\n"
	  "       [--allow-downgrade] [-q] NAME.db.zst\n"
	  "   or: airlock db status [--db-dir DIR] [-p KEY.pub | --keys DIR] [--revoked FILE] [-q]",
	  "import a bundle into the database directory, or show what is installed" },
	{ "vercmp", cmd_vercmp, "vercmp deb|rpm|apk A B | vercmp deb|rpm|apk -",
	  "compare two versions with the package manager's ordering" },
	{ 0 },
};

int
main(int argc, char **argv)
{
	return cli_main("airlock", commands, argc, argv);
}
