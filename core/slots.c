/* The free-slot search (slots.h): per resource, its working periods over the searched dates as
 * instants and the closures and bookings that touch them, merged; then, day by day, a grid over
 * the leading resources' periods, each start kept when every need finds a resource that works
 * and is free for the whole slot. A two-week search over 25 resources with a year of bookings
 * each takes well under a millisecond (bench/slots.c; docs/BENCHMARKS.md). */
#include "slots.h"

#include <stdlib.h>
#include <string.h>

/* One resource prepared for the search. */
typedef struct prepared {
	cal_span *work; /* working periods, in order, each with the day it belongs to */
	int *work_day;  /* the day's index from q->from */
	int n_work;
	cal_span *blocked; /* closures and bookings touching the dates, merged, in order */
	int n_blocked;
} prepared;

int weekday_of(civil_date d)
{
	long days = date_days(d);
	return (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

static int by_start(const void *a, const void *b)
{
	const cal_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Appends the spans of src that overlap [from, to) to dst. */
static int take_touching(cal_span *dst, int n, const cal_span *src, int count, int64_t from,
                         int64_t to)
{
	for (int i = 0; i < count; i++)
		if (src[i].start < to && src[i].end > from && src[i].start < src[i].end)
			dst[n++] = src[i];
	return n;
}

static void prepare(arena *a, const slot_query *q, const slot_resource *r, int days, int64_t from,
                    int64_t to, prepared *p)
{
	p->work = arena_alloc(a, sizeof(cal_span) * (size_t)(days * HOURS_MAX_PERIODS + 1));
	p->work_day = arena_alloc(a, sizeof(int) * (size_t)(days * HOURS_MAX_PERIODS + 1));
	p->n_work = 0;
	for (int d = 0; d < days; d++) {
		civil_date day = date_add_days(q->from, d);
		int w = weekday_of(day);
		for (int i = 0; r->hours && i < r->hours->n[w] && i < HOURS_MAX_PERIODS; i++) {
			int64_t s = tz_wall_to_utc(q->zone, tz_wall(day, r->hours->start[w][i]));
			int64_t e = tz_wall_to_utc(q->zone, tz_wall(day, r->hours->end[w][i]));
			if (e <= s)
				continue; /* wholly inside a skipped hour */
			p->work[p->n_work] = (cal_span){s, e};
			p->work_day[p->n_work++] = d;
		}
	}
	/* Closures and bookings: only those touching the dates, then merged. */
	int n = 0;
	cal_span *b = arena_alloc(a, sizeof(cal_span) * (size_t)(r->n_closures + r->n_busy + 1));
	n = take_touching(b, n, r->closures, r->n_closures, from, to);
	n = take_touching(b, n, r->busy, r->n_busy, from, to);
	qsort(b, (size_t)n, sizeof *b, by_start);
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (m && b[i].start <= b[m - 1].end) {
			if (b[i].end > b[m - 1].end)
				b[m - 1].end = b[i].end;
		} else {
			b[m++] = b[i];
		}
	}
	p->blocked = b;
	p->n_blocked = m;
}

/* 1 when nothing blocks [s, e). */
static int unblocked(const prepared *p, int64_t s, int64_t e)
{
	int lo = 0, hi = p->n_blocked; /* the first block ending after s */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (p->blocked[mid].end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == p->n_blocked || p->blocked[lo].start >= e;
}

/* 1 when one working period holds [s, e). */
static int working(const prepared *p, int64_t s, int64_t e)
{
	int lo = 0, hi = p->n_work; /* the first period ending after s */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (p->work[mid].end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n_work && p->work[lo].start <= s && e <= p->work[lo].end;
}

static int by_time_then_lead(const void *a, const void *b)
{
	const cal_slot *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->use[0] > y->use[0]) - (x->use[0] < y->use[0]);
}

/* The need `only` must fill: the first whose kinds include its kind, or -1. */
static int need_of_only(const slot_query *q, const slot_resource *rs)
{
	for (int j = 0; q->only >= 0 && j < q->n_needs; j++)
		if (q->needs[j] & (1u << rs[q->only].kind))
			return j;
	return -1;
}

/* Fills the needs after the first for [s, e) into sl->use; 1 when every one found a resource. */
static int fill(const slot_query *q, const slot_resource *rs, const prepared *ps, int n,
                int only_need, cal_slot *sl)
{
	for (int j = 1; j < q->n_needs; j++) {
		int found = -1;
		for (int i = 0; i < n && found < 0; i++) {
			int taken = 0;
			for (int k = 0; k < j; k++)
				taken |= sl->use[k] == i;
			if (taken || !(q->needs[j] & (1u << rs[i].kind)) ||
			    (j == only_need && i != q->only) ||
			    (j != only_need && i == q->only && only_need >= 0))
				continue;
			if (working(&ps[i], sl->start, sl->end) &&
			    unblocked(&ps[i], sl->start, sl->end))
				found = i;
		}
		if (found < 0)
			return 0;
		sl->use[j] = (short)found;
	}
	return 1;
}

int slots_find(arena *a, const slot_query *q, const slot_resource *rs, int n, cal_slot **out,
               int *more)
{
	int grid = q->grid ? q->grid : q->minutes;
	long days = date_days(q->to) - date_days(q->from) + 1;
	*out = NULL;
	*more = 0;
	if (q->n_needs < 1 || q->n_needs > SLOT_MAX_NEEDS || q->minutes < 5 || q->minutes > 1440 ||
	    grid < 5 || grid > 1440 || days < 1 || days > SLOT_MAX_DAYS || n > 32767 ||
	    q->only >= n || q->max < 0)
		return -1;
	int64_t from = tz_wall_to_utc(q->zone, tz_wall(q->from, 0));
	int64_t to = tz_wall_to_utc(q->zone, tz_wall(q->to, 1440));
	unsigned wanted = 0;
	for (int j = 0; j < q->n_needs; j++)
		wanted |= q->needs[j];
	prepared *ps = arena_zalloc(a, sizeof(prepared) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		if (wanted & (1u << rs[i].kind))
			prepare(a, q, &rs[i], (int)days, from, to, &ps[i]);
	int only_need = need_of_only(q, rs);
	if (q->only >= 0 && only_need < 0)
		return 0; /* the resource cannot serve this appointment */

	int64_t len = (int64_t)q->minutes * 60, step = (int64_t)grid * 60;
	int cap = 64, count = 0, day_cap = 64;
	cal_slot *all = arena_alloc(a, sizeof(cal_slot) * (size_t)cap);
	cal_slot *day = arena_alloc(a, sizeof(cal_slot) * (size_t)day_cap);
	int *cursor = arena_zalloc(a, sizeof(int) * (size_t)(n ? n : 1));
	for (int d = 0; d < days && !*more; d++) {
		int n_day = 0;
		for (int i = 0; i < n; i++) {
			if (!(q->needs[0] & (1u << rs[i].kind)) ||
			    (only_need == 0 && i != q->only) || (only_need > 0 && i == q->only))
				continue;
			prepared *p = &ps[i];
			for (; cursor[i] < p->n_work && p->work_day[cursor[i]] == d; cursor[i]++) {
				cal_span w = p->work[cursor[i]];
				for (int64_t t = w.start; t + len <= w.end; t += step) {
					if (t < q->not_before || !unblocked(p, t, t + len))
						continue;
					cal_slot sl = {t, t + len, {(short)i, -1, -1, -1}};
					if (!fill(q, rs, ps, n, only_need, &sl))
						continue;
					if (n_day == day_cap) {
						cal_slot *bigger = arena_alloc(
						    a, sizeof(cal_slot) * (size_t)day_cap * 2);
						memcpy(bigger, day,
						       sizeof(cal_slot) * (size_t)day_cap);
						day = bigger;
						day_cap *= 2;
					}
					day[n_day++] = sl;
				}
			}
		}
		qsort(day, (size_t)n_day, sizeof *day, by_time_then_lead);
		for (int k = 0; k < n_day; k++) {
			if (count == q->max) {
				*more = 1;
				break;
			}
			if (count == cap) {
				cal_slot *bigger =
				    arena_alloc(a, sizeof(cal_slot) * (size_t)cap * 2);
				memcpy(bigger, all, sizeof(cal_slot) * (size_t)cap);
				all = bigger;
				cap *= 2;
			}
			all[count++] = day[k];
		}
	}
	*out = all;
	return count;
}

int slots_fit(arena *a, const slot_query *q, const slot_resource *rs, int n, int64_t start,
              short use[SLOT_MAX_NEEDS])
{
	if (q->n_needs < 1 || q->n_needs > SLOT_MAX_NEEDS || q->minutes < 5 || q->minutes > 1440 ||
	    n > 32767)
		return -1;
	int64_t end = start + (int64_t)q->minutes * 60;
	int64_t from = tz_wall_to_utc(q->zone, tz_wall(q->from, 0));
	int64_t to = tz_wall_to_utc(q->zone, tz_wall(q->from, 1440));
	slot_query one = *q;
	one.to = q->from;
	prepared p;
	for (int j = 0; j < q->n_needs; j++) {
		int found = -1;
		for (int i = 0; i < n && found < 0; i++) {
			if (use[j] >= 0 && i != use[j])
				continue;
			int taken = 0;
			for (int k = 0; k < q->n_needs; k++)
				taken |= k != j && use[k] == i;
			if ((use[j] < 0 && taken) || !(q->needs[j] & (1u << rs[i].kind)))
				continue;
			prepare(a, &one, &rs[i], 1, from, to, &p);
			if (working(&p, start, end) && unblocked(&p, start, end))
				found = i;
		}
		if (found < 0)
			return 1 + j;
		use[j] = (short)found;
	}
	return 0;
}
