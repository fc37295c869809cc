/* Validation error collector. */
#include "verr.h"

#include <stdarg.h>
#include <string.h>

void vctx_init(vctx *v, arena *a)
{
	v->a = a;
	v->items = NULL;
	v->n = 0;
	v->cap = 0;
}

void v_add(vctx *v, const char *path, const char *fmt, ...)
{
	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 8;
		verr *items = arena_alloc(v->a, sizeof(verr) * (size_t)cap);
		if (v->n)
			memcpy(items, v->items, sizeof(verr) * (size_t)v->n);
		v->items = items;
		v->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	v->items[v->n].path = arena_strdup(v->a, path);
	v->items[v->n].message = arena_vprintf(v->a, fmt, ap);
	va_end(ap);
	v->n++;
}

const char *v_path(vctx *v, const char *prefix, const char *key)
{
	if (!prefix || !*prefix)
		return arena_strdup(v->a, key);
	return arena_printf(v->a, "%s.%s", prefix, key);
}

int v_has(const vctx *v, const char *path)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->items[i].path, path) == 0)
			return 1;
	return 0;
}
