/* version.c - version_cmp(): one entry point, one ordering per ecosystem. */
#include "config.h"

#include <string.h>

#include "base/ctx.h"
#include "version/version.h"

_Static_assert(VERSION_DEB_MAX_LEN <= VERSION_MAX_LEN &&
    VERSION_RPM_MAX_LEN <= VERSION_MAX_LEN && VERSION_APK_MAX_LEN <= VERSION_MAX_LEN,
    "VERSION_MAX_LEN is the longest version of any ecosystem");

int
version_eco_from_name(const char *name)
{
	if (strcmp(name, "deb") == 0)
		return VERSION_DEB;
	if (strcmp(name, "rpm") == 0)
		return VERSION_RPM;
	if (strcmp(name, "apk") == 0)
		return VERSION_APK;
	return -1;
}

const char *
version_eco_tool(enum version_eco eco)
{
	switch (eco) {
	case VERSION_DEB:
		return "dpkg";
	case VERSION_RPM:
		return "rpm";
	case VERSION_APK:
		return "apk";
	}
	return "?";
}

int
version_cmp(enum version_eco eco, const char *a, const char *b, int *res)
{
	*res = 0;
	switch (eco) {
	case VERSION_DEB:
		return version_deb_cmp(a, b, res);
	case VERSION_RPM:
		return version_rpm_cmp(a, b, res);
	case VERSION_APK:
		return version_apk_cmp(a, b, res);
	}
	return E_INTERNAL;
}

int
version_check(enum version_eco eco, const char *v, const char **why)
{
	if (why != NULL)
		*why = NULL;
	switch (eco) {
	case VERSION_DEB:
		return version_deb_check(v, why);
	case VERSION_RPM:
		return version_rpm_check(v, why);
	case VERSION_APK:
		return version_apk_check(v, why);
	}
	return E_INTERNAL;
}
