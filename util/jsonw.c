/* Fast serializer of jansson trees, byte-for-byte what json_dumps(v, JSON_COMPACT |
 * JSON_REAL_PRECISION(12)) of jansson 2.14 writes (its dump.c, strconv.c and utf8.c), into one
 * buffer that doubles: strings are copied in runs and only the bytes that need escaping are
 * handled one by one. tests/unit/test_jsonw.c compares the two on fixed and random trees. */
#include "jsonw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The output so far. A failure is sticky: once set, every write is a no-op and the loops stop. */
typedef struct out {
	char *buf;
	size_t len;
	size_t cap; /* always more than len: room for the NUL */
	int failed;
} out;

/* How jansson's dump_string sees a byte: copied as is, escaped, the first byte of a 2, 3 or 4 byte
 * UTF-8 sequence (checked as utf8_check_full does), or never valid (utf8_check_first gives 0). */
enum { PLAIN = 0, ESC = 1, UTF8_2 = 2, UTF8_3 = 3, UTF8_4 = 4, BAD = 5 };
static const unsigned char byte_class[256] = {
    [0x00 ... 0x1F] = ESC,
    ['"'] = ESC,
    ['\\'] = ESC,
    [0x80 ... 0xC1] = BAD,
    [0xC2 ... 0xDF] = UTF8_2,
    [0xE0 ... 0xEF] = UTF8_3,
    [0xF0 ... 0xF4] = UTF8_4,
    [0xF5 ... 0xFF] = BAD,
};

/* Grows the buffer (doubling) until n more bytes and the NUL fit; -1 and failed set if not. */
static __attribute__((noinline)) int grow(out *o, size_t n)
{
	int rc = -1;
	size_t cap = o->cap;
	while (cap - o->len <= n && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap - o->len <= n)
		goto out;
	char *p = realloc(o->buf, cap);
	if (!p)
		goto out;
	o->buf = p;
	o->cap = cap;
	rc = 0;
out:
	if (rc)
		o->failed = 1;
	return rc;
}

static inline int room(out *o, size_t n)
{
	return o->failed ? -1 : n < o->cap - o->len ? 0 : grow(o, n);
}

static inline void put_bytes(out *o, const void *p, size_t n)
{
	if (room(o, n) == 0) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
}

static inline void put_char(out *o, char c)
{
	if (room(o, 1) == 0)
		o->buf[o->len++] = c;
}

/* 1 when the n-byte sequence at s (avail bytes left) is what utf8_check_full accepts: continuation
 * bytes 0x80-0xBF, no overlong form, no surrogate, nothing above U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t avail, size_t n)
{
	int ok = 0;
	if (n > avail)
		goto out;
	uint32_t cp = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (size_t i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			goto out;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto out;
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
		goto out;
	ok = 1;
out:
	return ok;
}

/* One byte that needs escaping, as dump_string writes it (\u00XX with upper-case hex). */
static void put_escape(out *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	switch (c) {
	case '\\': put_bytes(o, "\\\\", 2); break;
	case '"': put_bytes(o, "\\\"", 2); break;
	case '\b': put_bytes(o, "\\b", 2); break;
	case '\f': put_bytes(o, "\\f", 2); break;
	case '\n': put_bytes(o, "\\n", 2); break;
	case '\r': put_bytes(o, "\\r", 2); break;
	case '\t': put_bytes(o, "\\t", 2); break;
	default: {
		char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
		put_bytes(o, u, sizeof u);
	}
	}
}

/* A string or key of len bytes (it may hold NULs). Invalid UTF-8 in a value fails, as in jansson.
 * In a key jansson ignores dump_string's failure: what it had written stays (the opening quote and
 * the text up to the last escape), the rest of the key and its closing quote are dropped, and the
 * ':' and the value follow. That broken text is reproduced. */
static void put_string(out *o, const char *str, size_t len, int is_key)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int invalid = 0;
	put_char(o, '"');
	while (i < len && !invalid) {
		unsigned k = byte_class[s[i]];
		if (k == PLAIN) {
			i++;
		} else if (k == ESC) {
			put_bytes(o, s + run, i - run);
			put_escape(o, s[i]);
			run = ++i;
		} else if (k != BAD && utf8_ok(s + i, len - i, k)) {
			i += k;
		} else {
			invalid = 1;
		}
	}
	if (!invalid) {
		put_bytes(o, s + run, len - run);
		put_char(o, '"');
	} else if (!is_key) {
		o->failed = 1;
	}
}

