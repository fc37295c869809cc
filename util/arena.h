/* Per-request arena: many small allocations, one release. Not thread-safe; one arena per request
 * (h2o's mem pool). Everything returned by arena_* belongs to the arena and dies with arena_clear
 * or arena_free. Allocation failure aborts: a server out of memory cannot answer anyway. */
#ifndef SCHWANN_ARENA_H
#define SCHWANN_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
	arena_chunk *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes handed out since the last clear, for caps and tests */
} arena;

void arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* Frees all but the first chunk, so a reused arena does not go back to malloc each time. */
void arena_clear(arena *a);
void arena_free(arena *a);

#endif
