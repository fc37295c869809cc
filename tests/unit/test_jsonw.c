/* Unit tests for util/jsonw: every case compares jsonw_dumps with jansson's own
 * json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(12)), byte for byte and length, on fixed edge
 * cases and on a few thousand seeded random trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* Asserts that jsonw_dumps(v) is json_dumps(v) (both NULL, or the same bytes and length), then
 * releases v. Returns 1 when jansson wrote something, 0 when both refused. */
static int same(json_t *v)
{
	char *want = json_dumps(v, FLAGS);
	size_t n = (size_t)-1;
	char *got = jsonw_dumps(v, &n);
	int wrote = want != NULL;
	if (!want) {
		assert_null(got);
	} else {
		if (!got)
			fail_msg("jsonw_dumps refused what json_dumps wrote: %s", want);
		if (n != strlen(want) || memcmp(got, want, n + 1) != 0)
			fail_msg("differ:\n json_dumps:  %s\n jsonw_dumps: %.*s", want, (int)n,
			         got);
		assert_int_equal(n, strlen(want));
		assert_memory_equal(got, want, n + 1);
	}
	free(want);
	free(got);
	if (v)
		json_decref(v);
	return wrote;
}

/* v alone in an array, and as the value and the key of an object. */
static void same_string_bytes(const char *s, size_t len)
{
	assert_int_equal(same(json_pack("[o]", json_stringn_nocheck(s, len))), 1);
	json_t *o = json_object();
	assert_int_equal(json_object_setn_new_nocheck(o, s, len, json_stringn_nocheck(s, len)), 0);
	assert_int_equal(same(o), 1);
}

static void strings_control_bytes(void **state)
{
	(void)state;
	for (int c = 0; c < 0x20; c++) {
		char s[4] = {'a', (char)c, 'b', (char)c};
		same_string_bytes(s, 3);
		same_string_bytes(s + 1, 1);
		same_string_bytes(s, 4);
	}
	char all[32];
	for (int c = 0; c < 0x20; c++)
		all[c] = (char)c;
	same_string_bytes(all, sizeof all);
}

static void strings_specials(void **state)
{
	(void)state;
	static const char *cases[] = {
	    "\x7f",
	    "a\x7f"
	    "b",
	    "/",
	    "</script>",
	    "http://x/y",
	    "\"",
	    "\\",
	    "\\\"",
	    "\"\"\\\\",
	    "say \"hi\"\\n",
	    "caf\xc3\xa9",
	    "\xe2\x82\xac 5",
	    "\xf0\x9f\x98\x80",
	    "\xc2\x80",
	    "\xdf\xbf",
	    "\xe0\xa0\x80",
	    "\xef\xbf\xbf",
	    "\xf0\x90\x80\x80",
	    "\xf4\x8f\xbf\xbf",
	    "\xe2\x80\xa8\xe2\x80\xa9",
	    "",
	    "plain ascii text",
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		same_string_bytes(cases[i], strlen(cases[i]));
	/* A NUL inside a string or key. */
	same_string_bytes("a\0b", 3);
}

/* jansson refuses to dump a string value that is not UTF-8 (utf8_iterate fails): jsonw must too.
 * A key that is not UTF-8 is written broken (see put_string in util/jsonw.c): jsonw must match. */
static void strings_invalid_utf8(void **state)
{
	(void)state;
	static const char *cases[] = {
	    "\x80",
	    "\xbf",
	    "\xc0\x80",
	    "\xc1\xbf",
	    "\xc3",
	    "a\xc3",
	    "\xc3(",
	    "\xe2\x82",
	    "\xe0\x80\x80",
	    "\xed\xa0\x80",
	    "\xed\xbf\xbf",
	    "\xf0\x80\x80\x80",
	    "\xf4\x90\x80\x80",
	    "\xf5\x80\x80\x80",
	    "\xff",
	    "\xfe",
	    "ok\xe2\x28\xa1",
	    "ab\ncd\xc3(xy",
	    "\t\xff",
	    "x\"y\x80z\\",
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *s = cases[i];
		assert_int_equal(same(json_pack("[o]", json_string_nocheck(s))), 0);
		json_t *o = json_object();
		assert_int_equal(json_object_set_new_nocheck(o, s, json_true()), 0);
		assert_int_equal(json_object_set_new_nocheck(o, "a\nb", json_false()), 0);
		assert_int_equal(same(o), 1);
	}
}

static void empties_and_atoms(void **state)
{
	(void)state;
	assert_int_equal(same(json_object()), 1);
	assert_int_equal(same(json_array()), 1);
	assert_int_equal(same(json_loads("[{},[],\"\",{\"\":\"\"},[[]],{\"a\":{}},[{}]]", 0, NULL)),
	                 1);
	assert_int_equal(same(json_pack("[bbn]", 1, 0)), 1);
	assert_int_equal(same(json_pack("{sbsbsn}", "t", 1, "f", 0, "n")), 1);
	/* Without JSON_ENCODE_ANY json_dumps refuses anything but an object or an array. */
	assert_int_equal(same(json_string("x")), 0);
	assert_int_equal(same(json_integer(1)), 0);
	assert_int_equal(same(json_real(1.5)), 0);
	assert_int_equal(same(json_true()), 0);
	assert_int_equal(same(json_null()), 0);
	assert_int_equal(same(NULL), 0);
}

static void integers(void **state)
{
	(void)state;
	static const json_int_t cases[] = {0,
	                                   -1,
	                                   1,
	                                   9,
	                                   10,
	                                   -10,
	                                   99,
	                                   100,
	                                   12345,
	                                   -987654321,
	                                   INT32_MAX,
	                                   INT32_MIN,
	                                   (json_int_t)INT32_MAX + 1,
	                                   INT64_MAX,
	                                   INT64_MIN,
	                                   INT64_MIN + 1,
	                                   INT64_MAX - 1};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_int_equal(same(json_pack("[I]", cases[i])), 1);
}

static const double real_cases[] = {
    0.0,
    -0.0,
    0.1,
    1.0,
    1e20,
    1e-5,
    123456789012.0,
    1234567890123.0,
    3.14159265358979,
    -2.5e-300,
    1e300,
    -1.0,
    1e-4,
    1e-7,
    1e11,
    1e12,
    1e15,
    1e16,
    1e17,
    1e21,
    1e-300,
    1e-320,
    5e-324,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    2.2250738585072014e-308,
    0.5,
    100.0,
    1e100,
    1e-100,
    0.30000000000000004,
    2.0 / 3.0,
    999999999999.5,
    9999999999999.0,
    123.456,
    -0.000001234,
};

static void reals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof real_cases / sizeof *real_cases; i++)
		assert_int_equal(same(json_pack("[f]", real_cases[i])), 1);
}

