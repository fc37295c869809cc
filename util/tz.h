/* The clinic's time zone, read from the tz database's compiled file (TZif, RFC 8536: the
 * transitions it lists, then the POSIX rule in its footer for the years after them), so that
 * local times can be converted without the C library's process-wide TZ: setenv("TZ") + tzset()
 * would change every thread's idea of local time at once, and localtime_r/mktime can only speak
 * of one zone per process. A tz_zone is read once at start-up and only read afterwards, so any
 * number of threads may use it without a lock; any number of zones can live side by side (the
 * unit tests use several).
 *
 * Times are seconds since 1970-01-01T00:00:00Z (int64). A "wall" time is what the clinic's clocks
 * read, counted the same way as if it were UTC: date_days(d) * 86400 + seconds into the day.
 * Leap seconds are not counted (POSIX time), and zones that count them (right/...) are refused. */
#ifndef SCHWANN_TZ_H
#define SCHWANN_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dates.h"

typedef struct tz_zone tz_zone;

/* Room for "2026-12-01T08:00:00-05:00" and its NUL. */
#define TZ_TEXT 26
/* The largest zone file read (the biggest in tzdata is about 4 KiB). */
#define TZ_FILE_MAX (256 * 1024)

/* Reads a zone from TZif bytes (version 1, 2, 3 or 4). The zone lives in a, as long as the arena.
 * 0, or -1 with what is wrong in err. */
int tz_parse(arena *a, const char *name, const unsigned char *data, size_t len, tz_zone **out,
             char *err, size_t errlen);
/* Reads /usr/share/zoneinfo/<name> (an IANA name such as America/New_York). 0, or -1 with err. */
int tz_load(arena *a, const char *name, tz_zone **out, char *err, size_t errlen);
/* The machine's zone, as the C library would take it: TZ when it names a zone file, else
 * /etc/localtime (named after its link target when it is one), else UTC. Never fails. */
tz_zone *tz_load_default(arena *a);
/* UTC itself (no file needed). */
tz_zone *tz_utc(arena *a);
/* The zone's name: "America/New_York" (or what tz_parse was given). */
const char *tz_name(const tz_zone *z);

/* The zone's offset from UTC at instant t, in seconds east (New York in winter: -18000). */
int32_t tz_offset(const tz_zone *z, int64_t t);
/* The first instant at which the zone's clocks read wall. A time the clocks skip (spring forward:
 * 02:30 in New York on the second Sunday of March) becomes the instant of the change, the first
 * at which they read later than wall; a time they read twice (fall back: 01:30 on the first
 * Sunday of November) becomes the first of the two. */
int64_t tz_wall_to_utc(const tz_zone *z, int64_t wall);
/* The wall time of minute `minute` (0..1440) of date d. */
int64_t tz_wall(civil_date d, int minute);
/* The clinic's date at instant t. */
civil_date tz_local_date(const tz_zone *z, int64_t t);
/* t as RFC 3339 with the zone's offset at t: "2026-12-01T08:00:00-05:00" (+00:00 for UTC). */
void tz_format(const tz_zone *z, int64_t t, char out[TZ_TEXT]);
/* Parses an RFC 3339 date-time with its offset: YYYY-MM-DDTHH:MM:SS, optional fraction of a
 * second (dropped), then Z or +HH:MM / -HH:MM. Years 1900-9999. 0 and *out, or -1. */
int tz_parse_instant(const char *s, int64_t *out);

#endif
