/* Patient field rules: what a registration must contain and what each field may hold. */
#include "patient.h"

#include <ctype.h>
#include <string.h>

#include "../util/jsonv.h"
#include "../util/text.h"

const char *const sex_at_birth_names[] = {"female", "male", "intersex", "unknown", NULL};

static const char *const patient_fields[] = {
    "mrn",   "family_name", "given_name", "birth_date",       "sex_at_birth",
    "phone", "email",       "address",    "research_consent", NULL};
static const char *const address_fields[] = {"line",        "city",    "region",
                                             "postal_code", "country", NULL};

static void check_mrn(vctx *v, const char *mrn)
{
	for (const char *p = mrn; p && *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.' &&
		    *p != '/') {
			v_add(v, "mrn", "may hold only letters, digits and - _ . /");
			return;
		}
}

static void check_phone(vctx *v, const char *phone)
{
	int digits = 0;
	for (const char *p = phone; p && *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+ ()-.", *p)) {
			v_add(v, "phone", "may hold only digits, spaces and + ( ) - .");
			return;
		}
	}
	if (phone && *phone && digits < 5)
		v_add(v, "phone", "must have at least 5 digits");
}

static void check_email(vctx *v, const char *email)
{
	if (!email || !*email)
		return;
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[strlen(at) - 1] == '.' || strchr(email, ' '))
		v_add(v, "email", "must be an e-mail address like name@example.org");
}

static void read_address(vctx *v, json_t *obj, patient *p)
{
	json_t *addr = json_object_get(obj, "address");
	if (!addr)
		return;
	if (json_is_null(addr)) {
		p->address_line = p->address_city = p->address_region = NULL;
		p->address_postal_code = p->address_country = NULL;
		return;
	}
	if (!json_is_object(addr)) {
		v_add(v, "address",
		      "must be an object with line, city, region, postal_code, country");
		return;
	}
	jv_no_unknown(v, addr, "address", address_fields);
	int present;
	const char *s;
	int before = v->n;
	s = jv_string(v, addr, "address", "line", 200, JV_OPTIONAL, &present);
	if (present && v->n == before)
		p->address_line = s;
	before = v->n;
	s = jv_string(v, addr, "address", "city", 100, JV_OPTIONAL, &present);
	if (present && v->n == before)
		p->address_city = s;
	before = v->n;
	s = jv_string(v, addr, "address", "region", 100, JV_OPTIONAL, &present);
	if (present && v->n == before)
		p->address_region = s;
	before = v->n;
	s = jv_string(v, addr, "address", "postal_code", 16, JV_OPTIONAL, &present);
	if (present && v->n == before)
		p->address_postal_code = s;
	before = v->n;
	s = jv_string(v, addr, "address", "country", 2, JV_OPTIONAL, &present);
	if (present && v->n == before) {
		if (s && *s &&
		    (strlen(s) != 2 || !isupper((unsigned char)s[0]) ||
		     !isupper((unsigned char)s[1])))
			v_add(v, "address.country",
			      "must be a two-letter ISO 3166 code such as US");
		else
			p->address_country = s;
	}
}

/* Sets *dst from a string field when present and valid; required only when !partial. */
static void take(vctx *v, json_t *obj, const char *key, size_t max, int required, int partial,
                 const char **dst)
{
	int present, before = v->n;
	const char *s = jv_string(v, obj, NULL, key, max, required && !partial, &present);
	if (!present || v->n != before)
		return;
	if (required && !s)
		v_add(v, key, "is required");
	else
		*dst = s;
}

/* take() for a name, which must also have a character that shows (not only spaces, zero-width
 * or bidi control characters: such a name looks empty on screen). */
static void take_name(vctx *v, json_t *obj, const char *key, int partial, const char **dst)
{
	const char *name = NULL;
	int before = v->n;
	take(v, obj, key, 100, 1, partial, &name);
	if (v->n != before || !name)
		return;
	if (text_visible(name))
		*dst = name;
	else
		v_add(v, key, "must have a visible character (not only spaces or invisible ones)");
}

int patient_from_json(vctx *v, json_t *obj, patient *p, int partial, civil_date today)
{
	int start = v->n;
	jv_no_unknown(v, obj, NULL, patient_fields);
	take(v, obj, "mrn", 32, 1, partial, &p->mrn);
	take_name(v, obj, "family_name", partial, &p->family_name);
	take_name(v, obj, "given_name", partial, &p->given_name);
	take(v, obj, "phone", 32, 0, partial, &p->phone);
	take(v, obj, "email", 254, 0, partial, &p->email);
	int present, before = v->n;
	const char *birth = jv_string(v, obj, NULL, "birth_date", 10, !partial, &present);
	if (present && v->n == before) {
		civil_date bd;
		if (!birth)
			v_add(v, "birth_date", "is required");
		else if (date_parse(birth, &bd))
			v_add(v, "birth_date", "must be a real date written YYYY-MM-DD");
		else if (date_cmp(bd, today) > 0)
			v_add(v, "birth_date", "cannot be in the future");
		else if (bd.year < 1900)
			v_add(v, "birth_date", "cannot be before 1900");
		else
			p->birth_date = birth;
	}
	before = v->n;
	const char *sex =
	    jv_enum(v, obj, NULL, "sex_at_birth", sex_at_birth_names, !partial, &present);
	if (present && v->n == before) {
		if (!sex)
			v_add(v, "sex_at_birth", "is required");
		else
			p->sex_at_birth = sex;
	}
	read_address(v, obj, p);
	jv_bool(v, obj, NULL, "research_consent", &p->research_consent);
	check_mrn(v, p->mrn);
	check_phone(v, p->phone);
	check_email(v, p->email);
	return v->n - start;
}