static json_t *nest(int levels, int objects)
{
	json_t *v = json_integer(levels);
	for (int i = 0; i < levels; i++) {
		json_t *c = objects && (i & 1) ? json_object() : json_array();
		if (json_is_object(c))
			json_object_set_new(c, "k", v);
		else
			json_array_append_new(c, v);
		v = c;
	}
	return v;
}

static void nesting_and_depth(void **state)
{
	(void)state;
	assert_int_equal(same(json_pack("{s:[i,{s:[f,s,n]}],s:{s:{s:{}}}}", "a", 1, "b", 2.5, "c",
	                                "d", "e", "f")),
	                 1);
	assert_int_equal(same(nest(JSONW_MAX_DEPTH, 0)), 1);
	assert_int_equal(same(nest(JSONW_MAX_DEPTH, 1)), 1);
	/* Deeper than the limit: jansson writes it, jsonw refuses. */
	json_t *deep = nest(JSONW_MAX_DEPTH + 1, 1);
	char *text = jsonw_dumps(deep, NULL);
	assert_null(text);
	json_decref(deep);
	/* A cycle: jansson's loop check refuses it, jsonw reaches the depth limit. */
	json_t *a = json_array(), *b = json_array();
	json_array_append(a, b);
	json_array_append(a, b);
	json_array_append(b, a);
	json_array_append(b, a);
	char *want = json_dumps(a, FLAGS);
	assert_null(want);
	text = jsonw_dumps(a, NULL);
	assert_null(text);
	json_array_clear(b);
	json_decref(b);
	json_decref(a);
	/* Insertion order kept, key replaced in place. */
	json_t *o = json_pack("{s:i,s:i,s:i}", "z", 1, "a", 2, "m", 3);
	json_object_set_new(o, "a", json_string("again"));
	json_object_del(o, "z");
	json_object_set_new(o, "z", json_integer(4));
	assert_int_equal(same(o), 1);
}

/* Random trees: xorshift64* seeded, so every run checks the same trees. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t rnd_string(char *buf, size_t cap)
{
	static const char *pieces[] = {
	    "\"",
	    "\\",
	    "/",
	    "\x7f",
	    "\xc3\xa9",
	    "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80",
	    "\xf4\x8f\xbf\xbf",
	    "\xc2\x80",
	    "\xef\xbf\xbf",
	    "\\u0041",
	    "e+05",
	    "\0",
	};
	size_t n = rnd() % 3 == 0 ? 0 : rnd() % 24, len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned pick = (unsigned)(rnd() % 10);
		if (pick < 5) {
			buf[len++] = (char)(0x20 + rnd() % 0x5F); /* printable ASCII */
		} else if (pick < 7) {
			buf[len++] = (char)(rnd() % 0x20); /* control */
		} else {
			size_t k = rnd() % (sizeof pieces / sizeof *pieces);
			size_t plen =
			    k == sizeof pieces / sizeof *pieces - 1 ? 1 : strlen(pieces[k]);
			if (len + plen > cap)
				break;
			memcpy(buf + len, pieces[k], plen);
			len += plen;
		}
		if (len + 4 > cap)
			break;
	}
	return len;
}

