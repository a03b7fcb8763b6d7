/* release.c - Debian and Ubuntu codename <-> version tables. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "base/release.h"

struct release {
	const char *codename;
	const char *version;
};

/* Debian: major version only; sid (unstable) has none and keeps its name. */
static const struct release debian[] = {
	{ "squeeze", "6" }, { "wheezy", "7" }, { "jessie", "8" }, { "stretch", "9" },
	{ "buster", "10" }, { "bullseye", "11" }, { "bookworm", "12" }, { "trixie", "13" },
	{ "forky", "14" }, { "duke", "15" }, { "sid", "sid" },
};

static const struct release ubuntu[] = {
	{ "warty", "4.10" }, { "hoary", "5.04" }, { "breezy", "5.10" }, { "dapper", "6.06" },
	{ "edgy", "6.10" }, { "feisty", "7.04" }, { "gutsy", "7.10" }, { "hardy", "8.04" },
	{ "intrepid", "8.10" }, { "jaunty", "9.04" }, { "karmic", "9.10" }, { "lucid", "10.04" },
	{ "maverick", "10.10" }, { "natty", "11.04" }, { "oneiric", "11.10" },
	{ "precise", "12.04" }, { "quantal", "12.10" }, { "raring", "13.04" },
	{ "saucy", "13.10" }, { "trusty", "14.04" }, { "utopic", "14.10" },
	{ "vivid", "15.04" }, { "wily", "15.10" }, { "xenial", "16.04" },
	{ "yakkety", "16.10" }, { "zesty", "17.04" }, { "artful", "17.10" },
	{ "bionic", "18.04" }, { "cosmic", "18.10" }, { "disco", "19.04" },
	{ "eoan", "19.10" }, { "focal", "20.04" }, { "groovy", "20.10" },
	{ "hirsute", "21.04" }, { "impish", "21.10" }, { "jammy", "22.04" },
	{ "kinetic", "22.10" }, { "lunar", "23.04" }, { "mantic", "23.10" },
	{ "noble", "24.04" }, { "oracular", "24.10" }, { "plucky", "25.04" },
	{ "questing", "25.10" }, { "resolute", "26.04" },
};

static const char *
by_codename(const struct release *t, size_t n, const char *codename)
{
	size_t i;

	for (i = 0; codename && i < n; i++)
		if (strcmp(t[i].codename, codename) == 0)
			return t[i].version;
	return NULL;
}

static const char *
by_version(const struct release *t, size_t n, const char *version, int major_only)
{
	size_t i, len;

	if (version == NULL)
		return NULL;
	/* Debian's os-release VERSION_ID is "12"; debian_version may say "12.4" */
	len = major_only ? strcspn(version, ".") : strlen(version);
	for (i = 0; i < n; i++)
		if (strlen(t[i].version) == len && strncmp(t[i].version, version, len) == 0)
			return t[i].codename;
	return NULL;
}

const char *
release_debian_version(const char *codename)
{
	return by_codename(debian, sizeof(debian) / sizeof(debian[0]), codename);
}

const char *
release_debian_codename(const char *version)
{
	return by_version(debian, sizeof(debian) / sizeof(debian[0]), version, 1);
}

const char *
release_ubuntu_version(const char *codename)
{
	return by_codename(ubuntu, sizeof(ubuntu) / sizeof(ubuntu[0]), codename);
}

const char *
release_ubuntu_codename(const char *version)
{
	return by_version(ubuntu, sizeof(ubuntu) / sizeof(ubuntu[0]), version, 0);
}
