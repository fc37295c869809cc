/* Loads instrument definitions at start-up: those built into the binary (data/instruments/), or
 * every *.json in the folder given with --instruments. A broken file stops the start with its
 * name and every problem found in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/instrument.h"
#include "../util/embedded.h"
#include "cli.h"

#define MAX_INSTRUMENTS 128

static int add(arena *a, instrument_set *set, const char *name, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *def = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!def) {
		fprintf(stderr, "schwann: instrument file %s: %s (line %d, column %d)\n", name,
		        jerr.text, jerr.line, jerr.column);
		return -1;
	}
	vctx v;
	vctx_init(&v, a);
	instrument *in = NULL;
	int rc = instr_parse(a, def, &in, &v);
	json_decref(def);
	for (int i = 0; i < v.n; i++)
		fprintf(stderr, "schwann: instrument file %s: %s%s%s\n", name, v.items[i].path,
		        *v.items[i].path ? ": " : "", v.items[i].message);
	if (rc)
		return -1;
	if (instr_find(set, in->id)) {
		fprintf(stderr, "schwann: instrument file %s: id %s is defined twice\n", name,
		        in->id);
		instr_release(in);
		return -1;
	}
	if (set->n == MAX_INSTRUMENTS) {
		fprintf(stderr, "schwann: more than %d instruments\n", MAX_INSTRUMENTS);
		instr_release(in);
		return -1;
	}
	set->items[set->n++] = in;
	return 0;
}

typedef struct loader {
	arena *a;
	instrument_set *set;
} loader;

static int add_file(void *ctx, const char *path, const char *text, size_t len)
{
	loader *l = ctx;
	return add(l->a, l->set, path, text, len);
}

int cli_load_instruments(arena *a, const char *dir, instrument_set *set)
{
	set->items = arena_zalloc(a, sizeof(instrument *) * MAX_INSTRUMENTS);
	set->n = 0;
	if (dir) {
		loader l = {a, set};
		return cli_each_json(a, dir, "instruments", add_file, &l);
	}
	for (const embedded_file *f = instrument_files; f->path; f++) {
		char *name = arena_printf(a, "data/instruments/%s", f->path);
		if (add(a, set, name, (const char *)f->data, f->len))
			return -1;
	}
	return 0;
}

void cli_release_instruments(instrument_set *set)
{
	for (int i = 0; i < set->n; i++)
		instr_release((instrument *)set->items[i]);
	set->n = 0;
}
