/* Size-capped growable buffer. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *s, size_t max)
{
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
	s->max = max;
}

static int grow(strbuf *s, size_t extra)
{
	if (extra > s->max || s->len + extra > s->max)
		return -1;
	size_t need = s->len + extra + 1;
	if (need <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(s->buf, cap);
	if (!p)
		return -1;
	s->buf = p;
	s->cap = cap;
	return 0;
}

int strbuf_append(strbuf *s, const void *data, size_t n)
{
	if (grow(s, n))
		return -1;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

int strbuf_puts(strbuf *s, const char *str)
{
	return strbuf_append(s, str, strlen(str));
}

int strbuf_printf(strbuf *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(s, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	return 0;
}

void strbuf_reset(strbuf *s)
{
	s->len = 0;
	if (s->buf)
		s->buf[0] = '\0';
}

void strbuf_free(strbuf *s)
{
	free(s->buf);
	strbuf_init(s, s->max);
}
