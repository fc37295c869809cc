/* Money without floating point: amounts are int64 counts of a currency's minor unit (cents for
 * USD, yen for JPY, fils for KWD), each at most MONEY_MAX in size, and sums are checked for
 * overflow. The clinic's currency is an ISO 4217 code from a small table with its minor-unit
 * exponent. Pure; nothing here allocates except into a caller's arena.
 *
 * Rounding: nothing the API does today divides money (no tax, no discounts, no percentages), so
 * no amount is ever rounded. The one helper that scales an amount, money_share (for a later
 * deposit or discount), rounds half to even ("banker's rounding", IEEE 754's default), so that
 * many shares rounded do not drift one way. */
#ifndef SCHWANN_MONEY_H
#define SCHWANN_MONEY_H

#include <jansson.h>
#include <stdint.h>

#include "../util/verr.h"

#define MONEY_MAX 1000000000000LL /* 10^12 minor units: ten billion dollars */
#define MONEY_TEXT 64             /* any int64 formatted, with separators and the code */

typedef struct money_currency {
	const char *code; /* ISO 4217 alphabetic code */
	int exponent;     /* digits after the decimal point of its minor unit */
} money_currency;

/* The currency of code (upper case, as ISO 4217 writes it), or NULL when not in the table. */
const money_currency *currency_find(const char *code);
/* The codes the table knows, comma-separated (for a message). */
const char *currency_codes(void);

/* a + b into *out; -1 (out untouched) when the sum overflows int64. */
int money_add(int64_t a, int64_t b, int64_t *out) __attribute__((warn_unused_result));
/* amount * basis_points / 10000 rounded half to even; -1 on overflow or a negative share. */
int money_share(int64_t amount, int64_t basis_points, int64_t *out)
    __attribute__((warn_unused_result));

/* The amount at key of obj, which must be a JSON integer (not 1.5, 1.0, "10" or null) in
 * [min, max]; errors recorded in v at the key's path. Returns 1 when present and valid. */
int money_from_json(vctx *v, json_t *obj, const char *prefix, const char *key, int64_t min,
                    int64_t max, int required, int64_t *out);
/* A decimal text in major units ("1234.5", "-0.05", "1234") into minor units of c: at most
 * c->exponent decimals (never rounded), no sign but a leading '-', no thousands separators;
 * 0 or -1. */
int money_parse(const char *text, const money_currency *c, int64_t *out);
/* "1,234.50 USD", "-12 JPY", "0.005 KWD": for display (PDFs, the UI), never parsed back. */
void money_format(int64_t amount, const money_currency *c, char out[MONEY_TEXT]);

/* The number of an issued invoice (prefix "INV") or credit note ("CN"): prefix, '-', the
 * series' sequence number in at least 6 digits ("INV-000123"). */
#define BILL_NUMBER_TEXT 32
void bill_number(const char *prefix, int64_t seq, char out[BILL_NUMBER_TEXT]);
/* The sequence number of a number of that prefix, or -1 when it is not one. */
int64_t bill_number_seq(const char *prefix, const char *number);
/* The next number of a series whose highest is max (0 when empty): max + 1, or -1 past
 * 999,999,999,999. Gaps are prevented by the caller taking max and writing inside one write
 * transaction, and a unique index on (kind, seq) guards that. */
int64_t bill_next_seq(int64_t max);

#endif
