/* Validation context: collects every error with its JSON path and keeps going, so a client learns
 * all of its mistakes at once. Messages live in the context's arena. */
#ifndef SCHWANN_VERR_H
#define SCHWANN_VERR_H

#include "arena.h"

typedef struct verr {
	const char *path;    /* JSON pointer-ish path, e.g. "address.postal_code" */
	const char *message; /* what is wrong, in words a person can act on */
} verr;

typedef struct vctx {
	arena *a;
	verr *items;
	int n;
	int cap;
} vctx;

void vctx_init(vctx *v, arena *a);
void v_add(vctx *v, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 1 when an error is already recorded at path (so a rule across fields need not add a second). */
int v_has(const vctx *v, const char *path);
/* Joins a prefix and a key into a path ("address" + "city" -> "address.city"). */
const char *v_path(vctx *v, const char *prefix, const char *key);

#endif
