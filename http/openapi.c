/* The OpenAPI 3.1 document, generated from the route table so it cannot drift from it. */
#include <string.h>

#include "../util/version.h"
#include "http.h"

json_t *http_openapi(void)
{
	json_t *paths = json_object();
	for (const route *rt = routes; rt->method; rt++) {
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[8];
		size_t i;
		for (i = 0; rt->method[i] && i < sizeof method - 1; i++)
			method[i] = (char)(rt->method[i] | 0x20);
		method[i] = '\0';
		json_t *op = json_pack(
		    "{s:s, s:s, s:{s:{s:s}, s:{s:s}}}", "summary", rt->summary, "x-permission",
		    perm_name(rt->permission), "responses", "default", "description",
		    "application/problem+json on error", "2XX", "description", "success");
		if (rt->permission == PERM_PUBLIC)
			json_object_set_new(op, "security", json_array());
		if (rt->body)
			json_object_set_new(op, "requestBody",
			                    json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1,
			                              "content", "application/json", "schema",
			                              "type", "object"));
		json_t *params = json_array();
		for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
			const char *end = strchr(p, '}');
			json_array_append_new(params,
			                      json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
			                                (size_t)(end - p - 1), "in", "path",
			                                "required", 1, "schema", "type", "string"));
		}
		if (json_array_size(params))
			json_object_set_new(op, "parameters", params);
		else
			json_decref(params);
		json_object_set_new(item, method, op);
	}
	return json_pack(
	    "{s:s, s:{s:s, s:s}, s:o, s:{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}, s:[{s:[]},{s:[]}]}",
	    "openapi", "3.1.0", "info", "title", "Schwann API", "version", SCHWANN_VERSION, "paths",
	    paths, "components", "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
	    "cookie", "type", "apiKey", "in", "cookie", "name", "schwann_session", "security",
	    "bearer", "cookie");
}
