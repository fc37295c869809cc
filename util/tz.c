/* A small reader of the tz database's compiled files (RFC 8536) and the local-time arithmetic the
 * calendars need; see tz.h for why the C library's TZ is not used. */
#include "tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZONEINFO "/usr/share/zoneinfo/"

/* One end of daylight saving time in a POSIX TZ rule: Mm.w.d, Jn or n, at `time` seconds of
 * local time (may be negative or past 24 h, RFC 8536 section 3.3.1). */
typedef struct rule_date {
	char form; /* 'M', 'J' or 'n' */
	int m, w, d, n;
	int32_t time;
} rule_date;

/* The footer's rule, for instants after the last listed transition. */
typedef struct tz_rule {
	int present;
	int has_dst;
	int32_t std_off, dst_off; /* seconds east */
	rule_date start, end;
} tz_rule;

struct tz_zone {
	const char *name;
	int64_t *times;    /* transitions, ascending */
	unsigned char *to; /* the type each transition starts */
	int n_times;
	int32_t *utoff; /* per type, seconds east */
	int n_types;
	tz_rule rule;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* ---- the POSIX TZ string of the footer ---- */

/* A zone abbreviation: letters, or <anything but '>'> (RFC 8536 allows +, - and digits there). */
static const char *skip_name(const char *s)
{
	if (*s == '<') {
		const char *close = strchr(s, '>');
		return close && close - s >= 4 ? close + 1 : NULL;
	}
	const char *p = s;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hh at most max_hours; seconds into *out. */
static const char *read_hms(const char *s, int max_hours, int32_t *out)
{
	int sign = 1, parts[3] = {0, 0, 0};
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		if (i > 0 && *s != ':')
			break;
		if (i > 0)
			s++;
		if (*s < '0' || *s > '9')
			return NULL;
		int v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 3) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		parts[i] = v;
	}
	if (parts[0] > max_hours || parts[1] > 59 || parts[2] > 59)
		return NULL;
	*out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return s;
}

static const char *read_int(const char *s, int lo, int hi, int *out)
{
	int v = 0, digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 4) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *read_rule_date(const char *s, rule_date *d)
{
	d->time = 2 * 3600;
	if (*s == 'M') {
		d->form = 'M';
		s = read_int(s + 1, 1, 12, &d->m);
		s = s && *s == '.' ? read_int(s + 1, 1, 5, &d->w) : NULL;
		s = s && *s == '.' ? read_int(s + 1, 0, 6, &d->d) : NULL;
	} else if (*s == 'J') {
		d->form = 'J';
		s = read_int(s + 1, 1, 365, &d->n);
	} else {
		d->form = 'n';
		s = read_int(s, 0, 365, &d->n);
	}
	if (s && *s == '/')
		s = read_hms(s + 1, 167, &d->time);
	return s;
}

/* Parses "EST5EDT,M3.2.0,M11.1.0", "JST-9", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", ... POSIX
 * offsets are west of Greenwich; they are turned east here. -1 when it is not such a rule. */
static int parse_rule(const char *s, tz_rule *r)
{
	int32_t off;
	memset(r, 0, sizeof *r);
	if (!(s = skip_name(s)) || !(s = read_hms(s, 24, &off)))
		return -1;
	r->std_off = -off;
	r->present = 1;
	if (!*s)
		return 0;
	if (!(s = skip_name(s)))
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = read_hms(s, 24, &off)))
			return -1;
		r->dst_off = -off;
	}
	if (!*s) {
		/* No rule given: the C library's default, the United States' since 2007. */
		s = ",M3.2.0,M11.1.0";
	}
	if (*s != ',' || !(s = read_rule_date(s + 1, &r->start)) || *s != ',' ||
	    !(s = read_rule_date(s + 1, &r->end)) || *s)
		return -1;
	return 0;
}

