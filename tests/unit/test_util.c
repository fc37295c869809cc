/* Unit tests for util/: dates, arena, strbuf, UUIDv7, validation helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/arena.h"
#include "util/dates.h"
#include "util/jsonv.h"
#include "util/strbuf.h"
#include "util/uuid.h"

static void dates_parse(void **state)
{
	(void)state;
	civil_date d;
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_int_equal(date_parse("2023-02-29", &d), -1); /* not a leap year */
	assert_int_equal(date_parse("1900-02-29", &d), -1); /* century, not leap */
	assert_int_equal(date_parse("2000-02-29", &d), 0);  /* 400-year leap */
	assert_int_equal(date_parse("2024-13-01", &d), -1);
	assert_int_equal(date_parse("2024-04-31", &d), -1);
	assert_int_equal(date_parse("2024-4-01", &d), -1);
	assert_int_equal(date_parse("2024-04-01x", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(date_parse(NULL, &d), -1);
	assert_int_equal(date_parse_partial("2024-06", &d), 0);
	assert_int_equal(d.day, 0);
	assert_int_equal(date_parse_partial("2024-00", &d), -1);
}

static void dates_arith(void **state)
{
	(void)state;
	civil_date a = {1970, 1, 1}, b = {2000, 3, 1};
	assert_int_equal(date_days(a), 0);
	assert_int_equal(date_days(b), 11017);
	civil_date onset = {2023, 5, 20}, today = {2024, 5, 19};
	assert_int_equal(date_months_between(onset, today), 11); /* a day short of 12 */
	today.day = 20;
	assert_int_equal(date_months_between(onset, today), 12);
	civil_date month_only = {2024, 5, 0}, day = {2024, 5, 31};
	assert_int_equal(date_cmp(month_only, day), 0);
	assert_true(date_cmp(a, b) < 0);
	char now[21];
	instant_now(now);
	assert_int_equal(strlen(now), 20);
	assert_int_equal(now[19], 'Z');
}

static void arena_basics(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	char *s = arena_printf(&a, "%s-%d", "x", 42);
	assert_string_equal(s, "x-42");
	/* Many allocations and a big one; all must be usable and aligned. */
	for (int i = 0; i < 2000; i++) {
		void *p = arena_alloc(&a, (size_t)(i % 97 + 1));
		assert_true(((uintptr_t)p % 16) == 0);
		memset(p, 0xab, (size_t)(i % 97 + 1));
	}
	char *big = arena_alloc(&a, 100000);
	memset(big, 1, 100000);
	assert_string_equal(s, "x-42");
	arena_clear(&a);
	assert_int_equal(a.total, 0);
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_free(&a);
}

static void strbuf_cap(void **state)
{
	(void)state;
	strbuf b;
	strbuf_init(&b, 10);
	assert_int_equal(strbuf_puts(&b, "12345"), 0);
	assert_int_equal(strbuf_puts(&b, "67890"), 0);
	assert_int_equal(strbuf_puts(&b, "!"), -1); /* past the cap: refused, content kept */
	assert_string_equal(b.buf, "1234567890");
	assert_int_equal(strbuf_printf(&b, "%d", 1), -1);
	strbuf_reset(&b);
	assert_int_equal(strbuf_printf(&b, "%03d", 7), 0);
	assert_string_equal(b.buf, "007");
	strbuf_free(&b);
}

static void uuid_v7_format(void **state)
{
	(void)state;
	char id[UUID_STR_LEN + 1], id2[UUID_STR_LEN + 1];
	unsigned char rnd[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uuid_v7_from(id, 0x0123456789abull, rnd);
	assert_string_equal(id, "01234567-89ab-7fff-bfff-ffffffffffff");
	assert_true(uuid_valid(id));
	uuid_v7(id);
	uuid_v7(id2);
	assert_true(uuid_valid(id));
	assert_int_equal(id[14], '7');
	assert_string_not_equal(id, id2);
	assert_false(uuid_valid("not-a-uuid"));
	assert_false(uuid_valid("01234567-89ab-7fff-bfff-fffffffffffg"));
}

static void jsonv_collects_all(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	json_t *o = json_loads("{\"name\":\"\",\"n\":3,\"long\":\"abcdef\",\"x\":1,"
	                       "\"e\":\"blue\",\"b\":\"yes\",\"u\":\"\\u00e9\\u00e9\"}",
	                       0, NULL);
	static const char *const allowed[] = {"name", "n", "long", "e", "b", "u", "missing", NULL};
	jv_no_unknown(&v, o, NULL, allowed);
	assert_null(jv_string(&v, o, NULL, "name", 10, JV_REQUIRED, NULL));
	assert_null(jv_string(&v, o, NULL, "n", 10, JV_REQUIRED, NULL));
	assert_null(jv_string(&v, o, NULL, "long", 5, JV_OPTIONAL, NULL));
	assert_null(jv_string(&v, o, NULL, "missing", 5, JV_REQUIRED, NULL));
	assert_string_equal(jv_string(&v, o, NULL, "u", 2, JV_REQUIRED, NULL), "\xc3\xa9\xc3\xa9");
	static const char *const colours[] = {"red", "green", NULL};
	assert_null(jv_enum(&v, o, NULL, "e", colours, JV_REQUIRED, NULL));
	int flag = 0;
	jv_bool(&v, o, NULL, "b", &flag);
	assert_int_equal(v.n, 7);
	assert_string_equal(v.items[0].path, "x");
	assert_string_equal(v.items[0].message, "unknown field");
	assert_string_equal(v.items[1].path, "name");
	assert_string_equal(v.items[3].message, "must be at most 5 characters");
	assert_string_equal(v.items[5].message, "must be one of: red, green");
	json_decref(o);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dates_parse),    cmocka_unit_test(dates_arith),
	    cmocka_unit_test(arena_basics),   cmocka_unit_test(strbuf_cap),
	    cmocka_unit_test(uuid_v7_format), cmocka_unit_test(jsonv_collects_all),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
