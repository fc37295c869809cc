/* Calendar dates and instants as the API writes them: clinical dates YYYY-MM-DD (or YYYY-MM where
 * only the month is known), instants YYYY-MM-DDTHH:MM:SSZ in UTC. Pure functions but for the two
 * that read the clock. */
#ifndef SCHWANN_DATES_H
#define SCHWANN_DATES_H

#include <time.h>

typedef struct civil_date {
	int year;
	int month; /* 1-12 */
	int day;   /* 1-31; 0 when only year and month are known */
} civil_date;

/* 0 when s is a real calendar date YYYY-MM-DD (years 1000-9999), -1 otherwise. */
int date_parse(const char *s, civil_date *out);
/* Like date_parse, but also takes YYYY-MM and then sets day to 0. */
int date_parse_partial(const char *s, civil_date *out);
/* Days since 1970-01-01 for a full date (Howard Hinnant's days_from_civil). */
long date_days(civil_date d);
/* Compares two dates at the precision both have: a month-only date equals any day in its month. */
int date_cmp(civil_date a, civil_date b);
/* Whole months from a to b (b later), counting a month complete only when its day is reached. */
int date_months_between(civil_date a, civil_date b);
int date_days_in_month(int year, int month);
/* The date that is days after 1970-01-01 (the inverse of date_days). */
civil_date date_from_days(long days);
/* d moved by days (negative: earlier). */
civil_date date_add_days(civil_date d, long days);
/* d as YYYY-MM-DD. */
void date_format(civil_date d, char out[11]);
civil_date date_from_time(time_t t);
/* Today's date where the clinic is: the process's local time zone (TZ, which `schwann serve
 * --timezone` sets), so a date entered just after local midnight is not "in the future". */
civil_date date_today(void);
/* Writes now as YYYY-MM-DDTHH:MM:SSZ (21 bytes with NUL). */
void instant_now(char out[21]);

#endif
