/* schwann outcomes [REPORT] --db PATH [parameters]: prints an outcome report (responders, the
 * default, completeness, adverse-events, ...) as JSON or CSV, the very answer the API gives for the
 * same parameters (api/outcomes.h builds both). The read is audited as the system's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../api/outcomes.h"
#include "../core/instrument.h"
#include "../core/neuropathy.h"
#include "../core/treatment.h"
#include "../util/dates.h"
#include "cli.h"

/* The report's parameters by their API names ("min_n" is --min-n). */
static const char *opt_get(void *ctx, const char *name)
{
	char flag[64];
	snprintf(flag, sizeof flag, "--%s", name);
	for (char *c = flag + 2; *c; c++)
		if (*c == '_')
			*c = '-';
	return cli_get(ctx, flag);
}

static void usage_reports(FILE *f)
{
	fputs("reports:", f);
	for (const outcome_report *r = outcome_reports; r->name; r++)
		fprintf(f, " %s", r->name);
	fputs("\n", f);
}

/* Runs the report and prints it; 0, or 1 with the reason printed. */
static int print_report(store *st, const outcome_report *rep, report_params *p,
                        outcome_cache *cache)
{
	sw_err rc = outcome_cache_refresh(cache, st);
	json_t *def = NULL, *rows = NULL, *extra = NULL;
	report_input in = {p, cache, st};
	if (!rc)
		rc = rep->build(&in, &def, &rows, &extra);
	if (rc) {
		fprintf(stderr, "schwann: the report could not be read from the database\n");
		return 1;
	}
	char now[21];
	instant_now(now);
	audit_record a = {.at = now,
	                  .actor_role = "system",
	                  .action = "outcomes.read",
	                  .resource_type = "outcomes",
	                  .resource_id = rep->name,
	                  .detail = arena_printf(p->a, "command line, filters %s", p->filters)};
	int bad = st->ops->audit_append(st, &a, 1) != SW_OK;
	if (!bad && p->csv) {
		strbuf b;
		strbuf_init(&b, 256u << 20);
		bad = outcome_csv(&b, def, rows) ||
		      fwrite(b.buf ? b.buf : "", 1, b.len, stdout) != b.len;
		strbuf_free(&b);
	} else if (!bad) {
		json_t *out = json_pack("{s:O, s:O, s:O}", "definition", def, "as_of",
		                        json_object_get(def, "as_of"), "rows", rows);
		if (extra)
			json_object_update(out, extra);
		bad = json_dumpf(out, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) != 0;
		json_decref(out);
		if (!bad)
			putchar('\n');
	}
	json_decref(def);
	json_decref(rows);
	json_decref(extra);
	if (bad)
		fprintf(stderr, "schwann: the report could not be written\n");
	return bad;
}

int cmd_outcomes(int argc, char **argv)
{
	const char *usage =
	    "schwann outcomes REPORT --db PATH [--milestone DAYS] [--threshold PCT] "
	    "[--by VAR[,VAR]] [--FILTER VALUES] [--format json|csv]";
	int help = argc >= 1 && strcmp(argv[0], "--help") == 0;
	if (argc < 1 || help) {
		fprintf(help ? stdout : stderr, "usage: %s\n", usage);
		usage_reports(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	/* No report named: the responder table. */
	int named = argv[0][0] != '-';
	const outcome_report *rep = outcome_report_find(named ? argv[0] : "responders");
	if (!rep) {
		fprintf(stderr, "schwann: no report '%s'; ", argv[0]);
		usage_reports(stderr);
		return 2;
	}
	cli_opt opts[] = {
	    {"--db", "PATH", "the clinic's database", NULL},
	    {"--milestone", "DAYS", "30, 91 (default), 182 or 365", NULL},
	    {"--threshold", "PCT", "fall in NRS that makes a responder, 1-99 (default 30)", NULL},
	    {"--measure", "MEASURE", "nrs: a fall in NRS (default); pgic: much improved or better",
	     NULL},
	    {"--analysis", "ANALYSIS",
	     "primary: every due patient (default); observed: those with a value", NULL},
	    {"--min-n", "N", "smallest denominator given a rate (default 10)", NULL},
	    {"--by", "VARS", "split by one or two of the filters' names, with a comma", NULL},
	    {"--group", "VALUES", "treated (default), comparator", NULL},
	    {"--biologic", "VALUES", "a biologic's id, or none", NULL},
	    {"--etiology", "VALUES", "diabetic, alcohol, chemotherapy_drug, ...", NULL},
	    {"--chronicity", "VALUES", "recent, chronic, unknown", NULL},
	    {"--duration", "VALUES", "under_1y, 1_to_5y, over_5y, unknown", NULL},
	    {"--injections", "VALUES", "1, 2, 3_plus (by the milestone)", NULL},
	    {"--age", "VALUES", "under_50, 50_to_64, 65_plus, unknown", NULL},
	    {"--sex", "VALUES", "female, male, intersex, unknown", NULL},
	    {"--hba1c", "VALUES", "under_7, 7_to_8.9, 9_plus, none", NULL},
	    {"--format", "FORMAT", "json (default) or csv", NULL},
	    {"--chronic-months", "N", "onset this many months before day 0 is chronic (12)", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse(usage, opts, argc - named, argv + named);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db"))
		return 2;
	const char *months = cli_get(opts, "--chronic-months");
	int chronic = months ? atoi(months) : CHRONIC_MONTHS_DEFAULT;
	if (chronic < 1 || chronic > 600) {
		fputs("schwann: --chronic-months must be a whole number from 1 to 600\n", stderr);
		return 2;
	}
	arena a;
	arena_init(&a);
	instrument_set set = {0};
	treatment_set tx = {0};
	rc = cli_load_instruments(&a, NULL, &set) || cli_load_treatment(&a, NULL, &set, &tx);
	const char *ids[OV_MAX_VALUES];
	int n = 0;
	for (int i = 0; !rc && i < tx.n_biologics && n < OV_MAX_VALUES - 1; i++)
		ids[n++] = tx.biologics[i].id;
	outcome_scheme scheme;
	outcome_scheme_init(&scheme, ids, n, chronic);
	vctx v;
	vctx_init(&v, &a);
	report_params p = {.a = &a, .v = &v, .get = opt_get, .ctx = opts};
	if (!rc && outcome_parse(&p, &scheme, date_days(date_today()))) {
		for (int i = 0; i < v.n; i++) {
			char flag[64];
			snprintf(flag, sizeof flag, "%s", v.items[i].path);
			for (char *c = flag; *c; c++)
				*c = *c == '_' ? '-' : *c;
			fprintf(stderr, "schwann: --%s %s\n", flag, v.items[i].message);
		}
		rc = 2;
	}
	const char *db = cli_get(opts, "--db");
	if (!rc && access(db, F_OK) != 0) {
		fprintf(stderr, "schwann: %s: no such database\n", db);
		rc = 1;
	}
	store *st = rc ? NULL : cli_open_store(db);
	outcome_cache *cache = st ? outcome_cache_new(&scheme) : NULL;
	if (!rc)
		rc = cache ? print_report(st, rep, &p, cache) : 1;
	outcome_cache_free(cache);
	if (st)
		st->ops->close(st);
	cli_release_treatment(&tx);
	cli_release_instruments(&set);
	arena_free(&a);
	return rc;
}
