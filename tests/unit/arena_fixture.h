/* A cmocka fixture for unit tests that need only an arena: `ar`, set up before and freed after
 * (per test or per group, as the test file registers setup and teardown). */
#ifndef SCHWANN_TEST_ARENA_FIXTURE_H
#define SCHWANN_TEST_ARENA_FIXTURE_H

#include "util/arena.h"

static arena ar;

static int setup(void **state)
{
	(void)state;
	arena_init(&ar);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&ar);
	return 0;
}

#endif
