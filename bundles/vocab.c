/*
 * vocab.c - the words the bundle's schema allows in its text columns, in one
 * place for the writer (airlock-feed: a parser bug is refused before SQLite's
 * CHECK) and the reader (airlock: a row with another word is E_FORMAT).
 */
#include "config.h"

#include <string.h>

#include "bundles/bundle_private.h"

const char *const bundle_states[] = {
	"fixed", "unfixed", "wont-fix", "unknown", "not-affected", NULL
};
const char *const bundle_severities[] = {
	"critical", "high", "medium", "low", "negligible", "unknown", NULL
};
const char *const bundle_name_kinds[] = { "source", "binary", NULL };
const char *const bundle_cvss_versions[] = { "2.0", "3.0", "3.1", "4.0", NULL };
const char *const bundle_oval_ecosystems[] = { "rpm", "deb", NULL };
const char *const bundle_oval_classes[] = {
	"patch", "vulnerability", "miscellaneous", "compliance", NULL
};
const char *const bundle_oval_kinds[] = {
	"pkg", "module", "platform", "unsupported", NULL
};
const char *const bundle_oval_checks[] = {
	"at least one", "all", "only one", "none satisfy", NULL
};
const char *const bundle_oval_existences[] = {
	"at_least_one_exists", "any_exist", "all_exist", "none_exist", "only_one_exists",
	NULL
};
const char *const bundle_oval_cmp_ops[] = {
	"less than", "less than or equal", "equals", "not equal", "greater than",
	"greater than or equal", NULL
};
const char *const bundle_oval_version_ops[] = {
	"less than", "less than or equal", "equals", "not equal", "greater than",
	"greater than or equal", "pattern match", NULL
};
const char *const bundle_oval_arch_ops[] = { "equals", "pattern match", NULL };
const char *const bundle_oval_flavours[] = { "ksplice", "fips", NULL };

int
bundle_in_list(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}
