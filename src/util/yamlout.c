/*
 * yamlout.c: a thin layer over libyaml's emitter for the `--format yaml`
 * outputs. Errors are remembered and reported once, at the end.
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/yamlout.h"
#include "util/util.h"

struct yamlout {
	yaml_emitter_t emitter;
	int failed;
};

static void
yamlout_emit(struct yamlout *yo, yaml_event_t *ev)
{
	if (yo->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&yo->emitter, ev))
		yo->failed = 1;
}

struct yamlout *
yamlout_new(FILE *fp)
{
	struct yamlout *yo = xcalloc(1, sizeof *yo);
	yaml_event_t ev;

	if (!yaml_emitter_initialize(&yo->emitter))
		fatalx("yaml_emitter_initialize failed");
	yaml_emitter_set_output_file(&yo->emitter, fp);
	yaml_emitter_set_unicode(&yo->emitter, 1);
	yaml_emitter_set_width(&yo->emitter, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	yamlout_emit(yo, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	yamlout_emit(yo, &ev);
	return yo;
}

void
yamlout_map_begin(struct yamlout *yo)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	yamlout_emit(yo, &ev);
}

void
yamlout_map_end(struct yamlout *yo)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	yamlout_emit(yo, &ev);
}

void
yamlout_seq_begin(struct yamlout *yo)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	yamlout_emit(yo, &ev);
}

void
yamlout_seq_end(struct yamlout *yo)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	yamlout_emit(yo, &ev);
}

/*
 * A plain scalar that a YAML 1.1 reader would take for a boolean, a null or a
 * number ("no", "on", "0x1f") is quoted, so scripts read back the string we wrote.
 */
static int
yamlout_needs_quotes(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "true", "false", "on",
		"off", "null", "~" };

	if (s[0] == '\0' || strchr("0123456789+-.", s[0]) != NULL)
		return 1;
	for (size_t i = 0; i < nitems(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

void
yamlout_scalar(struct yamlout *yo, const char *s)
{
	yaml_event_t ev;

	if (s == NULL)
		s = "";
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
	    yamlout_needs_quotes(s) ? YAML_SINGLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	yamlout_emit(yo, &ev);
}

void
yamlout_text(struct yamlout *yo, const char *s, size_t len)
{
	yaml_event_t ev;

	/* libyaml falls back to a quoted style when a literal block cannot hold s. */
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1,
	    memchr(s, '\n', len) != NULL ? YAML_LITERAL_SCALAR_STYLE
	                                 : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	yamlout_emit(yo, &ev);
}

void
yamlout_pair(struct yamlout *yo, const char *key, const char *value)
{
	yamlout_scalar(yo, key);
	yamlout_scalar(yo, value);
}

int
yamlout_finish(struct yamlout *yo)
{
	yaml_event_t ev;
	int rc;

	yaml_document_end_event_initialize(&ev, 1);
	yamlout_emit(yo, &ev);
	yaml_stream_end_event_initialize(&ev);
	yamlout_emit(yo, &ev);
	yaml_emitter_flush(&yo->emitter);
	rc = yo->failed ? -1 : 0;
	yaml_emitter_delete(&yo->emitter);
	free(yo);
	return rc;
}
