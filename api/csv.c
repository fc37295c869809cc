/* CSV for the reports (RFC 4180): the definition as "# key: value" lines, a header row, one line
 * per row object. Nested objects (a row's stratum) become columns of their own; the columns are
 * keys in the order first seen: the stratum's, the row's own, then the others. A text that a
 * spreadsheet would run as a formula gets a leading apostrophe. */
#include <string.h>

#include "../util/strbuf.h"
#include "outcomes.h"

static int put_value(strbuf *b, json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_true(v) || json_is_false(v))
		return strbuf_puts(b, json_is_true(v) ? "true" : "false");
	if (json_is_integer(v))
		return strbuf_printf(b, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return strbuf_printf(b, "%.10g", json_real_value(v));
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	int bad = strbuf_puts(b, "\"");
	if (strchr("=+-@", s[0]) && s[0])
		bad |= strbuf_puts(b, "'");
	for (; *s; s++)
		bad |= *s == '"' ? strbuf_puts(b, "\"\"") : strbuf_append(b, s, 1);
	return bad | strbuf_puts(b, "\"");
}

/* The row's value of column key: its own member, or a member of one of its objects. */
static json_t *column(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	if (v && !json_is_object(v))
		return v;
	const char *k;
	json_t *o;
	json_object_foreach(row, k, o)
	{
		if (json_is_object(o) && (v = json_object_get(o, key)))
			return v;
	}
	return NULL;
}

/* Adds row's columns of one pass: 0 the stratum's, 1 the row's own scalars, 2 those of its
 * other objects. */
static void add_columns(json_t *cols, json_t *row, int pass)
{
	const char *k, *k2;
	json_t *v, *v2;
	json_object_foreach(row, k, v)
	{
		int nested = json_is_object(v), stratum = nested && strcmp(k, "stratum") == 0;
		if (!nested && pass == 1 && !json_object_get(cols, k))
			json_object_set_new(cols, k, json_true());
		if (nested && (pass == 0) == stratum && pass != 1)
			json_object_foreach(v, k2, v2)
			{
				if (!json_object_get(cols, k2))
					json_object_set_new(cols, k2, json_true());
			}
	}
}

int outcome_csv(strbuf *b, json_t *definition, json_t *rows)
{
	int bad = 0;
	const char *k;
	json_t *v, *row;
	size_t i;
	json_object_foreach(definition, k, v)
	{
		if (json_is_object(v) || json_is_array(v))
			continue;
		bad |= strbuf_printf(b, "# %s: ", k);
		bad |= json_is_string(v) ? strbuf_puts(b, json_string_value(v)) : put_value(b, v);
		bad |= strbuf_puts(b, "\r\n");
	}
	json_t *cols = json_object(); /* jansson keeps insertion order */
	for (int pass = 0; pass < 3; pass++)
		json_array_foreach(rows, i, row) add_columns(cols, row, pass);
	int first = 1;
	json_object_foreach(cols, k, v)
	{
		bad |= strbuf_printf(b, "%s%s", first ? "" : ",", k);
		first = 0;
	}
	bad |= strbuf_puts(b, "\r\n");
	json_array_foreach(rows, i, row)
	{
		first = 1;
		json_object_foreach(cols, k, v)
		{
			bad |= first ? 0 : strbuf_puts(b, ",");
			bad |= put_value(b, column(row, k));
			first = 0;
		}
		bad |= strbuf_puts(b, "\r\n");
	}
	json_decref(cols);
	return bad ? -1 : 0;
}
