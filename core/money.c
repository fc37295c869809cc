/* Money arithmetic in integer minor units: the currency table, overflow-checked sums, the one
 * rounding rule (half to even), reading amounts from JSON and text, display, and invoice numbers.
 */
#include "money.h"

#include <stdio.h>
#include <string.h>

static const money_currency currencies[] = {
    {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"CHF", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2},
    {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"MXN", 2}, {"BRL", 2}, {"INR", 2}, {"ZAR", 2},
    {"SGD", 2}, {"HKD", 2}, {"CNY", 2}, {"AED", 2}, {"JPY", 0}, {"KRW", 0}, {"ISK", 0},
    {"CLP", 0}, {"KWD", 3}, {"BHD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {NULL, 0},
};

const money_currency *currency_find(const char *code)
{
	for (int i = 0; code && currencies[i].code; i++)
		if (strcmp(currencies[i].code, code) == 0)
			return &currencies[i];
	return NULL;
}

const char *currency_codes(void)
{
	return "USD, EUR, GBP, CHF, CAD, AUD, NZD, SEK, NOK, DKK, MXN, BRL, INR, ZAR, SGD, HKD, "
	       "CNY, AED, JPY, KRW, ISK, CLP, KWD, BHD, OMR, JOD, TND";
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t sum;
	if (__builtin_add_overflow(a, b, &sum))
		return -1;
	*out = sum;
	return 0;
}

int money_share(int64_t amount, int64_t basis_points, int64_t *out)
{
	if (basis_points < 0 || amount < -MONEY_MAX || amount > MONEY_MAX ||
	    basis_points > 1000000000)
		return -1;
	__int128 p = (__int128)amount * basis_points;
	__int128 q = p / 10000, rem = p % 10000;
	/* C truncates toward zero; move to the nearest, ties to the even neighbour. */
	__int128 twice = rem < 0 ? -2 * rem : 2 * rem;
	int sign = p < 0 ? -1 : 1;
	if (twice > 10000 || (twice == 10000 && (q % 2 != 0)))
		q += sign;
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

int money_from_json(vctx *v, json_t *obj, const char *prefix, const char *key, int64_t min,
                    int64_t max, int required, int64_t *out)
{
	json_t *j = obj ? json_object_get(obj, key) : NULL;
	const char *path = v_path(v, prefix, key);
	if (!j || json_is_null(j)) {
		if (required)
			v_add(v, path, "is required");
		return 0;
	}
	if (!json_is_integer(j)) {
		v_add(
		    v, path,
		    "must be a whole number of the currency's minor units (cents for USD: 1050 for "
		    "10.50), not %s",
		    json_is_real(j) ? "a fraction" : "text or another type");
		return 0;
	}
	json_int_t n = json_integer_value(j);
	if (n < min || n > max) {
		v_add(v, path, "must be from %lld to %lld minor units", (long long)min,
		      (long long)max);
		return 0;
	}
	*out = (int64_t)n;
	return 1;
}

int money_parse(const char *text, const money_currency *c, int64_t *out)
{
	if (!text || !c)
		return -1;
	const char *s = text;
	int neg = *s == '-';
	if (neg)
		s++;
	int64_t whole = 0;
	int digits = 0, decimals = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (whole > MONEY_MAX / 10)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	int64_t frac = 0;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, decimals++) {
			if (decimals >= c->exponent)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (!decimals)
			return -1;
	}
	if (*s || !digits)
		return -1;
	for (int i = decimals; i < c->exponent; i++)
		frac *= 10;
	int64_t unit = 1;
	for (int i = 0; i < c->exponent; i++)
		unit *= 10;
	if (whole > MONEY_MAX / unit)
		return -1;
	int64_t v = whole * unit + frac;
	if (v > MONEY_MAX)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

void money_format(int64_t amount, const money_currency *c, char out[MONEY_TEXT])
{
	int exp = c ? c->exponent : 2;
	/* Magnitude as unsigned, so INT64_MIN formats too. */
	uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
	uint64_t unit = 1;
	for (int i = 0; i < exp; i++)
		unit *= 10;
	uint64_t whole = mag / unit, frac = mag % unit;
	char digits[24], grouped[32];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)whole);
	int g = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (exp)
		snprintf(out, MONEY_TEXT, "%s%s.%0*llu %s", amount < 0 ? "-" : "", grouped, exp,
		         (unsigned long long)frac, c ? c->code : "");
	else
		snprintf(out, MONEY_TEXT, "%s%s %s", amount < 0 ? "-" : "", grouped,
		         c ? c->code : "");
}

void bill_number(const char *prefix, int64_t seq, char out[BILL_NUMBER_TEXT])
{
	snprintf(out, BILL_NUMBER_TEXT, "%s-%06lld", prefix, (long long)seq);
}

int64_t bill_number_seq(const char *prefix, const char *number)
{
	size_t p = strlen(prefix);
	if (!number || strncmp(number, prefix, p) != 0 || number[p] != '-')
		return -1;
	const char *s = number + p + 1;
	int64_t seq = 0;
	int n = 0;
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (n >= 12)
			return -1;
		seq = seq * 10 + (*s - '0');
	}
	if (*s || n < 6 || seq < 1)
		return -1;
	char back[BILL_NUMBER_TEXT];
	bill_number(prefix, seq, back);
	return strcmp(back, number) == 0 ? seq : -1;
}

int64_t bill_next_seq(int64_t max)
{
	return max < 0 || max >= 999999999999LL ? -1 : max + 1;
}