/* "%lld" (JSON_INTEGER_FORMAT on this platform), without printf. */
static void put_integer(out *o, json_int_t v)
{
	char b[24];
	char *p = b + sizeof b;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put_bytes(o, p, (size_t)(b + sizeof b - p));
}

/* jansson's jsonp_dtostr with precision 12, into b (cap bytes): "%.12g"; ".0" appended when there
 * is neither '.' nor 'e'; the exponent's '+' and leading zeros removed (a '-' stays). Returns the
 * length, or 0 where jsonp_dtostr fails (no room). The decimal point is the C locale's '.': the
 * server never sets a locale (jsonp_dtostr would turn another one's point back into '.'). */
static size_t format_real(char *b, size_t cap, double d)
{
	int n = snprintf(b, cap, "%.12g", d);
	size_t len = n < 0 || (size_t)n + 3 >= cap ? 0 : (size_t)n;
	if (len && !memchr(b, '.', len) && !memchr(b, 'e', len)) {
		b[len++] = '.';
		b[len++] = '0';
	}
	char *e = len ? memchr(b, 'e', len) : NULL;
	if (e) {
		char *start = e + 1, *end = e + 2;
		if (*start == '-')
			start++;
		while (end < b + len && *end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - b));
			len -= (size_t)(end - start);
		}
	}
	return len;
}

static void put_real(out *o, double d)
{
	char b[100]; /* jansson's MAX_REAL_STR_LENGTH */
	size_t len = format_real(b, sizeof b, d);
	if (len)
		put_bytes(o, b, len);
	else
		o->failed = 1;
}

static void put_value(out *o, const json_t *v, int depth);

static void put_array(out *o, const json_t *a, int depth)
{
	size_t n = json_array_size(a);
	if (depth >= JSONW_MAX_DEPTH)
		o->failed = 1;
	put_char(o, '[');
	for (size_t i = 0; i < n && !o->failed; i++) {
		if (i)
			put_char(o, ',');
		put_value(o, json_array_get(a, i), depth + 1);
	}
	put_char(o, ']');
}

/* Members in json_object_iter's order: insertion order in jansson 2.14, as json_dumps without
 * JSON_SORT_KEYS writes them. */
static void put_object(out *o, const json_t *obj, int depth)
{
	void *it = json_object_iter((json_t *)obj);
	if (depth >= JSONW_MAX_DEPTH)
		o->failed = 1;
	put_char(o, '{');
	for (int first = 1; it && !o->failed; first = 0) {
		if (!first)
			put_char(o, ',');
		put_string(o, json_object_iter_key(it), json_object_iter_key_len(it), 1);
		put_char(o, ':');
		put_value(o, json_object_iter_value(it), depth + 1);
		it = json_object_iter_next((json_t *)obj, it);
	}
	put_char(o, '}');
}

static void put_value(out *o, const json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: put_object(o, v, depth); break;
	case JSON_ARRAY: put_array(o, v, depth); break;
	case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v), 0); break;
	case JSON_INTEGER: put_integer(o, json_integer_value(v)); break;
	case JSON_REAL: put_real(o, json_real_value(v)); break;
	case JSON_TRUE: put_bytes(o, "true", 4); break;
	case JSON_FALSE: put_bytes(o, "false", 5); break;
	case JSON_NULL: put_bytes(o, "null", 4); break;
	default: o->failed = 1;
	}
}

char *jsonw_dumps(const json_t *v, size_t *len)
{
	out o = {0};
	char *text = NULL;
	/* json_dumps without JSON_ENCODE_ANY refuses anything but an object or an array. */
	if (!v || !(json_is_object(v) || json_is_array(v)))
		goto out;
	o.cap = 4096;
	o.buf = malloc(o.cap);
	if (!o.buf)
		goto out;
	put_value(&o, v, 0);
	if (o.failed)
		goto out;
	o.buf[o.len] = '\0';
	text = o.buf;
	o.buf = NULL;
	if (len)
		*len = o.len;
out:
	free(o.buf);
	return text;
}
