/* Subcommands: the table in main.c lists them with their help; each lives in its own file and
 * uses core/ and store/ directly (the CLI never goes through HTTP). */
#ifndef SCHWANN_CLI_H
#define SCHWANN_CLI_H

#include "../store/store.h"

typedef struct cli_opt {
	const char *name; /* "--db" */
	const char *arg;  /* "PATH", or NULL for a flag */
	const char *help;
	const char *value; /* set by cli_parse; "1" for a present flag */
} cli_opt;

/* Parses argv against opts (NULL-name terminated). Prints a message and returns -1 on an unknown
 * option or a missing value; returns 1 when --help was asked (usage already printed). */
int cli_parse(const char *usage, cli_opt *opts, int argc, char **argv);
const char *cli_get(const cli_opt *opts, const char *name);
/* Prints "schwann: --x is required" and returns -1 when an option has no value. */
int cli_require(const cli_opt *opts, const char *name);
/* Opens the database at path or prints why not. */
store *cli_open_store(const char *path);
/* Creates a staff member; prints the error. 0 on success. */
int cli_add_staff(store *st, const char *email, const char *name, const char *role,
                  const char *password);

#define CLI_FILE_MAX (1024 * 1024)
/* The file at path (at most CLI_FILE_MAX bytes) in the arena, or NULL with the reason printed. */
char *cli_read_file(arena *a, const char *path, size_t *len);
/* Calls fn for every .json file in dir (read whole) until one fails; what names the folder in
 * messages. 0 when every call returned 0. */
int cli_each_json(arena *a, const char *dir, const char *what,
                  int (*fn)(void *ctx, const char *path, const char *text, size_t len), void *ctx);

struct instrument_set;
/* Loads the built-in instrument definitions, or those in dir; prints every problem. */
int cli_load_instruments(arena *a, const char *dir, struct instrument_set *set);
void cli_release_instruments(struct instrument_set *set);
struct treatment_set;
/* Loads the built-in biologics and protocols, or those in dir; prints every problem. */
int cli_load_treatment(arena *a, const char *dir, const struct instrument_set *ins,
                       struct treatment_set *set);
void cli_release_treatment(struct treatment_set *set);

/* Stores one generated demo patient (core/demo.h, core/demo_treatment.h) through the rules the
 * API applies: the patient row (given its id here), then its diagnosis c, its work-up
 * ({"diary", "assessments", "observations"}) and its treatment (or NULL) in one transaction.
 * cx gives today, now and the loaded instruments and treatment data; decider the staff id that
 * records candidacy decisions. A rule the generated records break is printed as a generator bug;
 * -1 then and on a store error. */
int cli_demo_store(store *st, arena *a, const rec_ctx *cx, const char *decider, patient *p,
                   condition *c, json_t *workup, json_t *treatment);

/* The audit signing key at path into sk (crypto_sign_SECRETKEYBYTES): read, or with create made
 * (mode 0600) when the file does not exist. Prints the problem; 0 or -1. */
/* What the demo's front office wrote. */
typedef struct demo_office_counts {
	int booked, invoices, paid;
} demo_office_counts;
/* The demo clinic's calendars, price list, bookings for the next four weeks and invoices
 * (cli/demo_office.c), after its patients; 0 or -1 with a message. */
int cli_demo_office(store *st, const struct treatment_set *tx, const char *clinician_id,
                    const char *nurse_id, demo_office_counts *out);
int cli_audit_key(const char *path, int create, unsigned char *sk);

int cmd_serve(int argc, char **argv);
int cmd_outcomes(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_schema(int argc, char **argv);

#endif
