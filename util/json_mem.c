/* jansson's allocator: the thread's arena inside a request, malloc outside (json_mem.h). */
#include "json_mem.h"

#include <stdint.h>
#include <stdlib.h>

/* Before each block: where it came from. 16 bytes, so the block keeps malloc's alignment. */
typedef struct header {
	size_t from_arena;
	size_t pad;
} header;

static _Thread_local arena *current;
static int installed;

static void *mem_malloc(size_t n)
{
	arena *a = current;
	if (n > SIZE_MAX / 2) /* no wrap-around in the sizes below */
		return NULL;
	header *h = a ? arena_alloc(a, sizeof *h + n) : malloc(sizeof *h + n);
	if (!h)
		return NULL;
	h->from_arena = a != NULL;
	return h + 1;
}

static void mem_free(void *p)
{
	if (!p)
		return;
	header *h = (header *)p - 1;
	if (!h->from_arena)
		free(h);
}

void json_mem_install(void)
{
	json_set_alloc_funcs(mem_malloc, mem_free);
	installed = 1;
}

void json_mem_use(arena *a)
{
	current = a;
}

void json_mem_free(void *p)
{
	if (installed)
		mem_free(p);
	else
		free(p);
}

char *json_mem_dumps(arena *a, const json_t *v, size_t flags)
{
	char *text = json_dumps(v, flags);
	char *out = text ? arena_strdup(a, text) : NULL;
	json_mem_free(text);
	return out;
}
