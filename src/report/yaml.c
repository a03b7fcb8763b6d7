/*
 * yaml.c - the JSON scan report (doc/airlock-json.7) as one YAML document.
 *
 * The content is the JSON report's, by construction: the JSON text is rendered
 * first and streamed through yajl's callbacks into libyaml's emitter, one event
 * per JSON token, so keys, order and values are the same and every key added to
 * the JSON contract appears here too. Scalars: null, true, false and numbers are
 * plain; a string is plain only when a YAML 1.1 reader cannot take it for
 * anything but a string (it starts with a letter and is not a boolean or null
 * word), otherwise libyaml quotes it (single, or double with escapes for
 * control characters). No line folding: long values stay on one line.
 *
 * Neither library can fail on this input short of running out of memory or a
 * bug (the JSON writer emits valid UTF-8 and well-formed JSON); like xmalloc(),
 * such a failure prints one line and aborts instead of returning half a report.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yaml.h>

#include "base/sb.h"
#include "report/report.h"

struct yemit {
	yaml_emitter_t em;
};

static void
die(const char *what, const char *problem)
{
	fprintf(stderr, "%s: yaml report: %s: %s\n", PACKAGE_NAME, what,
	    problem ? problem : "failed");
	abort();
}

static int
emit(struct yemit *y, yaml_event_t *ev)
{
	/* the emitter takes the event, also when it fails */
	if (!yaml_emitter_emit(&y->em, ev))
		die("emitter", y->em.problem);
	return 1;
}

/* A YAML 1.1 reader takes a plain s[0..len) for a string. */
static int
plain_is_string(const unsigned char *s, size_t len)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
	};
	size_t i;

	if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return 0;
	return 1;
}

static int
scalar(struct yemit *y, const unsigned char *s, size_t len, int plain_implicit)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len,
	    plain_implicit, 1, YAML_ANY_SCALAR_STYLE))
		die("scalar", "not UTF-8 or out of memory");
	return emit(y, &ev);
}

static int
on_null(void *ctx)
{
	return scalar(ctx, (const unsigned char *)"null", 4, 1);
}

static int
on_boolean(void *ctx, int v)
{
	return v ? scalar(ctx, (const unsigned char *)"true", 4, 1) :
	    scalar(ctx, (const unsigned char *)"false", 5, 1);
}

static int
on_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, (const unsigned char *)s, len, 1);
}

static int
on_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, s, len, plain_is_string(s, len));
}

static int
on_start_map(void *ctx)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	return emit(ctx, &ev);
}

static int
on_end_map(void *ctx)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	return emit(ctx, &ev);
}

static int
on_start_array(void *ctx)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	return emit(ctx, &ev);
}

static int
on_end_array(void *ctx)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	return emit(ctx, &ev);
}

static int
write_sb(void *data, unsigned char *buf, size_t len)
{
	sb_add(data, (const char *)buf, len);
	return 1;
}

/* Re-emits the JSON document json[0..len) as YAML, appended to out. */
static void
json_to_yaml(const char *json, size_t len, struct sb *out)
{
	static const yajl_callbacks cb = {
		on_null, on_boolean, NULL, NULL, on_number, on_string,
		on_start_map, on_string, on_end_map, on_start_array, on_end_array,
	};
	struct yemit y;
	yaml_event_t ev;
	yajl_handle h;

	if (!yaml_emitter_initialize(&y.em))
		die("emitter", "out of memory");
	yaml_emitter_set_output(&y.em, write_sb, out);
	yaml_emitter_set_encoding(&y.em, YAML_UTF8_ENCODING);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_indent(&y.em, 2);
	yaml_emitter_set_width(&y.em, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&y, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0);
	emit(&y, &ev);

	if ((h = yajl_alloc(&cb, NULL, &y)) == NULL)
		die("json", "out of memory");
	if (yajl_parse(h, (const unsigned char *)json, len) != yajl_status_ok ||
	    yajl_complete_parse(h) != yajl_status_ok)
		die("json", "the JSON report does not parse");
	yajl_free(h);

	yaml_document_end_event_initialize(&ev, 1);
	emit(&y, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(&y, &ev);
	if (!yaml_emitter_flush(&y.em))
		die("emitter", y.em.problem);
	yaml_emitter_delete(&y.em);
}

void
report_yaml_scan(const struct report *r, struct sb *out)
{
	struct sb json = SB_INIT;

	report_json_scan(r, &json);
	json_to_yaml(sb_str(&json), json.len, out);
	sb_free(&json);
}
