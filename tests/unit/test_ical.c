/* Unit tests for the iCalendar writer (core/ical.c): TEXT escaping, folding at 75 octets (exactly
 * 75, one over, long values, a two- and a four-octet UTF-8 sequence across the fold), UTC
 * DATE-TIMEs, and a whole calendar's lines (CRLF only, none over 75 octets, the properties and
 * the cancelled status). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/ical.h"

#include "tests/unit/arena_fixture.h"

/* n copies of c, in the arena. */
static char *repeat(char c, size_t n)
{
	char *s = arena_alloc(&ar, n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Checks that folded text is CRLF lines of at most 75 octets, each continuation starting with a
 * space and none starting inside a UTF-8 sequence; returns the unfolded text. */
static char *unfold_checked(const char *folded, int *lines)
{
	size_t n = strlen(folded);
	char *out = arena_alloc(&ar, n + 1);
	size_t o = 0;
	*lines = 0;
	const char *p = folded;
	while (*p) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		size_t len = (size_t)(end - p);
		assert_true(len <= ICAL_FOLD);
		assert_null(memchr(p, '\n', len));
		assert_null(memchr(p, '\r', len));
		const char *body = p;
		if (*lines > 0) {
			assert_int_equal(p[0], ' ');
			body++;
			len--;
		}
		if (len)
			assert_int_not_equal((unsigned char)body[0] & 0xC0, 0x80);
		memcpy(out + o, body, len);
		o += len;
		(*lines)++;
		p = end + 2;
	}
	out[o] = '\0';
	return out;
}

static void escape_text(void **state)
{
	(void)state;
	assert_string_equal(ical_escape_text(&ar, "plain"), "plain");
	assert_string_equal(ical_escape_text(&ar, ""), "");
	assert_string_equal(ical_escape_text(&ar, "a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
	/* CRLF is one newline, a lone CR is dropped; other control characters become spaces; a
	 * tab stays (TEXT allows it). */
	assert_string_equal(ical_escape_text(&ar, "one\r\ntwo\rthree"), "one\\ntwo"
	                                                                "three");
	assert_string_equal(ical_escape_text(&ar, "a\x01"
	                                          "b\x7f"
	                                          "c\td"),
	                    "a b c\td");
	/* A colon and a double quote need no escape in TEXT. */
	assert_string_equal(ical_escape_text(&ar, "x:\"y\""), "x:\"y\"");
	/* Multi-byte UTF-8 passes through untouched. */
	assert_string_equal(ical_escape_text(&ar, "Zoë, 🩺;"), "Zoë\\, 🩺\\;");
	assert_string_equal(ical_escape_text(&ar, "\\\\,,"), "\\\\\\\\\\,\\,");
}

static void fold_exact(void **state)
{
	(void)state;
	/* Exactly 75 octets: one line. */
	char *l75 = repeat('a', 75);
	char *f = ical_fold(&ar, l75);
	assert_int_equal(strlen(f), 77);
	assert_string_equal(f + 75, "\r\n");
	int lines;
	assert_string_equal(unfold_checked(f, &lines), l75);
	assert_int_equal(lines, 1);
	/* 76: the 76th octet goes on a continuation line. */
	char *l76 = repeat('b', 76);
	f = ical_fold(&ar, l76);
	assert_int_equal(strncmp(f + 75, "\r\n b\r\n", 6), 0);
	assert_int_equal(strlen(f), 75 + 2 + 2 + 2);
	assert_string_equal(unfold_checked(f, &lines), l76);
	assert_int_equal(lines, 2);
	/* 75 + 74: the continuation (space + 74) is exactly 75 too. */
	char *l149 = repeat('c', 149);
	f = ical_fold(&ar, l149);
	assert_string_equal(unfold_checked(f, &lines), l149);
	assert_int_equal(lines, 2);
	assert_int_equal(strlen(f), 75 + 2 + 75 + 2);
	/* Empty. */
	assert_string_equal(ical_fold(&ar, ""), "\r\n");
}

static void fold_long(void **state)
{
	(void)state;
	char *big = repeat('x', 5000);
	int lines;
	char *f = ical_fold(&ar, big);
	assert_string_equal(unfold_checked(f, &lines), big);
	/* 75 on the first line, 74 on each after it. */
	assert_int_equal(lines, 1 + (5000 - 75 + 73) / 74);
}

static void fold_multibyte(void **state)
{
	(void)state;
	int lines;
	/* 74 ASCII then "é" (2 octets): it would end at octet 76, so it moves to the next line
	 * whole and the first line has 74 octets. */
	char *s = arena_printf(&ar, "%sé", repeat('a', 74));
	char *f = ical_fold(&ar, s);
	assert_int_equal(strstr(f, "\r\n") - f, 74);
	assert_string_equal(f + 74, "\r\n é\r\n");
	assert_string_equal(unfold_checked(f, &lines), s);
	/* 73 ASCII then "é": ends exactly at 75, no fold. */
	s = arena_printf(&ar, "%sé", repeat('a', 73));
	f = ical_fold(&ar, s);
	assert_string_equal(unfold_checked(f, &lines), s);
	assert_int_equal(lines, 1);
	/* A four-octet emoji starting at octets 72..75 of the first line. */
	for (size_t pre = 71; pre <= 75; pre++) {
		s = arena_printf(&ar, "%s🩺tail", repeat('a', pre));
		f = ical_fold(&ar, s);
		assert_string_equal(unfold_checked(f, &lines), s);
		size_t first = (size_t)(strstr(f, "\r\n") - f);
		assert_int_equal(first, pre + 4 <= 75 ? 75 : pre);
	}
	/* A long run of emoji and accented letters: every piece whole, the text survives. */
	char *run = "";
	for (int i = 0; i < 60; i++)
		run = arena_printf(&ar, "%s%s", run, i % 3 ? "🩺" : "ñé");
	f = ical_fold(&ar, run);
	assert_string_equal(unfold_checked(f, &lines), run);
	assert_true(lines > 3);
}

static void datetimes(void **state)
{
	(void)state;
	char out[17];
	ical_datetime(0, out);
	assert_string_equal(out, "19700101T000000Z");
	ical_datetime(1799071200, out); /* 2027-01-04T14:00:00Z */
	assert_string_equal(out, "20270104T140000Z");
	ical_datetime(951868799, out); /* 2000-02-29T23:59:59Z */
	assert_string_equal(out, "20000229T235959Z");
	ical_datetime(-1, out);
	assert_string_equal(out, "19691231T235959Z");
}

/* The value of the first unfolded line starting with prefix, or NULL. */
static const char *prop(const char *unfolded_lines, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = unfolded_lines; p && *p;) {
		if (strncmp(p, prefix, n) == 0) {
			const char *end = strstr(p, "\r\n");
			return arena_strndup(&ar, p + n, (size_t)(end - p - (ptrdiff_t)n));
		}
		p = strstr(p, "\r\n");
		p = p ? p + 2 : NULL;
	}
	return NULL;
}

static void calendar(void **state)
{
	(void)state;
	char *long_name =
	    arena_printf(&ar, "Room; East, %s 🩺 wing\nsecond line", repeat('z', 90));
	ical_event ev[2] = {
	    {"0190a1b2-0000-7000-8000-000000000001@schwann", 1799071200, 1799073000,
	     "Booked: Consultation", long_name, NULL, 0, 2, 1798000000, 1798100000},
	    {"0190a1b2-0000-7000-8000-000000000002@schwann", 1799076400, 1799079100,
	     "Booked: Injection", NULL, "Dr A, Room 1", 1, 0, -1, -1},
	};
	ical_calendar c = {"Ultrasound 1", 1798900000, 15, ev, 2};
	size_t len;
	char *text = ical_write(&ar, &c, &len);
	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, "BEGIN:VCALENDAR\r\n", 17), 0);
	assert_string_equal(text + len - 15, "END:VCALENDAR\r\n");
	/* Every physical line ends in CRLF and is at most 75 octets; unfold to read it back. */
	size_t n = strlen(text);
	char *u = arena_alloc(&ar, n + 1);
	size_t o = 0;
	for (const char *p = text; *p;) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		assert_true(end - p <= ICAL_FOLD);
		assert_null(memchr(p, '\n', (size_t)(end - p)));
		if (p != text && p[0] == ' ') {
			o -= 2; /* a continuation: remove the CRLF before it and its space */
			p++;
		}
		memcpy(u + o, p, (size_t)(end - p) + 2);
		o += (size_t)(end - p) + 2;
		p = end + 2;
	}
	u[o] = '\0';
	assert_string_equal(prop(u, "VERSION:"), "2.0");
	assert_string_equal(prop(u, "CALSCALE:"), "GREGORIAN");
	assert_string_equal(prop(u, "METHOD:"), "PUBLISH");
	assert_non_null(prop(u, "PRODID:"));
	assert_string_equal(prop(u, "X-WR-CALNAME:"), "Ultrasound 1");
	assert_string_equal(prop(u, "REFRESH-INTERVAL;VALUE=DURATION:"), "PT15M");
	assert_string_equal(prop(u, "UID:"), "0190a1b2-0000-7000-8000-000000000001@schwann");
	assert_string_equal(prop(u, "DTSTAMP:"), "20270102T142640Z");
	assert_string_equal(prop(u, "DTSTART:"), "20270104T140000Z");
	assert_string_equal(prop(u, "DTEND:"), "20270104T143000Z");
	assert_string_equal(prop(u, "SEQUENCE:"), "2");
	assert_string_equal(prop(u, "STATUS:"), "CONFIRMED");
	assert_string_equal(prop(u, "LOCATION:"), ical_escape_text(&ar, long_name));
	/* The second event: cancelled, no location, a description. */
	const char *second = strstr(u, "UID:0190a1b2-0000-7000-8000-000000000002@schwann");
	assert_non_null(second);
	assert_string_equal(prop(second, "STATUS:"), "CANCELLED");
	assert_string_equal(prop(second, "TRANSP:"), "TRANSPARENT");
	assert_string_equal(prop(second, "DESCRIPTION:"), "Dr A\\, Room 1");
	assert_null(prop(second, "LOCATION:"));
	assert_null(prop(second, "CREATED:"));
	/* Two events, each closed. */
	int begins = 0, ends = 0;
	for (const char *p = u; (p = strstr(p, "BEGIN:VEVENT\r\n")); p++)
		begins++;
	for (const char *p = u; (p = strstr(p, "END:VEVENT\r\n")); p++)
		ends++;
	assert_int_equal(begins, 2);
	assert_int_equal(ends, 2);
}

static void empty_calendar(void **state)
{
	(void)state;
	ical_calendar c = {NULL, 0, 0, NULL, 0};
	size_t len;
	char *text = ical_write(&ar, &c, &len);
	assert_string_equal(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Schwann//Calendar "
	                          "feed//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:"
	                          "VCALENDAR\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(escape_text, setup, teardown),
	    cmocka_unit_test_setup_teardown(fold_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(fold_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(fold_multibyte, setup, teardown),
	    cmocka_unit_test_setup_teardown(datetimes, setup, teardown),
	    cmocka_unit_test_setup_teardown(calendar, setup, teardown),
	    cmocka_unit_test_setup_teardown(empty_calendar, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
