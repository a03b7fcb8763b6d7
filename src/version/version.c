/* version.c - version_cmp(): one entry point, one ordering per ecosystem. */
#include "config.h"

#include <string.h>

#include "base/ctx.h"
#include "version/version.h"

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

int
version_cmp(enum version_eco eco, const char *a, const char *b, int *res)
{
	*res = 0;
	switch (eco) {
	case VERSION_DEB:
		return version_deb_cmp(a, b, res);
	case VERSION_RPM:
	case VERSION_APK:
		return E_UNSUPPORTED;
	}
	return E_INTERNAL;
}
