/*
 * report_private.h - what the renderers of src/report/ share; not for other
 * modules (include report.h instead).
 *
 * Ownership: everything here appends to a caller-owned sb or returns borrowed
 * pointers into the struct report it was given.
 */
#ifndef AIRLOCK_REPORT_PRIVATE_H
#define AIRLOCK_REPORT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

struct sb;
struct pkg;
struct report;
struct finding;

/*
 * json.c: a small JSON writer that places commas, newlines and two-space
 * indentation. k is the member name inside an object, NULL inside an array;
 * a NULL string value is written as null. Nesting deeper than JW_DEPTH_MAX is a
 * programming error (abort).
 */
#define JW_DEPTH_MAX 16

struct jw {
	struct sb *out;
	int depth;
	int count[JW_DEPTH_MAX];	/* members written at each depth */
	int after_key;
};

#define JW_INIT(sb) { (sb), 0, { 0 }, 0 }

void jw_obj(struct jw *w, const char *k);
void jw_arr(struct jw *w, const char *k);
void jw_close(struct jw *w, char c);	/* '}' or ']' */
void jw_str(struct jw *w, const char *k, const char *v);
void jw_int(struct jw *w, const char *k, int64_t v);
void jw_bool(struct jw *w, const char *k, int v);

/*
 * cyclonedx.c: the package URL of p (purl-spec type deb, apk or rpm; the
 * namespace and the distro qualifier come from the image's os-release):
 * "pkg:deb/debian/libsope1@5.0.1-2?arch=amd64&distro=debian-11". Every part is
 * percent-encoded except [A-Za-z0-9.-_~].
 */
void report_purl(const struct report *r, const struct pkg *p, struct sb *out);

/*
 * cyclonedx.c: the installed packages a finding is about (same binary name and
 * version; several only for multi-arch copies). Returns how many and the index
 * of the first in r->pkgs (sorted by name, version, arch) in *first.
 */
size_t report_finding_pkgs(const struct report *r, const struct finding *f, size_t *first);

/*
 * junit.c: s as XML/HTML character data, also safe inside a double- or
 * single-quoted attribute value: & < > " ' are escaped; tab, LF and CR become
 * character references when attr is set (attribute-value normalisation would
 * eat them); other C0 controls, DEL, U+FFFE/U+FFFF and bytes that are not UTF-8
 * become U+FFFD. NULL appends nothing.
 */
void report_xml_escape(struct sb *out, const char *s, int attr);

/* junit.c: the length of the valid UTF-8 sequence at p (NUL-terminated), 0 if invalid. */
size_t report_utf8_len(const unsigned char *p);

/*
 * junit.c: the policy's decision on finding i of r->match.
 * With r->eval: its decision, why (one line) and, when waived, the waiver's
 * owner, reason and expiry ("YYYY-MM-DD"). Without (the default policy): every
 * finding fails. Strings are borrowed from r; absent ones are NULL.
 */
struct report_decision {
	const char *decision;	/* "fail", "pass" or "waived" */
	const char *why;
	const char *owner, *reason, *expires;
};

void report_decision(const struct report *r, size_t i, struct report_decision *d);

#endif
