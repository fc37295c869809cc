/* The RFC 5545 writer of the calendar feeds: escaping, folding and the VCALENDAR/VEVENT lines. */
#include "ical.h"

#include <string.h>

#include "../util/dates.h"

/* A text growing in the arena (the old copy is left there: the arena frees it with the rest). */
typedef struct ibuf {
	arena *a;
	char *p;
	size_t len, cap;
} ibuf;

static void ib_init(ibuf *b, arena *a, size_t cap)
{
	b->a = a;
	b->cap = cap < 64 ? 64 : cap;
	b->p = arena_alloc(a, b->cap);
	b->len = 0;
	b->p[0] = '\0';
}

static void ib_add(ibuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap * 2;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *bigger = arena_alloc(b->a, cap);
		memcpy(bigger, b->p, b->len);
		b->p = bigger;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void ib_puts(ibuf *b, const char *s)
{
	ib_add(b, s, strlen(s));
}

char *ical_escape_text(arena *a, const char *s)
{
	ibuf b;
	ib_init(&b, a, strlen(s) + 16);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == ';' || c == ',') {
			char e[2] = {'\\', (char)c};
			ib_add(&b, e, 2);
		} else if (c == '\n') {
			ib_add(&b, "\\n", 2);
		} else if (c == '\r') {
			continue; /* a CRLF in the value is one newline */
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			ib_add(&b, " ", 1); /* not allowed in TEXT (RFC 5545 3.3.11, TSAFE-CHAR) */
		} else {
			ib_add(&b, s, 1);
		}
	}
	return b.p;
}

/* The octets of line from i that fit in room, backed off to the start of a UTF-8 sequence. */
static size_t piece(const char *line, size_t i, size_t n, size_t room)
{
	if (n - i <= room)
		return n - i;
	size_t k = room;
	while (k > 0 && ((unsigned char)line[i + k] & 0xC0) == 0x80)
		k--;
	return k ? k : room; /* a sequence longer than room: cannot happen in UTF-8 */
}

static void fold_into(ibuf *b, const char *line)
{
	size_t n = strlen(line), i = 0;
	int first = 1;
	do {
		size_t k = piece(line, i, n, first ? ICAL_FOLD : ICAL_FOLD - 1);
		if (!first)
			ib_add(b, " ", 1);
		ib_add(b, line + i, k);
		ib_add(b, "\r\n", 2);
		i += k;
		first = 0;
	} while (i < n);
}

char *ical_fold(arena *a, const char *line)
{
	ibuf b;
	ib_init(&b, a, strlen(line) + strlen(line) / 70 * 3 + 8);
	fold_into(&b, line);
	return b.p;
}

void ical_datetime(int64_t t, char out[17])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int secs = (int)(t - days * 86400);
	civil_date d = date_from_days((long)days);
	int v[6] = {d.year, d.month, d.day, secs / 3600, secs / 60 % 60, secs % 60};
	int width[6] = {4, 2, 2, 2, 2, 2};
	char *p = out;
	for (int i = 0; i < 6; i++) {
		int x = v[i] < 0 ? 0 : v[i];
		for (int k = width[i] - 1; k >= 0; k--, x /= 10)
			p[k] = (char)('0' + x % 10);
		p += width[i];
		if (i == 2)
			*p++ = 'T';
	}
	p[0] = 'Z';
	p[1] = '\0';
}

/* NAME:value (value as given) as a folded line. */
static void line(ibuf *b, const char *name, const char *value)
{
	char *l = arena_printf(b->a, "%s:%s", name, value);
	fold_into(b, l);
}

static void text_line(ibuf *b, const char *name, const char *value)
{
	if (value)
		line(b, name, ical_escape_text(b->a, value));
}

static void time_line(ibuf *b, const char *name, int64_t t)
{
	char v[17];
	ical_datetime(t, v);
	line(b, name, v);
}

static void event(ibuf *b, const ical_event *e, int64_t stamp)
{
	ib_puts(b, "BEGIN:VEVENT\r\n");
	text_line(b, "UID", e->uid);
	time_line(b, "DTSTAMP", stamp);
	time_line(b, "DTSTART", e->start);
	time_line(b, "DTEND", e->end);
	if (e->created >= 0)
		time_line(b, "CREATED", e->created);
	if (e->last_modified >= 0)
		time_line(b, "LAST-MODIFIED", e->last_modified);
	line(b, "SEQUENCE", arena_printf(b->a, "%d", e->sequence < 0 ? 0 : e->sequence));
	line(b, "STATUS", e->cancelled ? "CANCELLED" : "CONFIRMED");
	line(b, "TRANSP", e->cancelled ? "TRANSPARENT" : "OPAQUE");
	text_line(b, "SUMMARY", e->summary);
	text_line(b, "LOCATION", e->location);
	text_line(b, "DESCRIPTION", e->description);
	ib_puts(b, "END:VEVENT\r\n");
}

char *ical_write(arena *a, const ical_calendar *c, size_t *len)
{
	ibuf b;
	ib_init(&b, a, 512 + (size_t)(c->n > 0 ? c->n : 0) * 400);
	ib_puts(&b, "BEGIN:VCALENDAR\r\n");
	line(&b, "VERSION", "2.0");
	line(&b, "PRODID", "-//Schwann//Calendar feed//EN");
	line(&b, "CALSCALE", "GREGORIAN");
	line(&b, "METHOD", "PUBLISH");
	text_line(&b, "X-WR-CALNAME", c->name);
	text_line(&b, "NAME", c->name);
	if (c->refresh_minutes > 0) {
		const char *d = arena_printf(a, "PT%dM", c->refresh_minutes);
		line(&b, "REFRESH-INTERVAL;VALUE=DURATION", d);
		line(&b, "X-PUBLISHED-TTL", d);
	}
	for (int i = 0; i < c->n; i++)
		event(&b, &c->events[i], c->stamp);
	ib_puts(&b, "END:VCALENDAR\r\n");
	*len = b.len;
	return b.p;
}
