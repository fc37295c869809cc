/* Health, the OpenAPI document, and the neuropathy code list. */
#include "../core/neuropathy.h"
#include "../util/version.h"
#include "api.h"

int api_health(http_req *r)
{
	return http_json(r, 200,
	                 json_pack("{s:s, s:s}", "status", "ok", "version", SCHWANN_VERSION));
}

int api_openapi(http_req *r)
{
	return http_json(r, 200, http_openapi());
}

int api_neuropathy_codes(http_req *r)
{
	json_t *items = json_array();
	for (const icd10_entry *e = icd10_neuropathy_codes; e->code; e++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "system",
		                                       "ICD-10-CM", "code", e->code, "etiology",
		                                       e->etiology, "description", e->description));
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}
