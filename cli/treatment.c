/* Loads the treatment data at start-up: the biologics file, the protocols, the consent documents,
 * the candidacy rules and the appointment types, built into the binary (data/biologics.json,
 * data/protocols, data/consent, data/candidacy/rules.json, data/appointment-types.json) or read
 * from the folder given with --treatment (the same layout). A broken file stops the start with
 * its name and every problem found in it. */
#include <stdio.h>
#include <string.h>

#include "../core/appt_type.h"
#include "../core/candidacy.h"
#include "../core/treatment.h"
#include "../util/embedded.h"
#include "cli.h"

#define MAX_FILES 64

typedef enum part { BIOLOGICS, PROTOCOL, DOCUMENT, CANDIDACY, APPOINTMENTS } part;

typedef struct loader {
	arena *a;
	treatment_set *set;
	const instrument_set *ins;
	part what;
} loader;

/* Parses one file as l->what and adds it to the set; prints every problem. */
static int add(void *ctx, const char *name, const char *text, size_t len)
{
	loader *l = ctx;
	treatment_set *set = l->set;
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		fprintf(stderr, "schwann: %s: %s (line %d, column %d)\n", name, jerr.text,
		        jerr.line, jerr.column);
		return -1;
	}
	vctx v;
	vctx_init(&v, l->a);
	protocol *p = NULL;
	consent_doc *d = NULL;
	const char *refused = NULL;
	int rc;
	if (l->what == CANDIDACY) {
		set->candidacy = arena_zalloc(l->a, sizeof(cand_rules));
		rc = cand_rules_parse(l->a, doc, set, l->ins, set->candidacy, &v);
	} else if (l->what == APPOINTMENTS) {
		set->appointments = arena_zalloc(l->a, sizeof(appt_types));
		rc = appt_types_parse(l->a, doc, set, set->appointments, &v);
	} else
		rc = l->what == BIOLOGICS  ? biologics_parse(l->a, doc, set, &v)
		     : l->what == PROTOCOL ? protocol_parse(l->a, doc, set, l->ins, &p, &v)
		                           : consent_doc_parse(l->a, doc, set, &d, &v);
	json_decref(doc);
	for (int i = 0; i < v.n; i++)
		fprintf(stderr, "schwann: %s: %s%s%s\n", name, v.items[i].path,
		        *v.items[i].path ? ": " : "", v.items[i].message);
	if (p && protocol_find(set, p->id))
		refused = "this protocol id is defined twice";
	else if (d && consent_doc_find(set, d->id, d->version))
		refused = "this document version is defined twice";
	else if ((p && set->n_protocols == MAX_FILES) || (d && set->n_documents == MAX_FILES))
		refused = "too many files of this kind";
	if (refused) {
		fprintf(stderr, "schwann: %s: %s\n", name, refused);
		protocol_release(p);
		consent_doc_release(d);
		return -1;
	}
	if (p)
		set->protocols[set->n_protocols++] = p;
	if (d)
		set->documents[set->n_documents++] = d;
	return rc ? -1 : 0;
}

static int load_dir(loader *l, const char *dir)
{
	size_t len;
	char *path = arena_printf(l->a, "%s/biologics.json", dir);
	char *text = cli_read_file(l->a, path, &len);
	l->what = BIOLOGICS;
	if (!text || add(l, path, text, len))
		return -1;
	l->what = PROTOCOL;
	if (cli_each_json(l->a, arena_printf(l->a, "%s/protocols", dir), "protocols", add, l))
		return -1;
	l->what = DOCUMENT;
	if (cli_each_json(l->a, arena_printf(l->a, "%s/consent", dir), "consent", add, l))
		return -1;
	path = arena_printf(l->a, "%s/candidacy/rules.json", dir);
	text = cli_read_file(l->a, path, &len);
	l->what = CANDIDACY;
	if (!text || add(l, path, text, len))
		return -1;
	path = arena_printf(l->a, "%s/appointment-types.json", dir);
	text = cli_read_file(l->a, path, &len);
	l->what = APPOINTMENTS;
	return text ? add(l, path, text, len) : -1;
}

int cli_load_treatment(arena *a, const char *dir, const instrument_set *ins, treatment_set *set)
{
	memset(set, 0, sizeof *set);
	set->protocols = arena_zalloc(a, sizeof(protocol *) * MAX_FILES);
	set->documents = arena_zalloc(a, sizeof(consent_doc *) * MAX_FILES);
	loader l = {a, set, ins, BIOLOGICS};
	if (dir)
		return load_dir(&l, dir);
	/* The biologics first: protocols and documents are checked against them. */
	for (int pass = 0; pass < 2; pass++)
		for (const embedded_file *f = treatment_files; f->path; f++) {
			int biologics = strcmp(f->path, "biologics.json") == 0;
			if (biologics != (pass == 0))
				continue;
			l.what = biologics                                        ? BIOLOGICS
			         : strncmp(f->path, "consent/", 8) == 0           ? DOCUMENT
			         : strncmp(f->path, "candidacy/", 10) == 0        ? CANDIDACY
			         : strcmp(f->path, "appointment-types.json") == 0 ? APPOINTMENTS
			                                                          : PROTOCOL;
			if (add(&l, arena_printf(a, "data/%s", f->path), (const char *)f->data,
			        f->len))
				return -1;
		}
	if (!set->candidacy || !set->appointments) {
		fprintf(stderr, "schwann: data/%s is missing from the build\n",
		        !set->candidacy ? "candidacy/rules.json" : "appointment-types.json");
		return -1;
	}
	return 0;
}

void cli_release_treatment(treatment_set *set)
{
	for (int i = 0; i < set->n_protocols; i++)
		protocol_release(set->protocols[i]);
	for (int i = 0; i < set->n_documents; i++)
		consent_doc_release(set->documents[i]);
	set->n_protocols = set->n_documents = 0;
}
