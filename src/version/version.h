/*
 * version.h - version ordering exactly as each package manager orders them.
 *
 * version_cmp() sets *res to <0, 0 or >0 and returns 0, or returns E_FORMAT
 * when a version is not valid for its ecosystem (then the package is "not
 * assessed", never guessed). Nothing is allocated.
 */
#ifndef AIRLOCK_VERSION_H
#define AIRLOCK_VERSION_H

enum version_eco {
	VERSION_DEB,
	VERSION_RPM,
	VERSION_APK,
};

/* "deb" / "rpm" / "apk" to enum; -1 when unknown. */
int version_eco_from_name(const char *name);
int version_cmp(enum version_eco eco, const char *a, const char *b, int *res);

/* dpkg's ordering (dpkg --compare-versions), as in lib/dpkg/version.c semantics. */
int version_deb_cmp(const char *a, const char *b, int *res);
int version_deb_valid(const char *v);

#endif
