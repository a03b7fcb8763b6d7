/*
 * version.h - version ordering exactly as each package manager orders them.
 *
 * version_cmp() sets *res to -1, 0 or 1 and returns 0, or returns E_FORMAT
 * when a version is not valid for its ecosystem (then the package is "not
 * assessed", never guessed), E_LIMIT when a version is longer than the
 * ecosystem's limit (E_INTERNAL for an unknown eco). *res is 0 on failure.
 * Nothing is allocated; no context is needed because nothing can fail except
 * the inputs (callers name the package and version in their own message;
 * version_check() gives the reason).
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
/* The reference tool whose ordering eco follows: "dpkg", "rpm", "apk" (static). */
const char *version_eco_tool(enum version_eco eco);
int version_cmp(enum version_eco eco, const char *a, const char *b, int *res);
/*
 * 0, E_FORMAT or E_LIMIT as version_cmp() would answer for v. *why (when not
 * NULL) gets a static lowercase reason for an error (or, for deb, dpkg's
 * warning about a valid version), else NULL.
 */
int version_check(enum version_eco eco, const char *v, const char **why);
/* The longest version any ecosystem accepts, in bytes. */
#define VERSION_MAX_LEN 256

/*
 * dpkg's ordering (dpkg --compare-versions), as in lib/dpkg/version.c semantics.
 *
 * A version dpkg rejects with an error ("1:", "a:1", "1.0-", "-1:2", "1 0",
 * epoch > INT_MAX, ...) is E_FORMAT; one dpkg only warns about ("a1", "1_0")
 * is valid and ordered as dpkg orders it. Differences from the dpkg CLI, on
 * purpose: "" and "<unknown>", which dpkg --compare-versions treats as "no
 * version" (lower than any version), are E_FORMAT; a version longer than
 * VERSION_DEB_MAX_LEN bytes (blanks included) is E_LIMIT and no byte past the
 * limit is read. Bytes >= 0x80 order as dpkg on amd64 orders them (signed char).
 */
#define VERSION_DEB_MAX_LEN 256

int version_deb_cmp(const char *a, const char *b, int *res);
/* 1 when version_deb_cmp() accepts v, else 0. */
int version_deb_valid(const char *v);
/*
 * 0, E_FORMAT or E_LIMIT as version_deb_cmp() would for v. *why (when not
 * NULL) gets a static lowercase reason: dpkg's words for an error, or for a
 * version that is valid but that dpkg warns about; NULL for a clean version.
 */
int version_deb_check(const char *v, const char **why);

/*
 * rpm's ordering of [epoch:]version[-release] strings: rpm.vercmp() of rpm's
 * Lua interface (rpmverCmp(), rpmvercmp() per part; rpm 4.18), as in
 * `rpm --eval '%{lua: print(rpm.vercmp("A", "B"))}'`.
 *
 * rpm accepts every non-empty string and so do we: "" is E_FORMAT, a version
 * longer than VERSION_RPM_MAX_LEN bytes is E_LIMIT and no byte past the limit
 * is read. Nothing is trimmed. A missing epoch is 0; a missing release orders
 * below any release, even an empty one (1.0 < 1.0- < 1.0-0).
 */
#define VERSION_RPM_MAX_LEN 256

int version_rpm_cmp(const char *a, const char *b, int *res);
/* 1 when version_rpm_cmp() accepts v, else 0. */
int version_rpm_valid(const char *v);
/* 0, E_FORMAT or E_LIMIT as version_rpm_cmp() would for v; *why as above. */
int version_rpm_check(const char *v, const char **why);

/*
 * apk-tools' ordering (apk_version_compare() of apk-tools 3, `apk version
 * -t A B`): number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}.
 *
 * A version apk-tools does not validate ("1.0-1", "1.0_foo", "1.0b2", "")
 * is E_FORMAT: apk still answers for some of those, we never do. A version
 * longer than VERSION_APK_MAX_LEN bytes, or holding a number above 2^64 - 1
 * (which apk reads modulo 2^64), is E_LIMIT; no byte past the limit is read.
 */
#define VERSION_APK_MAX_LEN 256

int version_apk_cmp(const char *a, const char *b, int *res);
/* 1 when version_apk_cmp() accepts v, else 0. */
int version_apk_valid(const char *v);
/* 0, E_FORMAT or E_LIMIT as version_apk_cmp() would for v; *why: the reason. */
int version_apk_check(const char *v, const char **why);

#endif
