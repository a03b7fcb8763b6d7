/*
 * release.h - the one place that knows distribution release names.
 *
 * Namespaces in the bundle name releases by version ("debian:12",
 * "ubuntu:22.04"); feeds that use codenames (the Debian and Ubuntu trackers)
 * and images whose os-release lacks a version map through these tables. A
 * codename missing here is an error for the feed (fail closed: add the row),
 * never a silently dropped release. Strings returned are static.
 */
#ifndef AIRLOCK_RELEASE_H
#define AIRLOCK_RELEASE_H

/* "bookworm" -> "12", "sid" -> "sid"; NULL when unknown. */
const char *release_debian_version(const char *codename);
/* "12" or "12.4" -> "bookworm"; NULL when unknown. */
const char *release_debian_codename(const char *version);
/* "jammy" -> "22.04"; NULL when unknown. */
const char *release_ubuntu_version(const char *codename);
/* "22.04" -> "jammy"; NULL when unknown. */
const char *release_ubuntu_codename(const char *version);

#endif
