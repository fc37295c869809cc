/* JSON shapes of patients, diagnoses and staff, shared by the handlers. */
#include <string.h>

#include "../core/neuropathy.h"
#include "api.h"

json_t *api_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The keys are literals: set without jansson's UTF-8 check of each (a tenth of a search page's
 * CPU went to checking the same 25 keys 50 times). */
json_t *api_patient_json(const patient *p)
{
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "id", json_string(p->id));
	json_object_set_new_nocheck(o, "mrn", json_string(p->mrn));
	json_object_set_new_nocheck(o, "family_name", json_string(p->family_name));
	json_object_set_new_nocheck(o, "given_name", json_string(p->given_name));
	json_object_set_new_nocheck(o, "birth_date", json_string(p->birth_date));
	json_object_set_new_nocheck(o, "sex_at_birth", json_string(p->sex_at_birth));
	json_object_set_new_nocheck(o, "phone", api_str(p->phone));
	json_object_set_new_nocheck(o, "email", api_str(p->email));
	json_object_set_new_nocheck(
	    o, "address",
	    json_pack("{s:o, s:o, s:o, s:o, s:o}", "line", api_str(p->address_line), "city",
	              api_str(p->address_city), "region", api_str(p->address_region), "postal_code",
	              api_str(p->address_postal_code), "country", api_str(p->address_country)));
	json_object_set_new_nocheck(o, "research_consent", json_boolean(p->research_consent));
	json_object_set_new_nocheck(o, "synthetic", json_boolean(p->synthetic));
	json_object_set_new_nocheck(o, "archived", json_boolean(p->archived_at != NULL));
	json_object_set_new_nocheck(o, "archived_at", api_str(p->archived_at));
	json_object_set_new_nocheck(o, "archive_reason", api_str(p->archive_reason));
	json_object_set_new_nocheck(o, "version", json_integer(p->version));
	json_object_set_new_nocheck(o, "created_at", json_string(p->created_at));
	json_object_set_new_nocheck(o, "updated_at", json_string(p->updated_at));
	json_object_set_new_nocheck(o, "updated_by", api_str(p->updated_by));
	return o;
}

json_t *api_staff_json(const staff *s)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", s->id, "email", s->email, "name", s->name,
	                 "role", s->role);
}

const char *api_etag(http_req *r, int version)
{
	return arena_printf(r->a, "\"%d\"", version);
}
