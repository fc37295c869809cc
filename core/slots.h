/* Slot arithmetic: the free times at which an appointment of a given length can be booked, given
 * each resource's working hours per weekday in the clinic's time zone, its closures and its
 * bookings. Pure (no I/O; memory from the caller's arena).
 *
 * Times are instants (seconds since 1970, UTC), so a daylight-saving day has no slot that does
 * not exist and none twice: a working period runs from the first instant the clinic's clocks read
 * its start to the first instant they read its end (util/tz.h: a skipped time is the instant of
 * the change), and slots are laid on a grid of real minutes from the period's start. On the day
 * New York springs forward, hours 00:00-04:00 are three real hours with no slot at 02:xx; on the
 * day it falls back they are five, 01:00-01:30 EDT and 01:00-01:30 EST being two different slots.
 *
 * Bookings come in as plain busy intervals per resource (slot_resource.busy): the store hands
 * them over (store_ops.resource_busy), so appointments plug in without this file changing. */
#ifndef SCHWANN_SLOTS_H
#define SCHWANN_SLOTS_H

#include <stdint.h>

#include "../util/arena.h"
#include "../util/dates.h"
#include "../util/tz.h"

#define HOURS_MAX_PERIODS 4 /* working periods in one day */
#define SLOT_MAX_NEEDS 4    /* resources one appointment may need at once */
#define SLOT_MAX_DAYS 31    /* the longest search */

/* Working hours: per weekday (0 = Monday ... 6 = Sunday) up to HOURS_MAX_PERIODS periods of local
 * time in minutes from midnight, start < end <= 1440, in order and not overlapping (they may
 * touch). */
typedef struct week_hours {
	unsigned char n[7];
	short start[7][HOURS_MAX_PERIODS], end[7][HOURS_MAX_PERIODS];
} week_hours;

/* An interval of time [start, end), instants in seconds. */
typedef struct cal_span {
	int64_t start, end;
} cal_span;

/* One resource as the search sees it. Closures and bookings may come in any order, may overlap
 * and may reach far outside the searched dates (a year of bookings): only those that touch the
 * dates are used. */
typedef struct slot_resource {
	int kind; /* the needs' masks test bit 1 << kind */
	const week_hours *hours;
	const cal_span *closures;
	int n_closures;
	const cal_span *busy;
	int n_busy;
} slot_resource;

typedef struct slot_query {
	const tz_zone *zone;
	civil_date from, to; /* the clinic's dates, both included, at most SLOT_MAX_DAYS */
	int minutes;         /* the appointment's length */
	int grid;            /* minutes between possible starts; 0 for the appointment's length */
	/* Per need, the kinds that can fill it (bit 1 << kind): {clinician} and {ultrasound room}
	 * for an injection, {clinician or nurse} for a follow-up. The first need leads: slots are
	 * laid on its resources' working periods; each other need takes the first resource (in the
	 * order given) of its kinds that works and is free for the whole slot. One resource fills
	 * one need at most. */
	unsigned needs[SLOT_MAX_NEEDS];
	int n_needs;
	int only;           /* a resource every slot must use (its index), or -1 */
	int64_t not_before; /* no slot starting before this instant (now) */
	int max;            /* at most this many slots */
} slot_query;

typedef struct cal_slot {
	int64_t start, end;
	short use[SLOT_MAX_NEEDS]; /* the resource filling each need (index into the resources) */
} cal_slot;

/* The free slots, in order of start and, at one start, of the leading resource; at most q->max,
 * *more set when there were others. The array is in a. Returns the number of slots, or -1 when
 * the query is out of bounds (no needs, a length or grid under 5 minutes or over a day, `to`
 * before `from` or more than SLOT_MAX_DAYS days). */
int slots_find(arena *a, const slot_query *q, const slot_resource *rs, int n, cal_slot **out,
               int *more);

/* Whether an appointment of q's length can start at `start` (q->from: the clinic's date of the
 * start; q->to, grid, only and max are ignored): for each need, use[j] >= 0 is a resource the
 * caller chose (it must be of the need's kinds), -1 lets the search take the first of its kinds
 * (in the order given) that works the whole time within one period and is neither closed nor
 * booked. Returns 0 with use[] filled, else 1 + the index of the first need no resource could
 * fill (-1 when the query is out of bounds). */
int slots_fit(arena *a, const slot_query *q, const slot_resource *rs, int n, int64_t start,
              short use[SLOT_MAX_NEEDS]);

/* The weekday of d: 0 Monday ... 6 Sunday. */
int weekday_of(civil_date d);

#endif
