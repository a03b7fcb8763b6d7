/* table.c - the human-readable report: aligned columns, states kept apart. */
#include "config.h"

#include <string.h>

#include "base/sb.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"

#define COL_MAX 48	/* widest column before values are allowed to overflow it */

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Text from the image or the feeds, made safe for a terminal: control bytes
 * (escape sequences) become '?'. */
static void
add_text(struct sb *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		sb_addc(out, (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p);
}

static void
os_line(const struct report *r, struct sb *out)
{
	const struct osinfo *os = r->os;

	sb_adds(out, "Image:   ");
	add_text(out, r->image_path);
	if (r->img->tags && r->img->tags[0]) {
		sb_adds(out, " (");
		add_text(out, r->img->tags[0]);
		sb_addc(out, ')');
	}
	sb_adds(out, "\nOS:      ");
	add_text(out, os->pretty_name ? os->pretty_name :
	    os->id ? os->id : "unknown (no os-release)");
	sb_addc(out, '\n');
}

static void
pad(struct sb *out, const char *s, size_t width)
{
	size_t n = strlen(s);

	add_text(out, s);
	while (n++ < width)
		sb_addc(out, ' ');
}

static size_t
widen(size_t w, const char *s)
{
	size_t n = strlen(or_dash(s));

	return n > w && n <= COL_MAX ? n : w;
}

void
report_table_packages(const struct report *r, struct sb *out)
{
	size_t i, wn = 4, wv = 7, wa = 4;

	os_line(r, out);
	sb_addf(out, "Packages: %zu\n\n", r->pkgs->n);
	for (i = 0; i < r->pkgs->n; i++) {
		wn = widen(wn, r->pkgs->v[i].name);
		wv = widen(wv, r->pkgs->v[i].version);
		wa = widen(wa, r->pkgs->v[i].arch);
	}
	pad(out, "NAME", wn + 2); pad(out, "VERSION", wv + 2); pad(out, "ARCH", wa + 2);
	sb_adds(out, "SOURCE\n");
	for (i = 0; i < r->pkgs->n; i++) {
		const struct pkg *p = &r->pkgs->v[i];

		pad(out, p->name, wn + 2);
		pad(out, p->version, wv + 2);
		pad(out, or_dash(p->arch), wa + 2);
		add_text(out, p->source_name);
		if (strcmp(p->source_version, p->version) != 0) {
			sb_adds(out, " (");
			add_text(out, p->source_version);
			sb_addc(out, ')');
		}
		sb_addc(out, '\n');
	}
}

static const char *
severity_colour(const char *sev)
{
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return "\033[31m";
	if (strcmp(sev, "medium") == 0)
		return "\033[33m";
	return "";
}

void
report_table_scan(const struct report *r, struct sb *out)
{
	static const char *const states[] = { "fixed", "unfixed", "wont-fix", "unknown" };
	static const char *const titles[] = {
		"Vulnerable, fix available (fixed)",
		"Vulnerable, no fix yet (unfixed)",
		"Vendor will not fix (wont-fix)",
		"Vendor has not determined (unknown)",
	};
	const struct match_result *m = r->match;
	char created[32];
	size_t i, j, wv = 13, wp = 7, wi = 9, wf = 5, n, counts[4] = { 0 };
	int64_t age = (r->now - r->meta->created) / 86400;

	os_line(r, out);
	report_iso8601(r->meta->created, created);
	sb_addf(out, "Bundle:  %s (serial %llu, created %s, %lld day%s old, key %s)\n",
	    r->bundle_path, (unsigned long long)r->meta->serial, created, (long long)age,
	    age == 1 ? "" : "s", r->meta->keyid);
	if (r->meta->expired)
		sb_adds(out, "WARNING: the bundle has EXPIRED; scanned with --allow-expired\n");
	if (r->meta->downgrade)
		sb_addf(out, "WARNING: the bundle (serial %llu) is OLDER than the installed serial "
		    "%llu; accepted with --allow-downgrade\n", (unsigned long long)r->meta->serial,
		    (unsigned long long)r->meta->downgraded_from);
	if (m->coverage && strcmp(m->coverage, "fixes-only") == 0)
	{
		sb_adds(out, "Note:    the feeds for ");
		add_text(out, m->namespace);
		sb_adds(out, " list fixed vulnerabilities only; unfixed ones are not known "
		    "to them\n");
	}
	for (i = 0; i < m->nfindings; i++) {
		wv = widen(wv, m->findings[i].vuln_id);
		wp = widen(wp, m->findings[i].package);
		wi = widen(wi, m->findings[i].installed_version);
		wf = widen(wf, m->findings[i].fixed_version);
	}
	for (j = 0; j < 4; j++) {
		for (i = n = 0; i < m->nfindings; i++)
			n += strcmp(m->findings[i].status, states[j]) == 0;
		counts[j] = n;
		if (n == 0)
			continue;
		sb_addf(out, "\n%s: %zu\n", titles[j], n);
		pad(out, "SEVERITY", 12); pad(out, "VULNERABILITY", wv + 2);
		pad(out, "PACKAGE", wp + 2); pad(out, "INSTALLED", wi + 2);
		pad(out, "FIXED", wf + 2); sb_adds(out, "SOURCE / RECORD / NOTE\n");
		for (i = 0; i < m->nfindings; i++) {
			const struct finding *f = &m->findings[i];

			if (strcmp(f->status, states[j]) != 0)
				continue;
			if (r->color && *severity_colour(f->severity)) {
				sb_adds(out, severity_colour(f->severity));
				pad(out, f->severity, 10);
				sb_adds(out, "\033[0m  ");
			} else
				pad(out, f->severity, 12);
			pad(out, f->vuln_id, wv + 2);
			pad(out, f->package, wp + 2);
			pad(out, f->installed_version, wi + 2);
			pad(out, or_dash(f->fixed_version), wf + 2);
			add_text(out, f->source);
			sb_addc(out, ' ');
			add_text(out, f->source_package);
			/* the advisory that says so, when it is not the vulnerability */
			if (f->record && strcmp(f->record, f->vuln_id) != 0) {
				sb_addc(out, ' ');
				add_text(out, f->record);
			}
			if (f->vendor_severity) {
				sb_adds(out, " [");
				add_text(out, f->vendor_severity);
				sb_addc(out, ']');
			}
			if (f->note) {
				sb_adds(out, " (");
				add_text(out, f->note);
				sb_addc(out, ')');
			}
			sb_addc(out, '\n');
		}
	}
	if (m->nnot_assessed > 0) {
		sb_addf(out, "\nNot assessed: %zu\n", m->nnot_assessed);
		for (i = 0; i < m->nnot_assessed; i++) {
			const struct not_assessed *na = &m->not_assessed[i];

			sb_addf(out, "  %s ", na->kind);
			add_text(out, or_dash(na->name));
			if (na->version) {
				sb_addc(out, ' ');
				add_text(out, na->version);
			}
			sb_adds(out, ": ");
			add_text(out, na->reason);
			sb_addc(out, '\n');
		}
	}
	sb_addf(out, "\n%zu packages, %zu findings (%zu fixed, %zu unfixed, %zu wont-fix, "
	    "%zu unknown), %zu not assessed: %s\n", m->npackages, m->nfindings, counts[0],
	    counts[1], counts[2], counts[3], m->nnot_assessed,
	    report_verdict_name(report_verdict(r)));
}
