/* Loads the treatment data at start-up: the biologics file and the protocols, built into the
 * binary (data/biologics.json, data/protocols/) or read from the folder given with --treatment
 * (DIR/biologics.json and every .json file in DIR/protocols and DIR/consent). A broken file stops
 * the start with its name and every problem found in it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/treatment.h"
#include "../util/embedded.h"
#include "cli.h"

#define MAX_PROTOCOLS 64
#define FILE_MAX (1024 * 1024)

static void report(const char *name, const vctx *v)
{
	for (int i = 0; i < v->n; i++)
		fprintf(stderr, "schwann: %s: %s%s%s\n", name, v->items[i].path,
		        *v->items[i].path ? ": " : "", v->items[i].message);
}

static json_t *parse(const char *name, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fprintf(stderr, "schwann: %s: %s (line %d, column %d)\n", name, jerr.text,
		        jerr.line, jerr.column);
	return doc;
}

static int add_biologics(arena *a, treatment_set *set, const char *name, const char *text,
                         size_t len)
{
	json_t *doc = parse(name, text, len);
	if (!doc)
		return -1;
	vctx v;
	vctx_init(&v, a);
	int rc = biologics_parse(a, doc, set, &v);
	report(name, &v);
	json_decref(doc);
	return rc;
}

static int add_protocol(arena *a, treatment_set *set, const instrument_set *ins, const char *name,
                        const char *text, size_t len)
{
	json_t *doc = parse(name, text, len);
	if (!doc)
		return -1;
	vctx v;
	vctx_init(&v, a);
	protocol *p = NULL;
	int rc = protocol_parse(a, doc, set, ins, &p, &v);
	json_decref(doc);
	report(name, &v);
	if (rc)
		return -1;
	if (protocol_find(set, p->id) || set->n_protocols == MAX_PROTOCOLS) {
		fprintf(stderr, "schwann: %s: %s\n", name,
		        set->n_protocols == MAX_PROTOCOLS ? "too many protocols"
		                                          : "this protocol id is defined twice");
		protocol_release(p);
		return -1;
	}
	set->protocols[set->n_protocols++] = p;
	return 0;
}

static int add_document(arena *a, treatment_set *set, const char *name, const char *text,
                        size_t len)
{
	json_t *doc = parse(name, text, len);
	if (!doc)
		return -1;
	vctx v;
	vctx_init(&v, a);
	consent_doc *d = NULL;
	int rc = consent_doc_parse(a, doc, set, &d, &v);
	json_decref(doc);
	report(name, &v);
	if (rc)
		return -1;
	if (consent_doc_find(set, d->id, d->version) || set->n_documents == MAX_PROTOCOLS) {
		fprintf(stderr, "schwann: %s: %s\n", name,
		        set->n_documents == MAX_PROTOCOLS
		            ? "too many consent documents"
		            : "this document version is defined twice");
		consent_doc_release(d);
		return -1;
	}
	set->documents[set->n_documents++] = d;
	return 0;
}

/* The whole file at path in the arena, or NULL (said why). */
static char *slurp(arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	if (f) {
		buf = arena_alloc(a, FILE_MAX + 1);
		*len = fread(buf, 1, FILE_MAX + 1, f);
		fclose(f);
	}
	if (!f || *len > FILE_MAX) {
		fprintf(stderr, "schwann: cannot read %s (or larger than 1 MiB)\n", path);
		return NULL;
	}
	return buf;
}

typedef int (*add_fn)(arena *a, treatment_set *set, const instrument_set *ins, const char *name,
                      const char *text, size_t len);

static int add_protocol_fn(arena *a, treatment_set *set, const instrument_set *ins,
                           const char *name, const char *text, size_t len)
{
	return add_protocol(a, set, ins, name, text, len);
}

static int add_document_fn(arena *a, treatment_set *set, const instrument_set *ins,
                           const char *name, const char *text, size_t len)
{
	(void)ins;
	return add_document(a, set, name, text, len);
}

/* Every .json file in dir/sub through add. */
static int load_sub(arena *a, const char *dir, const char *sub, add_fn add,
                    const instrument_set *ins, treatment_set *set)
{
	char *pdir = arena_printf(a, "%s/%s", dir, sub);
	DIR *d = opendir(pdir);
	if (!d) {
		fprintf(stderr, "schwann: cannot read the %s folder %s\n", sub, pdir);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name), len;
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char *path = arena_printf(a, "%s/%s", pdir, e->d_name);
		char *text = slurp(a, path, &len);
		rc = !text || add(a, set, ins, path, text, len);
	}
	closedir(d);
	return rc ? -1 : 0;
}

static int load_dir(arena *a, const char *dir, const instrument_set *ins, treatment_set *set)
{
	size_t len;
	char *path = arena_printf(a, "%s/biologics.json", dir);
	char *text = slurp(a, path, &len);
	if (!text || add_biologics(a, set, path, text, len))
		return -1;
	if (load_sub(a, dir, "protocols", add_protocol_fn, ins, set))
		return -1;
	return load_sub(a, dir, "consent", add_document_fn, ins, set);
}

int cli_load_treatment(arena *a, const char *dir, const instrument_set *ins, treatment_set *set)
{
	memset(set, 0, sizeof *set);
	set->protocols = arena_zalloc(a, sizeof(protocol *) * MAX_PROTOCOLS);
	set->documents = arena_zalloc(a, sizeof(consent_doc *) * MAX_PROTOCOLS);
	if (dir)
		return load_dir(a, dir, ins, set);
	for (const embedded_file *f = treatment_files; f->path; f++)
		if (strcmp(f->path, "biologics.json") == 0 &&
		    add_biologics(a, set, "data/biologics.json", (const char *)f->data, f->len))
			return -1;
	for (const embedded_file *f = treatment_files; f->path; f++) {
		if (strcmp(f->path, "biologics.json") == 0)
			continue;
		char *name = arena_printf(a, "data/%s", f->path);
		int is_doc = strncmp(f->path, "consent/", 8) == 0;
		if (is_doc ? add_document(a, set, name, (const char *)f->data, f->len)
		           : add_protocol(a, set, ins, name, (const char *)f->data, f->len))
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
