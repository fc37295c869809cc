/* libFuzzer harness for every parser that reads a request body: the first byte picks the parser
 * (patient, diagnosis, assessment with the shipped instruments, test result, diary, medicine,
 * adverse event: the record kinds through the record layer, read and written back; instrument
 * definition; with bit 16 set, the calendars': a resource, a closure in New York's zone, written
 * back), the rest is the JSON. Anything may be refused; nothing may crash, leak
 * or read out of bounds. Build and run: make fuzz (clang, ASan, libFuzzer). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/assessment.h"
#include "core/condition.h"
#include "core/diary.h"
#include "core/instrument.h"
#include "core/observation.h"
#include "core/patient.h"
#include "core/resource.h"
#include "util/embedded.h"
#include "util/jsonv.h"

static arena defs_arena;
static instrument_set set;
static tz_zone *new_york;

static void load_instruments(void)
{
	static const instrument *items[64];
	set.items = items;
	arena_init(&defs_arena);
	char err[300];
	if (tz_load(&defs_arena, "America/New_York", &new_york, err, sizeof err))
		new_york = tz_utc(&defs_arena);
	for (const embedded_file *f = instrument_files; f->path && set.n < 64; f++) {
		json_t *def = json_loadb((const char *)f->data, f->len, 0, NULL);
		vctx v;
		vctx_init(&v, &defs_arena);
		instrument *in = NULL;
		if (def && instr_parse(&defs_arena, def, &in, &v) == 0)
			items[set.n++] = in;
		json_decref(def);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!set.items)
		load_instruments();
	if (size < 1 || jv_depth_ok((const char *)data + 1, size - 1, 32))
		return 0;
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!body)
		return 0;
	arena a;
	arena_init(&a);
	vctx v;
	vctx_init(&v, &a);
	civil_date today = {2026, 11, 25};
	if (json_is_object(body) && (data[0] & 16)) {
		/* The calendars: a resource (create or PATCH), or a closure. */
		if (data[0] & 1) {
			closure c;
			memset(&c, 0, sizeof c);
			if (!closure_from_json(&v, body, new_york, &c)) {
				c.id = c.resource_id = "01900000-0000-7000-8000-000000000000";
				c.status = "active";
				c.created_at = c.updated_at = "2026-11-25T10:00:00Z";
				json_decref(closure_to_json(&c, new_york));
			}
		} else {
			resource r;
			memset(&r, 0, sizeof r);
			if (!resource_from_json(&v, body, &r, data[0] & 8) && r.kind && r.name) {
				r.id = "01900000-0000-7000-8000-000000000000";
				r.created_at = r.updated_at = "2026-11-25T10:00:00Z";
				json_decref(resource_to_json(&r));
				week_hours back;
				if (hours_from_text(&a, hours_to_text(&a, &r.hours), &back) ||
				    memcmp(&back, &r.hours, sizeof back))
					__builtin_trap(); /* the stored hours must read back the
					                     same */
			}
		}
	} else if (json_is_object(body)) {
		/* The first byte picks the parser: 0 patient, 6 an instrument definition, else a
		 * record kind through the record layer (read, then written back as JSON). */
		static const rec_kind *const kinds[8] = {
		    NULL,      &rk_condition,  &rk_assessment, &rk_observation,
		    &rk_diary, &rk_medication, NULL,           &rk_adverse_event};
		const rec_kind *k = kinds[data[0] % 8];
		rec_ctx cx = {.a = &a,
		              .birth_date = "1950-01-01",
		              .sex = "female",
		              .today = today,
		              .now = "2026-11-25T10:00:00Z",
		              .instruments = &set,
		              .chronic_months = 12};
		switch (k ? 1 : data[0] % 8) {
		case 0: {
			patient p;
			memset(&p, 0, sizeof p);
			patient_from_json(&v, body, &p, data[0] & 8, today);
			break;
		}
		case 1: {
			void *rec = arena_zalloc(&a, k->size);
			if (!rec_from_json(&v, k, body, rec, data[0] & 8, &cx)) {
				rec_set_new(k, rec, "01900000-0000-7000-8000-000000000000",
				            "01900000-0000-7000-8000-000000000001", cx.now, NULL);
				json_decref(rec_to_json(k, rec, &cx));
			}
			break;
		}
		default: {
			instrument *in = NULL;
			if (instr_parse(&a, body, &in, &v) == 0) {
				instr_result r;
				json_t *answers = json_object_get(body, "answers");
				if (answers && instr_evaluate(&a, in, answers, &r, &v) == 0)
					json_decref(instr_result_json(&r));
				instr_release(in);
			}
			break;
		}
		}
	}
	json_decref(body);
	arena_free(&a);
	return 0;
}
