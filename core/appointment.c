/* Appointments (appointment.h): the status rules, the booking request, the JSON. */
#include "appointment.h"

#include <stdio.h>
#include <string.h>

#include "../util/jsonv.h"
#include "../util/uuid.h"

int appt_request_from_json(vctx *v, json_t *body, appt_request *out)
{
	static const char *const fields[] = {"patient_id", "type",         "start", "resources",
	                                     "biologic",   "plan_step_id", "note",  NULL};
	int before = v->n;
	memset(out, 0, sizeof *out);
	jv_no_unknown(v, body, NULL, fields);
	out->patient_id = jv_string(v, body, NULL, "patient_id", 36, JV_REQUIRED, NULL);
	if (out->patient_id && !uuid_valid(out->patient_id))
		v_add(v, "patient_id", "is not a patient id");
	out->type = jv_string(v, body, NULL, "type", 64, JV_REQUIRED, NULL);
	out->biologic = jv_string(v, body, NULL, "biologic", 64, JV_OPTIONAL, NULL);
	out->plan_step_id = jv_string(v, body, NULL, "plan_step_id", 36, JV_OPTIONAL, NULL);
	if (out->plan_step_id && !uuid_valid(out->plan_step_id))
		v_add(v, "plan_step_id", "is not a plan step id");
	out->note = jv_string(v, body, NULL, "note", APPT_NOTE_MAX, JV_OPTIONAL, NULL);
	const char *start = jv_string(v, body, NULL, "start", 64, JV_REQUIRED, NULL);
	if (start && tz_parse_instant(start, &out->start))
		v_add(v, "start",
		      "must be an RFC 3339 date-time with its offset (2027-01-04T09:00:00-05:00)");
	json_t *res = json_object_get(body, "resources");
	if (res && !json_is_array(res))
		v_add(v, "resources", "must be a list of resource ids");
	else if (res && json_array_size(res) > SLOT_MAX_NEEDS)
		v_add(v, "resources", "must name at most %d resources", SLOT_MAX_NEEDS);
	else if (res) {
		size_t i;
		json_t *id;
		json_array_foreach(res, i, id)
		{
			const char *s = json_string_value(id);
			char path[32];
			snprintf(path, sizeof path, "resources[%zu]", i);
			if (!s || !uuid_valid(s)) {
				v_add(v, path, "is not a resource id");
				continue;
			}
			for (int k = 0; k < out->n_resources; k++)
				if (strcmp(out->resources[k], s) == 0)
					v_add(v, path, "names a resource twice");
			out->resources[out->n_resources++] = s;
		}
	}
	return v->n - before;
}

int appt_holds_time(const char *status)
{
	return status && strcmp(status, "cancelled") != 0 && strcmp(status, "no_show") != 0;
}

/* The moves allowed: from, to. */
static const char *const moves[][2] = {
    {"booked", "arrived"},
    {"booked", "cancelled"},
    {"booked", "no_show"},
    {"arrived", "completed"},
};

const char *appt_move_refused(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return NULL;
	if (strcmp(from, to) == 0)
		return "The appointment has this status already.";
	if (strcmp(from, "booked") != 0 && strcmp(from, "arrived") != 0)
		return "The appointment has ended (completed, cancelled or no-show).";
	return strcmp(from, "arrived") == 0
	           ? "An arrived patient's appointment can only be completed."
	           : "A booked appointment must be arrived first.";
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *appointment_to_json(const appointment *ap, const tz_zone *zone)
{
	char start[TZ_TEXT], end[TZ_TEXT];
	tz_format(zone, ap->start, start);
	tz_format(zone, ap->end, end);
	json_t *res = json_array();
	for (int i = 0; i < ap->n_resources; i++)
		json_array_append_new(res, json_pack("{s:s, s:o, s:o}", "id", ap->resources[i].id,
		                                     "kind", str_or_null(ap->resources[i].kind),
		                                     "name", str_or_null(ap->resources[i].name)));
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:s, s:s, s:o}",
	              "id", ap->id, "patient_id", ap->patient_id, "type", ap->type, "biologic",
	              str_or_null(ap->biologic), "start", start, "end", end, "status", ap->status,
	              "plan_step_id", str_or_null(ap->plan_step_id), "note", str_or_null(ap->note),
	              "reason", str_or_null(ap->reason), "resources", res, "version", ap->version,
	              "created_at", ap->created_at, "updated_at", ap->updated_at, "updated_by",
	              str_or_null(ap->updated_by));
	if (o && ap->patient_mrn)
		json_object_set_new(o, "patient",
		                    json_pack("{s:s, s:s, s:o, s:o}", "id", ap->patient_id, "mrn",
		                              ap->patient_mrn, "family_name",
		                              str_or_null(ap->patient_family), "given_name",
		                              str_or_null(ap->patient_given)));
	return o;
}

int64_t appt_shift_start(const tz_zone *z, int64_t start, int days)
{
	return tz_wall_to_utc(z, start + tz_offset(z, start) + (int64_t)days * 86400);
}
