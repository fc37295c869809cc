/* schwann demo: a database with a synthetic clinic and one login per role. */
#include <stdio.h>
#include <string.h>

#include "../core/demo_treatment.h"
#include "../core/instrument.h"
#include "../core/neuropathy.h"
#include "../util/dates.h"
#include "cli.h"

#define DEMO_PATIENTS 200

static const struct {
	const char *role, *email, *name, *password;
} demo_staff[] = {
    {"admin", "admin@demo.schwann.test", "Ada Admin (demo)", "demo-admin-pass"},
    {"clinician", "clinician@demo.schwann.test", "Dr Cleo Clinician (demo)", "demo-clinician-pass"},
    {"nurse", "nurse@demo.schwann.test", "Nia Nurse (demo)", "demo-nurse-pass"},
    {"front_desk", "frontdesk@demo.schwann.test", "Fred Frontdesk (demo)", "demo-frontdesk-pass"},
    {"researcher", "researcher@demo.schwann.test", "Rae Researcher (demo)", "demo-researcher-pass"},
};

/* Generates and stores count patients, each with a work-up and about half with a treatment plan;
 * counts the plans by protocol into tally. */
static int load_patients(store *st, int count, const instrument_set *set, const treatment_set *tx,
                         const char *decider, demo_tally *tally)
{
	arena a;
	arena_init(&a);
	demo_rng g;
	demo_rng_init(&g, DEMO_SEED);
	civil_date today = date_today();
	char now[21];
	instant_now(now);
	rec_ctx cx = {.a = &a,
	              .today = today,
	              .now = now,
	              .instruments = set,
	              .treatment = tx,
	              .chronic_months = CHRONIC_MONTHS_DEFAULT};
	int rc = 0;
	for (int i = 0; i < count && !rc; i++) {
		patient p;
		condition c;
		demo_course course;
		int pain;
		demo_patient(&g, i, &a, today, &p, &c);
		demo_course_pick(&g, tx, &c, today, tally, &course);
		/* The work-up comes before the plan starts. */
		civil_date last =
		    course.proto && date_cmp(course.start, today) < 0 ? course.start : today;
		json_t *w = demo_workup(&g, &a, &c, last, &pain);
		json_t *t =
		    course.proto ? demo_treatment(&g, &a, &course, &c, pain, today, tally) : NULL;
		rc = cli_demo_store(st, &a, &cx, decider, &p, &c, w, t);
		json_decref(w);
		json_decref(t);
		arena_clear(&a);
	}
	arena_free(&a);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--db", "PATH", "database file to create (must not hold staff yet)", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann demo --db PATH", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db"))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	int64_t n = 0;
	if (st->ops->staff_count(st, &n) || n > 0) {
		fprintf(stderr,
		        "schwann: %s already holds staff; demo data goes in a new database\n",
		        cli_get(opts, "--db"));
		st->ops->close(st);
		return 1;
	}
	for (size_t i = 0; i < sizeof demo_staff / sizeof *demo_staff && !rc; i++)
		rc = cli_add_staff(st, demo_staff[i].email, demo_staff[i].name, demo_staff[i].role,
		                   demo_staff[i].password);
	arena defs;
	arena_init(&defs);
	instrument_set set = {0};
	treatment_set tx = {0};
	demo_tally tally = {0};
	if (!rc)
		rc = cli_load_instruments(&defs, NULL, &set);
	if (!rc)
		rc = cli_load_treatment(&defs, NULL, &set, &tx);
	staff clinician, nurse;
	demo_office_counts office = {0};
	if (!rc)
		rc = st->ops->staff_by_email(st, &defs, demo_staff[1].email, &clinician) ||
		             st->ops->staff_by_email(st, &defs, demo_staff[2].email, &nurse)
		         ? -1
		         : 0;
	if (!rc)
		rc = load_patients(st, DEMO_PATIENTS, &set, &tx, clinician.id, &tally);
	if (!rc)
		rc = cli_demo_office(st, &tx, clinician.id, nurse.id, &office);
	cli_release_treatment(&tx);
	cli_release_instruments(&set);
	arena_free(&defs);
	st->ops->close(st);
	if (rc)
		return 1;
	int plans[DEMO_PROTOCOLS] = {0};
	for (int p = 0; p < DEMO_PROTOCOLS; p++)
		for (int s = 0; s < DEMO_STATES; s++)
			plans[p] += tally.plans[p][s];
	printf(
	    "Demo clinic created in %s: %d SYNTHETIC patients (MRN DEMO-…), not real people;\n"
	    "%d treatment plans (PRP series %d, BMAC %d, adipose SVF %d) in every state;\n"
	    "calendars for a clinician, a nurse and three rooms, a price list in USD, %d visits\n"
	    "booked over the next four weeks, %d invoices issued (%d paid in full or in part).\n\n"
	    "Logins (demo only):\n",
	    cli_get(opts, "--db"), DEMO_PATIENTS, plans[0] + plans[1] + plans[2], plans[0],
	    plans[1], plans[2], office.booked, office.invoices, office.paid);
	for (size_t i = 0; i < sizeof demo_staff / sizeof *demo_staff; i++)
		printf("  %-11s %-32s %s\n", demo_staff[i].role, demo_staff[i].email,
		       demo_staff[i].password);
	return 0;
}
