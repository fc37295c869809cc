/* Growable byte buffer with a hard maximum (curl's dynbuf): for anything whose size comes from
 * outside. The buffer owns its memory; strbuf_free releases it. Appends past the cap fail with -1
 * and leave the content as it was. The content is always NUL-terminated. */
#ifndef SCHWANN_STRBUF_H
#define SCHWANN_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
} strbuf;

void strbuf_init(strbuf *s, size_t max);
int strbuf_append(strbuf *s, const void *data, size_t n) __attribute__((warn_unused_result));
int strbuf_puts(strbuf *s, const char *str) __attribute__((warn_unused_result));
int strbuf_printf(strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)))
__attribute__((warn_unused_result));
void strbuf_reset(strbuf *s);
void strbuf_free(strbuf *s);

#endif
