/* schwann demo: a database with a synthetic clinic and one login per role. */
#include <stdio.h>
#include <string.h>

#include "../core/demo.h"
#include "../core/instrument.h"
#include "../util/dates.h"
#include "../util/uuid.h"
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

static audit_record demo_audit(const char *now, const char *type, const char *id, const char *pid)
{
	audit_record r = {0};
	r.at = now;
	r.action = "demo.load";
	r.resource_type = type;
	r.resource_id = id;
	r.patient_id = pid;
	return r;
}

/* Validates and stores one patient's generated work-up through the same rules as the API. */
static sw_err load_workup(store *st, arena *a, const instrument_set *set, json_t *w,
                          const patient *p, const char *now, civil_date today)
{
	static const struct {
		const char *key;
		const rec_kind *k;
	} parts[] = {{"diary", &rk_diary},
	             {"assessments", &rk_assessment},
	             {"observations", &rk_observation}};
	vctx v;
	vctx_init(&v, a);
	rec_ctx cx = {.a = a,
	              .birth_date = p->birth_date,
	              .sex = p->sex_at_birth,
	              .today = today,
	              .now = now,
	              .instruments = set};
	sw_err rc = SW_OK;
	for (size_t j = 0; j < sizeof parts / sizeof parts[0]; j++) {
		const rec_kind *k = parts[j].k;
		size_t i;
		json_t *body;
		json_array_foreach(json_object_get(w, parts[j].key), i, body)
		{
			void *rec = arena_zalloc(a, k->size);
			if (rc || rec_from_json(&v, k, body, rec, 0, &cx))
				continue;
			char *id = arena_alloc(a, UUID_STR_LEN + 1);
			uuid_v7(id);
			rec_set_new(k, rec, id, p->id, now, NULL);
			audit_record r =
			    demo_audit(now, k->resource ? k->resource : k->name, id, p->id);
			rc = st->ops->rec_create(st, a, k, rec, &r);
		}
	}
	for (int k = 0; k < v.n; k++)
		fprintf(stderr, "schwann: demo generator bug: %s: %s\n", v.items[k].path,
		        v.items[k].message);
	return v.n ? SW_EINVAL : rc;
}

static int load_patients(store *st, int count, const instrument_set *set)
{
	arena a;
	arena_init(&a);
	demo_rng g;
	demo_rng_init(&g, DEMO_SEED);
	civil_date today = date_today();
	sw_err rc = SW_OK;
	char now[21];
	instant_now(now);
	for (int i = 0; i < count && !rc; i++) {
		patient p;
		condition c;
		char pid[UUID_STR_LEN + 1], cid[UUID_STR_LEN + 1];
		demo_patient(&g, i, &a, today, &p, &c);
		uuid_v7(pid);
		uuid_v7(cid);
		p.id = pid;
		p.version = c.version = 1;
		p.created_at = p.updated_at = c.created_at = c.updated_at = now;
		c.id = cid;
		c.patient_id = pid;
		audit_record ap = {0}, ac = {0};
		ap.at = ac.at = now;
		ap.action = "demo.load";
		ap.resource_type = "patient";
		ap.resource_id = ap.patient_id = ac.patient_id = pid;
		ac.action = "demo.load";
		ac.resource_type = "condition";
		ac.resource_id = cid;
		rc = st->ops->patient_create(st, &p, &ap);
		if (!rc)
			rc = st->ops->rec_create(st, &a, &rk_condition, &c, &ac);
		json_t *w = demo_workup(&g, &a, &c, today);
		if (!rc)
			rc = load_workup(st, &a, set, w, &p, now, today);
		json_decref(w);
		arena_clear(&a);
	}
	arena_free(&a);
	return rc ? -1 : 0;
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
	if (!rc)
		rc = cli_load_instruments(&defs, NULL, &set);
	if (!rc)
		rc = load_patients(st, DEMO_PATIENTS, &set);
	cli_release_instruments(&set);
	arena_free(&defs);
	st->ops->close(st);
	if (rc)
		return 1;
	printf("Demo clinic created in %s: %d SYNTHETIC patients (MRN DEMO-…), not real people.\n\n"
	       "Logins (demo only):\n",
	       cli_get(opts, "--db"), DEMO_PATIENTS);
	for (size_t i = 0; i < sizeof demo_staff / sizeof *demo_staff; i++)
		printf("  %-11s %-32s %s\n", demo_staff[i].role, demo_staff[i].email,
		       demo_staff[i].password);
	return 0;
}
