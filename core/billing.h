/* Billing records: the price list (a history of prices, each in force from its date until the
 * item's next one), invoices and credit notes with their lines, and payments (refunds are
 * negative payments with a reason). Pure: picking the price in force, an invoice's state from
 * what was paid and credited, reading payment requests and writing JSON. Money is int64 minor
 * units (core/money.h). Strings point into the caller's arena.
 *
 * Invoice states: draft (changed only by voiding it) -> issued (numbered, never changed) or void.
 * An issued invoice is answered as issued, part_paid, paid or credited (every line credited),
 * from its totals: due = total - credited - paid. */
#ifndef SCHWANN_BILLING_H
#define SCHWANN_BILLING_H

#include <jansson.h>
#include <stdint.h>

#include "../util/verr.h"
#include "money.h"

#define PRICE_LABEL_MAX 200
#define PRICE_MAX_ITEMS 500     /* prices in one PUT */
#define INVOICE_MAX_SOURCES 200 /* lines of one invoice */
#define PAYMENT_REFERENCE_MAX 100
#define BILL_REASON_MAX 500

/* A price of the list. biologic NULL: any biologic (or none), else only that one's. */
typedef struct price {
	const char *id;
	const char *kind; /* appointment, procedure, test */
	const char *code; /* appointment type id, procedure kind, observation kind */
	const char *biologic;
	int64_t amount;
	const char *currency;
	const char *effective_from; /* YYYY-MM-DD */
	const char *label;
	const char *created_at, *created_by;
} price;

extern const char *const price_kinds[];
extern const char *const payment_methods[];

/* The price in force on date `on` (YYYY-MM-DD) for item (kind, code, biologic bio or NULL) among
 * items (any order, any currency filtered by the caller): of those of that kind and code that
 * took effect on or before `on`, a price for exactly bio wins over one for any biologic; among
 * those, the latest effective_from. NULL when none is in force. */
const price *price_pick(const price *items, int n, const char *kind, const char *code,
                        const char *bio, const char *on);
/* Reads one item of PUT /prices {kind, code, biologic?, amount, effective_from, label?,
 * currency?} at prefix: the shape and the amount (0..MONEY_MAX, an integer); whether the code is
 * in the catalogues is the caller's to check. currency, when given, must be clinic's. */
void price_from_json(vctx *v, json_t *obj, const char *prefix, const char *clinic, price *out);
json_t *price_to_json(const price *p);

typedef struct invoice_line {
	const char *id;
	int seq;
	const char *source_kind; /* appointment, procedure */
	const char *source_id;
	const char *item_kind, *item_code, *item_biologic;
	const char *label;
	const char *service_date;
	const char *price_id;
	int64_t amount;
	const char *credits_line; /* a credit note's line: the invoice line it credits */
	const char *credited_by;  /* an invoice line: the credit note that credited it, or NULL */
} invoice_line;

typedef struct invoice {
	const char *id;
	const char *patient_id;
	const char *kind;       /* invoice, credit_note */
	const char *invoice_id; /* a credit note's invoice */
	int64_t seq;            /* its number in the kind's series once issued, else 0 */
	const char *status;     /* draft, issued, void */
	const char *currency;
	int64_t total;
	const char *reason; /* a credit note's, or why a draft was voided */
	const char *issued_at;
	invoice_line *lines;
	int n_lines;
	int64_t paid;     /* read: live payments on it, refunds subtracted */
	int64_t credited; /* read: its credit notes' totals */
	int version;
	const char *created_at, *updated_at, *updated_by;
} invoice;

/* "INV-000123" / "CN-000007" for an issued one, into out; "" for a draft or void. */
void invoice_number(const invoice *inv, char out[BILL_NUMBER_TEXT]);
/* The state answered (draft, void, issued, part_paid, paid, credited) and what is due. */
const char *invoice_state(const invoice *inv, int64_t *due);
/* An invoice or credit note; credit_notes (n of them, may be 0) are listed under an invoice. */
json_t *invoice_to_json(const invoice *inv, const invoice *credit_notes, int n);

typedef struct payment {
	const char *id;
	const char *patient_id;
	const char *invoice_id;
	int64_t amount; /* > 0 received, < 0 refunded */
	const char *currency;
	const char *method; /* cash, card, transfer */
	const char *reference;
	const char *reason; /* a refund's */
	const char *status; /* recorded, voided */
	const char *void_reason;
	const char *received_at;
	int version;
	const char *created_at, *updated_at, *updated_by;
} payment;

/* Reads {amount, method, reference?, invoice_id?, reason?, currency?}: amount a non-zero integer
 * within +-MONEY_MAX, a refund (negative) with its reason, currency when given the clinic's. */
void payment_from_json(vctx *v, json_t *body, const char *clinic, payment *out);
json_t *payment_to_json(const payment *p);

/* A patient's account in one currency: issued invoices, their credit notes, payments received
 * and refunded (positive), balance = invoiced - credited - received + refunded (what the patient
 * owes; negative: in credit). */
typedef struct bill_balance {
	int64_t invoiced, credited, received, refunded, balance;
} bill_balance;
/* balance from the four sums; -1 on overflow. */
int bill_balance_close(bill_balance *b) __attribute__((warn_unused_result));

#endif
