/* Fast serializer of jansson trees: the same bytes as json_dumps(v, JSON_COMPACT |
 * JSON_REAL_PRECISION(12)) of jansson 2.14, written into one growing buffer instead of jansson's
 * callback per fragment. */
#ifndef SCHWANN_JSONW_H
#define SCHWANN_JSONW_H

#include <jansson.h>
#include <stddef.h>

/* Containers nested deeper than this are refused (jansson has no such limit; the server's trees are
 * a few levels deep). It also turns a cyclic tree, which jansson refuses, into a failure. */
#define JSONW_MAX_DEPTH 64

/* Returns v as compact JSON text, NUL-terminated, in memory the caller owns and releases with
 * free(); its length (without the NUL) goes to *len when len is not NULL. Returns NULL where
 * json_dumps would (v NULL or not an object or array, a string that is not valid UTF-8, a cycle),
 * when nesting passes JSONW_MAX_DEPTH, and when memory runs out. The tree is only read. */
char *jsonw_dumps(const json_t *v, size_t *len) __attribute__((warn_unused_result));

#endif
