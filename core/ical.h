/* iCalendar (RFC 5545) writing for the calendar feeds: one VCALENDAR (METHOD:PUBLISH) of VEVENTs
 * in UTC. Pure: no I/O, no clock (the caller gives the instant the feed is made); every string
 * returned lives in the arena given.
 *
 * Text values are escaped (backslash, semicolon, comma, newline; other control characters become
 * spaces), content lines are folded at 75 octets without splitting a UTF-8 sequence, and every
 * line ends in CRLF. The caller's strings must be UTF-8 (jansson and the store only hold UTF-8). */
#ifndef SCHWANN_ICAL_H
#define SCHWANN_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

#define ICAL_FOLD 75 /* octets per physical line, CRLF not counted (RFC 5545 3.1) */

typedef struct ical_event {
	const char *uid;         /* globally unique and stable: "<appointment id>@<domain>" */
	int64_t start, end;      /* instants (seconds since 1970 UTC), [start, end) */
	const char *summary;     /* TEXT */
	const char *location;    /* TEXT, or NULL */
	const char *description; /* TEXT, or NULL */
	int cancelled;           /* STATUS:CANCELLED (calendar apps remove it), else CONFIRMED */
	int sequence;            /* bumped with every change of the event (0 for a new one) */
	int64_t created, last_modified; /* instants, or -1 when not known */
} ical_event;

typedef struct ical_calendar {
	const char *name;    /* X-WR-CALNAME (what calendar apps show), or NULL */
	int64_t stamp;       /* the instant the feed was made: every event's DTSTAMP */
	int refresh_minutes; /* REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL, 0 for none */
	const ical_event *events;
	int n;
} ical_calendar;

/* The calendar as text, NUL-terminated; its length in *len (not counting the NUL). */
char *ical_write(arena *a, const ical_calendar *c, size_t *len);

/* A TEXT value escaped (RFC 5545 3.3.11), not folded. */
char *ical_escape_text(arena *a, const char *s);
/* One content line ("NAME:value", no line end) folded: CRLF after each piece of at most
 * ICAL_FOLD octets (continuations start with a space, which counts), never inside a UTF-8
 * sequence; the result ends in CRLF. */
char *ical_fold(arena *a, const char *line);
/* An instant as a UTC DATE-TIME, YYYYMMDDTHHMMSSZ (17 bytes with the NUL). */
void ical_datetime(int64_t t, char out[17]);

#endif
