/* schwann synth: writes a synthetic registry (the response model of core/synth.c) into a database
 * for the outcome reports and their benchmark; every patient is marked synthetic. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../core/synth.h"
#include "../util/uuid.h"
#include "cli.h"

#define MAX_PATIENTS 10000000L

static uuid_seq ids;

static const char *next_id(arena *a)
{
	char *id = arena_alloc(a, UUID_STR_LEN + 1);
	uuid_seq_next(&ids, id);
	return id;
}

typedef struct tally {
	long treated[SYNTH_BIOLOGICS], comparator, readings;
} tally;

static void count(tally *t, const synth_patient *sp)
{
	if (sp->biologic == SYNTH_NONE)
		t->comparator++;
	else
		t->treated[sp->biologic]++;
	for (int i = 0; i < sp->n_readings; i++)
		t->readings += !sp->readings[i].voided;
}

/* Generates and writes patients 0..n-1 of seed. */
static sw_err load(store *st, const synth_catalogue *cat, uint64_t seed, long n, tally *t)
{
	arena a;
	arena_init(&a);
	civil_date today = date_today();
	char now[21];
	instant_now(now);
	synth_patient *sp = malloc(sizeof *sp);
	synth_record recs[SYNTH_MAX_RECORDS];
	rec_write w[SYNTH_MAX_RECORDS];
	sw_err rc = sp ? SW_OK : SW_EIO;
	for (long i = 0; i < n && !rc; i++) {
		patient p;
		synth_generate(seed, i, today, sp);
		int k = synth_records(&a, cat, sp, seed, next_id, now, &p, recs, SYNTH_MAX_RECORDS);
		for (int j = 0; j < k; j++)
			w[j] = (rec_write){recs[j].k, recs[j].rec, 0, NULL};
		rc = st->ops->bulk_put(st, &a, &p, w, k);
		if (rc == SW_ECONFLICT)
			fprintf(stderr,
			        "schwann: patient %s is already in this database: seed %llu was "
			        "loaded here before; use another --seed or a new database\n",
			        p.mrn, (unsigned long long)seed);
		count(t, sp);
		arena_clear(&a);
		if (n >= 100000 && (i + 1) % (n / 10) == 0)
			fprintf(stderr, "schwann: %ld of %ld patients written\n", i + 1, n);
	}
	free(sp);
	arena_free(&a);
	return rc;
}

static int number(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

int cmd_synth(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--db", "PATH", "database to write (new, or holding only synthetic patients)", NULL},
	    {"--patients", "N", "how many patients (default 1000)", NULL},
	    {"--seed", "S", "the registry's seed: the same seed, the same patients (default 1)",
	     NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann synth --db PATH [--patients N] [--seed S]", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db"))
		return 2;
	long n = 1000, seed = 1;
	const char *np = cli_get(opts, "--patients"), *sp = cli_get(opts, "--seed");
	if (np && number(np, 1, MAX_PATIENTS, &n)) {
		fprintf(stderr, "schwann: --patients must be a whole number from 1 to %ld\n",
		        MAX_PATIENTS);
		return 2;
	}
	if (sp && number(sp, 0, 2147483647L, &seed)) {
		fprintf(stderr, "schwann: --seed must be a whole number from 0 to 2147483647\n");
		return 2;
	}
	const char *path = cli_get(opts, "--db");
	store *st = cli_open_store(path);
	if (!st)
		return 1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	arena defs;
	arena_init(&defs);
	instrument_set set = {0};
	treatment_set tx = {0};
	synth_catalogue *cat = calloc(1, sizeof *cat);
	char err[256] = "";
	rc = cat ? cli_load_instruments(&defs, NULL, &set) : -1;
	if (!rc)
		rc = cli_load_treatment(&defs, NULL, &set, &tx);
	if (!rc && synth_catalogue_init(&defs, &set, &tx, date_today(), cat, err, sizeof err)) {
		fprintf(stderr, "schwann: %s\n", err);
		rc = -1;
	}
	sw_err begun = rc ? SW_EINVAL : st->ops->bulk_begin(st);
	if (begun == SW_ECONFLICT)
		fprintf(stderr,
		        "schwann: %s holds patients who are not synthetic; a synthetic registry "
		        "goes into a database of its own\n",
		        path);
	else if (begun && !rc)
		fprintf(stderr, "schwann: cannot start writing to %s\n", path);
	tally t = {0};
	uuid_seq_init(&ids);
	sw_err loaded = begun ? begun : load(st, cat, (uint64_t)seed, n, &t);
	audit_record audit = {.action = "synth.load",
	                      .resource_type = "registry",
	                      .detail =
	                          arena_printf(&defs, "%ld synthetic patients, seed %ld", n, seed)};
	if (!begun && st->ops->bulk_end(st, loaded ? NULL : &audit) && !loaded)
		loaded = SW_EDB;
	if (loaded && !begun && loaded != SW_ECONFLICT)
		fprintf(stderr, "schwann: writing the registry failed (batches written before the "
		                "failure stay in the database)\n");
	cli_release_treatment(&tx);
	cli_release_instruments(&set);
	free(cat);
	st->ops->close(st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!rc && !loaded) {
		long treated = t.treated[SYNTH_PRP] + t.treated[SYNTH_BMAC] + t.treated[SYNTH_SVF];
		printf("Synthetic registry in %s (seed %ld): %ld SYNTHETIC patients, %ld treated "
		       "(prp %ld, bmac %ld, adipose_svf %ld), %ld comparator; %ld NRS readings; "
		       "%.1f s (%.0f patients/s)\n",
		       path, seed, n, treated, t.treated[SYNTH_PRP], t.treated[SYNTH_BMAC],
		       t.treated[SYNTH_SVF], t.comparator, t.readings, secs, (double)n / secs);
	}
	arena_free(&defs);
	return rc || loaded ? 1 : 0;
}
