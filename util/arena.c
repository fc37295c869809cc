/* Per-request arena allocator: a list of chunks, bump allocation, freed all at once. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16

struct arena_chunk {
	arena_chunk *next;
	size_t size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

static arena_chunk *chunk_new(size_t size, arena_chunk *next)
{
	arena_chunk *c = malloc(sizeof(*c) + size);
	if (!c) {
		fputs("schwann: out of memory\n", stderr);
		abort();
	}
	c->next = next;
	c->size = size;
	return c;
}

void arena_init(arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (!a->head || a->used + need > a->head->size) {
		if (need > ARENA_CHUNK / 4) {
			/* A big block gets a chunk of its own behind the head, so the head's free
			 * space is not wasted. */
			arena_chunk *big = chunk_new(need, NULL);
			if (a->head) {
				big->next = a->head->next;
				a->head->next = big;
			} else {
				a->head = big;
				a->used = need;
			}
			a->total += need;
			return big->data;
		}
		a->head = chunk_new(ARENA_CHUNK, a->head);
		a->used = 0;
	}
	void *p = a->head->data + a->used;
	a->used += need;
	a->total += need;
	return p;
}

void *arena_zalloc(arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_clear(arena *a)
{
	arena_chunk *keep = NULL;
	for (arena_chunk *c = a->head; c;) {
		arena_chunk *next = c->next;
		if (!keep && c->size == ARENA_CHUNK)
			keep = c;
		else
			free(c);
		c = next;
	}
	if (keep)
		keep->next = NULL;
	a->head = keep;
	a->used = 0;
	a->total = 0;
}

void arena_free(arena *a)
{
	for (arena_chunk *c = a->head; c;) {
		arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena_init(a);
}