/* The wall time (seconds) at which rule date d falls in year y. */
static int64_t rule_wall(const rule_date *d, int y)
{
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	long jan1 = date_days((civil_date){y, 1, 1}), day;
	if (d->form == 'J')
		day = jan1 + d->n - 1 + (leap && d->n >= 60);
	else if (d->form == 'n')
		day = jan1 + d->n;
	else {
		long first = date_days((civil_date){y, d->m, 1});
		int wday = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int mday = 1 + (d->d - wday + 7) % 7 + 7 * (d->w - 1);
		while (mday > date_days_in_month(y, d->m))
			mday -= 7;
		day = first + mday - 1;
	}
	return (int64_t)day * 86400 + d->time;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int32_t rule_offset(const tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return r->std_off;
	int y = date_from_days((long)floor_div(t + r->std_off, 86400)).year;
	int64_t start =
	    rule_wall(&r->start, y) - r->std_off;         /* the change comes in standard time */
	int64_t end = rule_wall(&r->end, y) - r->dst_off; /* and goes in summer time */
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	return t >= end && t < start ? r->std_off : r->dst_off; /* southern hemisphere */
}

/* ---- the TZif file ---- */

int tz_parse(arena *a, const char *name, const unsigned char *data, size_t len, tz_zone **out,
             char *err, size_t errlen)
{
	const char *why = NULL;
	tz_zone *z = arena_zalloc(a, sizeof *z);
	z->name = arena_strdup(a, name ? name : "");
	size_t at = 0;
	int version = 0;
	for (int pass = 0; pass < 2 && !why; pass++) {
		if (len - at < 44 || memcmp(data + at, "TZif", 4) != 0) {
			why = "is not a compiled time zone file (TZif)";
			break;
		}
		if (pass == 0)
			version = data[at + 4] ? data[at + 4] - '0' : 1;
		uint32_t isut = be32(data + at + 20), isstd = be32(data + at + 24),
		         leap = be32(data + at + 28), timecnt = be32(data + at + 32),
		         typecnt = be32(data + at + 36), charcnt = be32(data + at + 40);
		size_t tsize = pass == 0 ? 4 : 8;
		at += 44;
		if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 100000 ||
		    leap > 100000 || isut > 256 || isstd > 256) {
			why = "has impossible counts in its header";
			break;
		}
		size_t block = timecnt * tsize + timecnt + typecnt * 6 + charcnt +
		               leap * (tsize + 4) + isstd + isut;
		if (len - at < block) {
			why = "is cut short";
			break;
		}
		if (leap) {
			why = "counts leap seconds (a right/ zone); use the zone without them";
			break;
		}
		if (pass == 0 && version >= 2) {
			at += block; /* the 32-bit data; the 64-bit copy follows */
			continue;
		}
		z->n_times = (int)timecnt;
		z->n_types = (int)typecnt;
		z->times = arena_alloc(a, sizeof(int64_t) * (timecnt ? timecnt : 1));
		z->to = arena_alloc(a, timecnt ? timecnt : 1);
		z->utoff = arena_alloc(a, sizeof(int32_t) * typecnt);
		for (uint32_t i = 0; i < timecnt; i++) {
			const unsigned char *p = data + at + i * tsize;
			z->times[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
			if (i && z->times[i] <= z->times[i - 1])
				why = "has transitions out of order";
		}
		at += timecnt * tsize;
		for (uint32_t i = 0; i < timecnt; i++)
			if ((z->to[i] = data[at + i]) >= typecnt)
				why = "names a local time type it does not have";
		at += timecnt;
		for (uint32_t i = 0; i < typecnt; i++)
			if ((z->utoff[i] = (int32_t)be32(data + at + i * 6)) < -25 * 3600 ||
			    z->utoff[i] > 26 * 3600)
				why = "has an offset from UTC of more than a day";
		at += block - timecnt * tsize - timecnt;
		if (version >= 2) {
			/* The footer: "\n" TZ string "\n". */
			const unsigned char *nl = at < len && data[at] == '\n'
			                              ? memchr(data + at + 1, '\n', len - at - 1)
			                              : NULL;
			if (!nl)
				why = "has no footer line";
			else if (nl > data + at + 1) {
				char *rule = arena_strndup(a, (const char *)data + at + 1,
				                           (size_t)(nl - data - at - 1));
				if (parse_rule(rule, &z->rule))
					why = "has a footer rule that cannot be read";
			}
		}
		break;
	}
	if (why) {
		snprintf(err, errlen, "%s %s", name ? name : "the zone file", why);
		return -1;
	}
	*out = z;
	return 0;
}

/* A name a zone file may have: letters, digits, _ - + and / between parts, no "..". */
static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 200 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-+/", *p)))
			return 0;
	return 1;
}

static int load_path(arena *a, const char *path, const char *name, tz_zone **out, char *err,
                     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s is not a known IANA time zone (%s)", name,
		         strerror(errno));
		return -1;
	}
	unsigned char *buf = arena_alloc(a, TZ_FILE_MAX);
	size_t len = fread(buf, 1, TZ_FILE_MAX, f);
	int bad = ferror(f) || len == TZ_FILE_MAX;
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: the zone file cannot be read or is too large", name);
		return -1;
	}
	return tz_parse(a, name, buf, len, out, err, errlen);
}

int tz_load(arena *a, const char *name, tz_zone **out, char *err, size_t errlen)
{
	if (!name || !name_ok(name)) {
		snprintf(err, errlen, "%s is not a known IANA time zone", name ? name : "(none)");
		return -1;
	}
	return load_path(a, arena_printf(a, ZONEINFO "%s", name), name, out, err, errlen);
}

