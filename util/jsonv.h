/* Reading fields out of a jansson object with validation: each helper records what is wrong in the
 * vctx (with the field's path) and returns a safe value, so a parser can read every field and
 * report every mistake at once. Strings returned are copies in the vctx's arena. */
#ifndef SCHWANN_JSONV_H
#define SCHWANN_JSONV_H

#include <jansson.h>

#include "verr.h"

enum { JV_OPTIONAL = 0, JV_REQUIRED = 1 };

/* 0 when the JSON text nests arrays and objects at most max deep (brackets inside strings do
 * not count). Checked before parsing: jansson's recursive parser would otherwise overflow a
 * worker thread's stack on a few kilobytes of "[[[[". */
int jv_depth_ok(const char *text, size_t len, int max);

/* Records every key of obj not in allowed (a NULL-terminated list) as "unknown field". */
void jv_no_unknown(vctx *v, json_t *obj, const char *prefix, const char *const *allowed);
/* A string of 1..maxlen characters (after trimming nothing: the caller's text is kept as sent).
 * Absent, null or blank (only white space): records an error when required, returns NULL. present
 * is set to 1 when the key exists at all (null included), so PATCH can tell "clear it" from "leave
 * it". */
const char *jv_string(vctx *v, json_t *obj, const char *prefix, const char *key, size_t maxlen,
                      int required, int *present);
/* One of the NULL-terminated choices; the message lists them. */
const char *jv_enum(vctx *v, json_t *obj, const char *prefix, const char *key,
                    const char *const *choices, int required, int *present);
/* true/false; absent leaves *out as it is. Returns 1 when the key was present. */
int jv_bool(vctx *v, json_t *obj, const char *prefix, const char *key, int *out);

#endif
