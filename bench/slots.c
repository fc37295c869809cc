/* Benchmark of the slot search (core/slots.c), not a test: a two-week search for an injection
 * (a clinician and an ultrasound room, 45 minutes) in America/New_York over 20 clinicians and 5
 * ultrasound rooms, each with a year of bookings fed in as plain busy intervals (the booking
 * phase's store hands them over the same way), in random order. Prints the time per search
 * (min, median, 95th percentile over BENCH_RUNS runs, default 200). Built and run by
 * `make bench-slots`; the target is under 5 ms (issue 10). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/resource.h"
#include "core/slots.h"
#include "util/tz.h"

#define CLINICIANS 20
#define ROOMS 5
#define MAX_BOOKINGS 20000 /* per resource */

static uint64_t rng = 88172645463325252ull;

static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

/* A year of bookings in the resource's working periods: back to back lengths of 20 to 90
 * minutes, each taken with probability fill_pct, then shuffled. */
static int book_year(const tz_zone *z, const week_hours *h, int fill_pct, cal_span *out)
{
	int n = 0;
	civil_date first = {2026, 6, 1};
	static const int lengths[] = {20, 30, 45, 60, 90};
	for (int d = 0; d < 365; d++) {
		civil_date day = date_add_days(first, d);
		int w = weekday_of(day);
		for (int p = 0; p < h->n[w]; p++)
			for (int m = h->start[w][p]; m < h->end[w][p];) {
				int len = lengths[next() % 5];
				if (m + len > h->end[w][p])
					break;
				if ((int)(next() % 100) < fill_pct && n < MAX_BOOKINGS)
					out[n++] =
					    (cal_span){tz_wall_to_utc(z, tz_wall(day, m)),
					               tz_wall_to_utc(z, tz_wall(day, m + len))};
				m += len + (next() % 4 == 0 ? 10 : 0);
			}
	}
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(next() % (unsigned)(i + 1));
		cal_span t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
	return n;
}

static week_hours weekdays(const short (*periods)[2], int n)
{
	week_hours h;
	memset(&h, 0, sizeof h);
	for (int w = 0; w < 5; w++) {
		h.n[w] = (unsigned char)n;
		for (int p = 0; p < n; p++) {
			h.start[w][p] = periods[p][0];
			h.end[w][p] = periods[p][1];
		}
	}
	return h;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	arena setup, run;
	arena_init(&setup);
	arena_init(&run);
	char err[300];
	tz_zone *z;
	if (tz_load(&setup, "America/New_York", &z, err, sizeof err)) {
		fprintf(stderr, "bench/slots: %s\n", err);
		return 1;
	}
	static const short office[][2] = {{8 * 60, 12 * 60}, {13 * 60, 17 * 60}};
	static const short room_day[][2] = {{8 * 60, 17 * 60}};
	week_hours clinic = weekdays(office, 2), rooms = weekdays(room_day, 1);
	slot_resource rs[CLINICIANS + ROOMS];
	long bookings = 0;
	/* Christmas for everyone; one clinician on leave the second week of the search. */
	static cal_span holiday[1], leave[2];
	holiday[0] = (cal_span){tz_wall_to_utc(z, tz_wall((civil_date){2026, 12, 25}, 0)),
	                        tz_wall_to_utc(z, tz_wall((civil_date){2026, 12, 26}, 0))};
	leave[0] = holiday[0];
	leave[1] = (cal_span){tz_wall_to_utc(z, tz_wall((civil_date){2026, 12, 7}, 0)),
	                      tz_wall_to_utc(z, tz_wall((civil_date){2026, 12, 12}, 0))};
	for (int i = 0; i < CLINICIANS + ROOMS; i++) {
		int room = i >= CLINICIANS;
		cal_span *busy = arena_alloc(&setup, sizeof(cal_span) * MAX_BOOKINGS);
		int n = book_year(z, room ? &rooms : &clinic, room ? 75 : 65, busy);
		bookings += n;
		rs[i] = (slot_resource){.kind = room ? RES_ULTRASOUND_ROOM : RES_CLINICIAN,
		                        .hours = room ? &rooms : &clinic,
		                        .closures = i == 3 ? leave : holiday,
		                        .n_closures = i == 3 ? 2 : 1,
		                        .busy = busy,
		                        .n_busy = n};
	}
	slot_query q = {.zone = z,
	                .from = {2026, 12, 1},
	                .to = {2026, 12, 14},
	                .minutes = 45,
	                .needs = {1u << RES_CLINICIAN, 1u << RES_ULTRASOUND_ROOM},
	                .n_needs = 2,
	                .only = -1,
	                .not_before = INT64_MIN,
	                .max = 100000};
	const char *runs_env = getenv("BENCH_RUNS");
	int runs = runs_env ? atoi(runs_env) : 200;
	if (runs < 1 || runs > 100000)
		runs = 200;
	printf(
	    "slot search: injection (45 min: clinician + ultrasound room), 2026-12-01..2026-12-14, "
	    "America/New_York\n");
	printf("resources: %d clinicians, %d ultrasound rooms; %ld bookings over 2026-06-01 to "
	       "2027-05-31, in random order\n",
	       CLINICIANS, ROOMS, bookings);
	double *ms = arena_alloc(&setup, sizeof(double) * (size_t)runs), median = 0;
	int found = 0, more = 0;
	/* With the year of bookings, then with empty calendars (the most slots to lay out). */
	for (int scenario = 0; scenario < 2; scenario++) {
		int saved[CLINICIANS + ROOMS];
		for (int i = 0; scenario == 1 && i < CLINICIANS + ROOMS; i++) {
			saved[i] = rs[i].n_busy;
			rs[i].n_busy = 0;
		}
		for (int r = 0; r < runs; r++) {
			struct timespec t0, t1;
			cal_slot *out;
			arena_clear(&run);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			found = slots_find(&run, &q, rs, CLINICIANS + ROOMS, &out, &more);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ms[r] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			        (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		}
		for (int i = 0; scenario == 1 && i < CLINICIANS + ROOMS; i++)
			rs[i].n_busy = saved[i];
		qsort(ms, (size_t)runs, sizeof *ms, by_double);
		if (scenario == 0)
			median = ms[runs / 2];
		printf("%s: %d slots%s; per search over %d runs: min %.3f ms, median %.3f ms, p95 "
		       "%.3f ms\n",
		       scenario ? "empty calendars" : "a year of bookings", found,
		       more ? " (more)" : "", runs, ms[0], ms[runs / 2], ms[(runs * 95) / 100]);
		if (found < 0)
			return 1;
	}
	printf("target: under 5 ms with the bookings: %s\n", median < 5.0 ? "met" : "NOT MET");
	arena_free(&run);
	arena_free(&setup);
	return median < 5.0 ? 0 : 1;
}