static double rnd_real(void)
{
	double d;
	switch (rnd() % 5) {
	case 0: d = real_cases[rnd() % (sizeof real_cases / sizeof *real_cases)]; break;
	case 1: d = (double)(int64_t)(rnd() >> (rnd() % 64)); break; /* integral: gets ".0" */
	case 2: d = ldexp((double)(rnd() >> 11), (int)(rnd() % 200) - 150); break;
	case 3:
		d = (double)(int64_t)(rnd() % 2000000 - 1000000) *
		    pow(10, (double)(rnd() % 40) - 20);
		break;
	default: {
		uint64_t bits = rnd();
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			d = 42.0;
	}
	}
	return rnd() % 2 ? -d : d;
}

static json_t *rnd_value(int depth)
{
	char s[64];
	size_t len;
	unsigned kind = (unsigned)(rnd() % (depth >= 4 ? 7 : 10));
	json_t *v = NULL;
	switch (kind) {
	case 0: v = json_null(); break;
	case 1: v = json_boolean(rnd() % 2); break;
	case 2: {
		static const json_int_t edge[] = {0, -1, 1, INT64_MIN, INT64_MAX, 10, -100};
		json_int_t i = rnd() % 2 ? edge[rnd() % 7] : (json_int_t)(rnd() >> (rnd() % 64));
		v = json_integer(rnd() % 2 && i != INT64_MIN ? -i : i);
		break;
	}
	case 3:
	case 4: v = json_real(rnd_real()); break;
	case 5:
	case 6:
		len = rnd_string(s, sizeof s);
		v = json_stringn(s, len);
		break;
	case 7:
	case 8: {
		v = json_object();
		size_t n = rnd() % 6;
		for (size_t i = 0; i < n; i++) {
			len = rnd_string(s, sizeof s);
			json_object_setn_new(v, s, len, rnd_value(depth + 1));
		}
		break;
	}
	default: {
		v = json_array();
		size_t n = rnd() % 6;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(v, rnd_value(depth + 1));
	}
	}
	assert_non_null(v);
	return v;
}

static void random_trees(void **state)
{
	(void)state;
	int wrote = 0, refused = 0;
	for (int t = 0; t < 4000; t++) {
		json_t *root = rnd() % 2 ? json_object() : json_array();
		size_t n = rnd() % 8;
		for (size_t i = 0; i < n; i++) {
			json_t *v = rnd_value(1);
			if (json_is_object(root))
				json_object_set_new(root, i % 2 ? "k" : "key", v);
			else
				json_array_append_new(root, v);
		}
		/* One tree in 50 also holds a string that is not UTF-8: both must refuse it. */
		if (t % 50 == 49) {
			json_t *bad = json_string_nocheck("x\xc3(");
			if (json_is_object(root))
				json_object_set_new(root, "bad", bad);
			else
				json_array_append_new(root, bad);
		}
		/* One in 50 holds a key that is not UTF-8, which jansson writes broken. */
		if (t % 50 == 24) {
			json_t *holder = json_is_object(root) ? root : json_object();
			json_object_set_new_nocheck(holder, "k\x01ey\xe2\x82", json_integer(t));
			if (holder != root)
				json_array_append_new(root, holder);
		}
		if (same(root))
			wrote++;
		else
			refused++;
	}
	assert_int_equal(refused, 4000 / 50);
	assert_int_equal(wrote, 4000 - 4000 / 50);
}

/* A response of the search's shape, 300 rows (about 80 KB), so the buffer grows several times. */
static void large_response(void **state)
{
	(void)state;
	json_t *items = json_array();
	for (int i = 0; i < 300; i++) {
		json_array_append_new(
		    items, json_pack("{s:s,s:s,s:s,s:s,s:i,s:f,s:[s,s],s:{s:s,s:n}}", "id",
		                     "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "mrn", "MRN-000123",
		                     "family_name",
		                     "M\xc3\xbcller-L\xc3\xbc"
		                     "denscheid",
		                     "given_name", "J\xc3\xbcrgen \"Jo\"", "age", 40 + i, "score",
		                     i / 7.0, "tags", "chronic\tpain", "neuropathy/CIPN", "address",
		                     "line", "12 Long Road\nFlat 3", "note"));
	}
	json_t *page = json_pack("{s:o,s:i,s:n}", "items", items, "total", 300, "next");
	assert_int_equal(same(page), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(strings_control_bytes),
	    cmocka_unit_test(strings_specials),
	    cmocka_unit_test(strings_invalid_utf8),
	    cmocka_unit_test(empties_and_atoms),
	    cmocka_unit_test(integers),
	    cmocka_unit_test(reals),
	    cmocka_unit_test(nesting_and_depth),
	    cmocka_unit_test(random_trees),
	    cmocka_unit_test(large_response),
	};
	return cmocka_run_group_tests_name("jsonw", tests, NULL, NULL);
}
