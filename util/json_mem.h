/* jansson's memory. Inside a request every jansson allocation (the request's body, the response
 * tree) comes from the request's arena: building a page of 50 patients took some 3,500 mallocs and
 * as many frees, a quarter of the search's CPU. json_mem_use(a) makes this thread's allocations
 * come from a (NULL: from malloc again); a free of arena memory does nothing, the arena goes at
 * once with the request. Every block has a header saying which it is, so a tree may be freed on
 * any thread. Text from json_dumps is freed with json_mem_free, never free(); json_mem_dumps
 * gives it in an arena instead. */
#ifndef SCHWANN_JSON_MEM_H
#define SCHWANN_JSON_MEM_H

#include <jansson.h>

#include "arena.h"

/* Installs the allocator (json_set_alloc_funcs): once, before any other jansson call. */
void json_mem_install(void);
void json_mem_use(arena *a);
void json_mem_free(void *p);
/* json_dumps(v, flags) copied into a; NULL when jansson gives nothing. */
char *json_mem_dumps(arena *a, const json_t *v, size_t flags);

#endif
