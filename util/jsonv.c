/* Validating field readers over jansson objects. */
#include "jsonv.h"

#include <string.h>

#include "strbuf.h"

int jv_depth_ok(const char *text, size_t len, int max)
{
	int depth = 0, in_string = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return -1;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

void jv_no_unknown(vctx *v, json_t *obj, const char *prefix, const char *const *allowed)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0) {
				ok = 1;
				break;
			}
		if (!ok)
			v_add(v, v_path(v, prefix, key), "unknown field");
	}
}

static json_t *lookup(json_t *obj, const char *key, int *present)
{
	json_t *val = json_object_get(obj, key);
	if (present)
		*present = val != NULL;
	return val;
}

/* Counts UTF-8 code points; jansson has already rejected invalid UTF-8. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

const char *jv_string(vctx *v, json_t *obj, const char *prefix, const char *key, size_t maxlen,
                      int required, int *present)
{
	json_t *val = lookup(obj, key, present);
	if (!val || json_is_null(val)) {
		if (required)
			v_add(v, v_path(v, prefix, key), "is required");
		return NULL;
	}
	if (!json_is_string(val)) {
		v_add(v, v_path(v, prefix, key), "must be a string");
		return NULL;
	}
	const char *s = json_string_value(val);
	if (json_string_length(val) != strlen(s)) {
		v_add(v, v_path(v, prefix, key), "must not contain NUL characters");
		return NULL;
	}
	const char *p = s;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '\0') {
		/* Blank optional text is no text: it is stored as null, not as "". */
		if (required)
			v_add(v, v_path(v, prefix, key),
			      *s ? "must not be blank" : "must not be empty");
		return NULL;
	}
	if (utf8_len(s) > maxlen) {
		v_add(v, v_path(v, prefix, key), "must be at most %zu characters", maxlen);
		return NULL;
	}
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t') {
			v_add(v, v_path(v, prefix, key), "must not contain control characters");
			return NULL;
		}
	return arena_strdup(v->a, s);
}

const char *jv_enum(vctx *v, json_t *obj, const char *prefix, const char *key,
                    const char *const *choices, int required, int *present)
{
	json_t *val = lookup(obj, key, present);
	if (!val || json_is_null(val)) {
		if (required)
			v_add(v, v_path(v, prefix, key), "is required");
		return NULL;
	}
	const char *s = json_is_string(val) ? json_string_value(val) : NULL;
	for (const char *const *c = choices; s && *c; c++)
		if (strcmp(*c, s) == 0)
			return *c;
	strbuf list;
	strbuf_init(&list, 1024);
	for (const char *const *c = choices; *c; c++)
		if (strbuf_printf(&list, "%s%s", c == choices ? "" : ", ", *c))
			break;
	v_add(v, v_path(v, prefix, key), "must be one of: %s", list.buf ? list.buf : "");
	strbuf_free(&list);
	return NULL;
}

int jv_bool(vctx *v, json_t *obj, const char *prefix, const char *key, int *out)
{
	json_t *val = json_object_get(obj, key);
	if (!val)
		return 0;
	if (!json_is_boolean(val)) {
		v_add(v, v_path(v, prefix, key), "must be true or false");
		return 1;
	}
	*out = json_is_true(val);
	return 1;
}