tz_zone *tz_utc(arena *a)
{
	tz_zone *z = arena_zalloc(a, sizeof *z);
	z->name = "UTC";
	z->n_types = 1;
	z->utoff = arena_zalloc(a, sizeof(int32_t));
	return z;
}

tz_zone *tz_load_default(arena *a)
{
	char err[256], link[512];
	tz_zone *z = NULL;
	const char *env = getenv("TZ");
	if (env && *env == ':')
		env++;
	if (env && *env && tz_load(a, env, &z, err, sizeof err) == 0)
		return z;
	ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
	const char *name = "localtime";
	if (n > 0) {
		link[n] = '\0';
		const char *p = strstr(link, "zoneinfo/");
		if (p && name_ok(p + 9))
			name = p + 9;
	}
	if (load_path(a, "/etc/localtime", name, &z, err, sizeof err) == 0)
		return z;
	return tz_utc(a);
}

const char *tz_name(const tz_zone *z)
{
	return z->name;
}

/* ---- conversions ---- */

int32_t tz_offset(const tz_zone *z, int64_t t)
{
	int n = z->n_times;
	if (n == 0)
		return z->rule.present ? rule_offset(&z->rule, t) : z->utoff[0];
	if (t < z->times[0])
		return z->utoff[0]; /* before the first transition: type 0 (RFC 8536 3.2) */
	if (t >= z->times[n - 1] && z->rule.present)
		return rule_offset(&z->rule, t);
	int lo = 0, hi = n - 1; /* the last transition at or before t */
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return z->utoff[z->to[lo]];
}

int64_t tz_wall_to_utc(const tz_zone *z, int64_t wall)
{
	/* The instant lies within 18 hours of the wall time read as UTC (no zone is further from
	 * UTC than that), and no zone changes its offset twice within 36 hours, so the offsets in
	 * force 18 hours before and after are the only candidates. */
	const int64_t span = 18 * 3600;
	int32_t before = tz_offset(z, wall - span), after = tz_offset(z, wall + span);
	int64_t ua = wall - before, ub = wall - after;
	int va = tz_offset(z, ua) == before, vb = tz_offset(z, ub) == after;
	if (va && vb)
		return ua < ub ? ua : ub; /* read twice: the first */
	if (va)
		return ua;
	if (vb)
		return ub;
	/* Skipped: the change lies between ub (still the old offset) and ua (already the new);
	 * find its instant. */
	int64_t lo = ub < ua ? ub : ua, hi = ub < ua ? ua : ub;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (tz_offset(z, mid) == before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t tz_wall(civil_date d, int minute)
{
	return (int64_t)date_days(d) * 86400 + (int64_t)minute * 60;
}

civil_date tz_local_date(const tz_zone *z, int64_t t)
{
	return date_from_days((long)floor_div(t + tz_offset(z, t), 86400));
}

void tz_format(const tz_zone *z, int64_t t, char out[TZ_TEXT])
{
	int32_t off = tz_offset(z, t);
	int64_t local = t + off;
	int64_t day = floor_div(local, 86400), secs = local - day * 86400;
	civil_date d = date_from_days((long)day);
	int32_t a = off < 0 ? -off : off;
	snprintf(out, TZ_TEXT, "%04u-%02u-%02uT%02u:%02u:%02u%c%02u:%02u",
	         (unsigned)d.year % 10000u, (unsigned)d.month % 100u, (unsigned)d.day % 100u,
	         (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
	         off < 0 ? '-' : '+', (unsigned)(a / 3600) % 100u, (unsigned)(a / 60 % 60));
}

static int two(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int tz_parse_instant(const char *s, int64_t *out)
{
	civil_date d;
	char day[11];
	int hh, mm, ss, oh = 0, om = 0, sign = 1;
	if (!s || strlen(s) < 20 || strlen(s) > 40)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &d) || d.year < 1900 || (s[10] != 'T' && s[10] != 't') ||
	    two(s + 11, &hh) || s[13] != ':' || two(s + 14, &mm) || s[16] != ':' ||
	    two(s + 17, &ss) || hh > 23 || mm > 59 || ss > 59)
		return -1;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		/* UTC */
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && !two(p + 1, &oh) && p[3] == ':' &&
	           !two(p + 4, &om) && oh <= 23 && om <= 59) {
		sign = *p == '-' ? -1 : 1;
	} else {
		return -1;
	}
	*out = tz_wall(d, hh * 60 + mm) + ss - sign * (oh * 3600 + om * 60);
	return 0;
}
