/* Unit tests for util/json_mem.c, jansson's allocator: inside json_mem_use a tree comes from the
 * arena and freeing it frees nothing; outside it comes from malloc and is freed (ASan would
 * report a leak or a bad free); a tree is freed on another thread than the one that built it; and
 * json_mem_dumps gives json_dumps's text in the arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/json_mem.h"

static json_t *tree(void)
{
	json_t *items = json_array();
	for (int i = 0; i < 200; i++)
		json_array_append_new(items, json_pack("{s:i, s:s, s:[f, b]}", "n", i, "name",
		                                       "Quillfeather", "v", 1.5, 1));
	return json_pack("{s:o, s:n}", "items", items, "next_cursor");
}

static void test_request_trees_come_from_the_arena(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	json_mem_use(&a);
	json_t *t = tree();
	size_t used = a.total;
	assert_true(used > 200 * 64); /* every value and member, from the arena */
	json_t *body = json_loads("{\"family_name\": \"Oakhollow\", \"n\": [1, 2, 3]}", 0, NULL);
	assert_non_null(body);
	assert_true(a.total > used);
	json_decref(body);
	json_decref(t); /* frees nothing: ASan would see a free of arena memory */
	json_mem_use(NULL);
	size_t before = a.total;
	json_t *outside = tree(); /* from malloc now: freed, or ASan reports a leak */
	assert_int_equal(a.total, before);
	json_decref(outside);
	arena_free(&a);
}

static void *free_it(void *t)
{
	json_decref(t);
	return NULL;
}

static void test_freed_on_another_thread(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	json_mem_use(&a);
	json_t *in_arena = tree();
	json_mem_use(NULL);
	json_t *in_heap = tree();
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, free_it, in_arena), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(pthread_create(&th, NULL, free_it, in_heap), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	arena_free(&a);
}

static void test_dumps_into_the_arena(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	json_t *t = json_pack("{s:s, s:i}", "b", "x", "a", 1);
	char *text = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS);
	char *copy = json_mem_dumps(&a, t, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(copy, "{\"a\":1,\"b\":\"x\"}");
	assert_string_equal(copy, text);
	json_mem_free(text); /* json_dumps's own text: freed through the allocator, not free() */
	json_mem_use(&a);
	size_t before = a.total;
	copy = json_mem_dumps(&a, t, JSON_COMPACT);
	assert_non_null(copy);
	assert_true(a.total > before);
	json_mem_use(NULL);
	json_decref(t);
	arena_free(&a);
}

int main(void)
{
	json_mem_install();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_trees_come_from_the_arena),
	    cmocka_unit_test(test_freed_on_another_thread),
	    cmocka_unit_test(test_dumps_into_the_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
