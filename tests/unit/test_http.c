/* Unit tests for http/: which requests the h2o engine runs on its event loop
 * (http_request_quick): bounded reads only, whatever the route table says of the rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/engine.h"

/* Whether method path?query would run on the loop. */
static int quick(const char *method, const char *path, const char *query)
{
	arena a;
	arena_init(&a);
	http_req r;
	http_request_init(&r, &a, method, path, query, "127.0.0.1", NULL, 0);
	int q = http_request_quick(&r);
	arena_free(&a);
	return q;
}

static void bounded_reads_on_the_loop(void **state)
{
	(void)state;
	assert_true(quick("GET", "/api/v1/health", NULL));
	assert_true(quick("GET", "/api/v1/patients/01a22596-deef-75f9-9113-bb140871f4bc", NULL));
	assert_true(quick("HEAD", "/api/v1/patients/01a22596-deef-75f9-9113-bb140871f4bc", NULL));
	assert_true(quick("GET", "/api/v1/medications/01a22596-deef-75f9-9113-bb140871f4bc", NULL));
	/* The patient list: a search by name, the list by name, a next page by the keyset. */
	assert_true(quick("GET", "/api/v1/patients", "q=Smi"));
	assert_true(quick("GET", "/api/v1/patients", "q=Smith%20Jo"));
	assert_true(quick("GET", "/api/v1/patients", NULL));
	assert_true(quick("GET", "/api/v1/patients", "sort=name&cursor=abc"));
}

static void the_rest_on_workers(void **state)
{
	(void)state;
	/* Writes, and routes not marked quick. */
	assert_false(quick("POST", "/api/v1/patients", NULL));
	assert_false(quick("PATCH", "/api/v1/patients/01a22596-deef-75f9-9113-bb140871f4bc", NULL));
	assert_false(quick("GET", "/api/v1/outcomes/responders", NULL));
	assert_false(quick("GET", "/api/v1/audit", NULL));
	/* The patient list's shapes that may read much of the table: the last-visit sort and a part
	 * of an MRN (a scan). */
	assert_false(quick("GET", "/api/v1/patients", "sort=last_visit"));
	assert_false(quick("GET", "/api/v1/patients", "sort=last_visit&cursor=abc"));
	assert_false(quick("GET", "/api/v1/patients", "q=90817"));
	assert_false(quick("GET", "/api/v1/patients", "q=1960-02-03"));
	/* Not the API. */
	assert_false(quick("GET", "/", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bounded_reads_on_the_loop),
	    cmocka_unit_test(the_rest_on_workers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
