/* Date parsing and calendar arithmetic for clinical dates. */
#include "dates.h"

#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_days_in_month(int year, int month)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return dm[month - 1];
}

static int parse_ym(const char *s, civil_date *out)
{
	if (digits(s, 4, &out->year) || s[4] != '-' || digits(s + 5, 2, &out->month))
		return -1;
	if (out->year < 1000 || out->month < 1 || out->month > 12)
		return -1;
	return 0;
}

int date_parse(const char *s, civil_date *out)
{
	civil_date d;
	if (!s || strlen(s) != 10 || parse_ym(s, &d) || s[7] != '-' || digits(s + 8, 2, &d.day))
		return -1;
	if (d.day < 1 || d.day > date_days_in_month(d.year, d.month))
		return -1;
	*out = d;
	return 0;
}

int date_parse_partial(const char *s, civil_date *out)
{
	if (s && strlen(s) == 7) {
		civil_date d;
		if (parse_ym(s, &d))
			return -1;
		d.day = 0;
		*out = d;
		return 0;
	}
	return date_parse(s, out);
}

long date_days(civil_date d)
{
	int y = d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + (d.day ? d.day : 1) - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int date_cmp(civil_date a, civil_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day == 0 || b.day == 0 || a.day == b.day)
		return 0;
	return a.day < b.day ? -1 : 1;
}

int date_months_between(civil_date a, civil_date b)
{
	int m = (b.year - a.year) * 12 + (b.month - a.month);
	if (a.day && b.day && b.day < a.day)
		m--;
	return m;
}

civil_date date_from_time(time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	civil_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	return d;
}

civil_date date_today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	civil_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	return d;
}

void instant_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

civil_date date_from_days(long z)
{
	/* Howard Hinnant's civil_from_days. */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	civil_date d;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

civil_date date_add_days(civil_date d, long days)
{
	return date_from_days(date_days(d) + days);
}

void date_format(civil_date d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
	         (unsigned)d.day % 100u);
}
