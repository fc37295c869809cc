/* schwann serve: parse options into a server_cfg and run the HTTP server. */
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/instrument.h"
#include "../core/money.h"
#include "../core/neuropathy.h"
#include "../core/treatment.h"
#include "../http/http.h"
#include "../util/tz.h"
#include "cli.h"

static int number(const char *text, const char *name, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end || v < lo || v > hi) {
		fprintf(stderr, "schwann: %s must be a whole number from %d to %d\n", name, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--db", "PATH", "SQLite database file (created if missing)", NULL},
	    {"--listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080)", NULL},
	    {"--threads", "N", "worker threads running requests (default 32)", NULL},
	    {"--chronic-months", "N", "months from onset at which damage counts as chronic (12)",
	     NULL},
	    {"--idle-minutes", "N", "sign-out after this many idle minutes (default 30)", NULL},
	    {"--instruments", "DIR",
	     "load instrument definitions from DIR instead of the built-in "
	     "ones",
	     NULL},
	    {"--treatment", "DIR",
	     "load DIR/biologics.json and DIR/protocols/*.json instead of the built-in ones", NULL},
	    {"--timezone", "ZONE",
	     "the clinic's IANA time zone, e.g. America/Chicago (default: "
	     "the machine's)",
	     NULL},
	    {"--clinic-name", "NAME",
	     "the clinic's name on the documents patients take home (estimates)", NULL},
	    {"--currency", "CODE",
	     "the clinic's ISO 4217 currency: prices, invoices and payments are whole numbers of "
	     "its minor unit (default USD)",
	     NULL},
	    {"--audit-key", "PATH",
	     "the audit signing key (default: the database path + .audit-key; created at the "
	     "first start, mode 0600)",
	     NULL},
	    {"--audit-every", "N", "sign the audit chain's head every N records (1000)", NULL},
	    {"--trusted-proxy", "ADDR",
	     "the TLS proxy's address: requests from it are taken to come from the last address "
	     "in their X-Forwarded-For (sign-in limits and the audit use it)",
	     NULL},
	    {"--engine", "NAME",
	     "the HTTP engine: h2o (default: event loops, the caps and timeouts below apply to "
	     "it) or civetweb (the former engine: a thread per connection)",
	     NULL},
	    {"--max-conns", "N", "h2o: open connections at most, 503 beyond (10000)", NULL},
	    {"--max-conns-per-ip", "N",
	     "h2o: open connections from one client address at most, 503 beyond (256; the "
	     "trusted proxy has only the total)",
	     NULL},
	    {"--loop-threads", "N",
	     "h2o: event-loop threads sharing the connections (default: the number of cores, at "
	     "most 8)",
	     NULL},
	    {"--header-timeout", "S",
	     "h2o: seconds within which a request head must arrive, from its first byte (from the "
	     "connection's opening for the first request) (5)",
	     NULL},
	    {"--body-timeout", "S",
	     "h2o: seconds within which a request body must arrive once its "
	     "head has (10)",
	     NULL},
	    {"--idle-timeout", "S",
	     "h2o: seconds a keep-alive connection may stay idle between requests (30)", NULL},
	    {"--write-timeout", "S",
	     "h2o: seconds a response may make no progress (a client that does not read it) before "
	     "the connection is dropped (10)",
	     NULL},
	    {"--ical-patient-names", NULL,
	     "show patients' names in the resources' calendar feeds (off: \"Booked: <type>\" only)",
	     NULL},
	    {"--quiet", NULL, "no per-request log lines", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann serve --db PATH [--listen HOST:PORT]", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db"))
		return 2;
	server_cfg cfg = {cli_get(opts, "--db"),
	                  "127.0.0.1:8080",
	                  32,
	                  CHRONIC_MONTHS_DEFAULT,
	                  30,
	                  64 * 1024,
	                  cli_get(opts, "--quiet") != NULL};
	if (cli_get(opts, "--listen"))
		cfg.listen = cli_get(opts, "--listen");
	cfg.ical_patient_names = cli_get(opts, "--ical-patient-names") != NULL;
	cfg.trusted_proxy = cli_get(opts, "--trusted-proxy");
	if (cfg.trusted_proxy &&
	    (strlen(cfg.trusted_proxy) > 45 || !*cfg.trusted_proxy ||
	     cfg.trusted_proxy[strspn(cfg.trusted_proxy, "0123456789abcdefABCDEF:.")])) {
		fprintf(stderr,
		        "schwann: --trusted-proxy must be an IP address such as 127.0.0.1\n");
		return 2;
	}
	if ((cli_get(opts, "--threads") &&
	     number(cli_get(opts, "--threads"), "--threads", 1, 256, &cfg.threads)) ||
	    (cli_get(opts, "--chronic-months") &&
	     number(cli_get(opts, "--chronic-months"), "--chronic-months", 1, 600,
	            &cfg.chronic_months)) ||
	    (cli_get(opts, "--idle-minutes") &&
	     number(cli_get(opts, "--idle-minutes"), "--idle-minutes", 1, 24 * 60,
	            &cfg.idle_minutes)))
		return 2;
	cfg.max_conns = 10000;
	cfg.max_conns_per_addr = 256;
	int header_s = 5, body_s = 10, idle_s = 30, write_s = 10;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.loop_threads = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
	const char *engine = cli_get(opts, "--engine");
	cfg.engine = HTTP_ENGINE_H2O;
	if (engine && strcmp(engine, "civetweb") == 0) {
		cfg.engine = HTTP_ENGINE_CIVETWEB;
	} else if (engine && strcmp(engine, "h2o") != 0) {
		fprintf(stderr, "schwann: --engine must be civetweb or h2o\n");
		return 2;
	}
	struct {
		const char *flag;
		int lo, hi, *out;
	} numbers[] = {
	    {"--max-conns", 1, 1000000, &cfg.max_conns},
	    {"--max-conns-per-ip", 1, 1000000, &cfg.max_conns_per_addr},
	    {"--loop-threads", 1, 64, &cfg.loop_threads},
	    {"--header-timeout", 1, 3600, &header_s},
	    {"--body-timeout", 1, 3600, &body_s},
	    {"--idle-timeout", 1, 24 * 3600, &idle_s},
	    {"--write-timeout", 1, 3600, &write_s},
	};
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		if (cli_get(opts, numbers[i].flag) &&
		    number(cli_get(opts, numbers[i].flag), numbers[i].flag, numbers[i].lo,
		           numbers[i].hi, numbers[i].out))
			return 2;
	cfg.header_timeout_ms = header_s * 1000;
	cfg.body_timeout_ms = body_s * 1000;
	cfg.idle_timeout_ms = idle_s * 1000;
	cfg.write_timeout_ms = write_s * 1000;
	int every = 1000;
	if (cli_get(opts, "--audit-every") &&
	    number(cli_get(opts, "--audit-every"), "--audit-every", 1, 1000000, &every))
		return 2;
	cfg.clinic_name = cli_get(opts, "--clinic-name");
	if (cfg.clinic_name && (!*cfg.clinic_name || strlen(cfg.clinic_name) > 120)) {
		fprintf(stderr, "schwann: --clinic-name must be 1 to 120 characters\n");
		return 2;
	}
	cfg.currency = cli_get(opts, "--currency") ? cli_get(opts, "--currency") : "USD";
	if (!currency_find(cfg.currency)) {
		fprintf(stderr, "schwann: --currency must be one of %s\n", currency_codes());
		return 2;
	}
	const char *tz = cli_get(opts, "--timezone");
	arena a;
	arena_init(&a);
	/* The calendars read the zone's file themselves (util/tz.h): no process-wide state. */
	char why[300];
	tz_zone *zone = NULL;
	if (tz && tz_load(&a, tz, &zone, why, sizeof why)) {
		fprintf(stderr, "schwann: --timezone: %s\n", why);
		arena_free(&a);
		return 2;
	}
	if (tz) {
		/* Dates like "today" are the clinic's; instants stay UTC. Set before any thread. */
		setenv("TZ", tz, 1);
		tzset();
	}
	cfg.zone = zone ? zone : tz_load_default(&a);
	/* Open once up front so a bad path or a failed migration stops here with a message. */
	store *st = cli_open_store(cfg.db_path);
	if (!st) {
		arena_free(&a);
		return 1;
	}
	const char *key = cli_get(opts, "--audit-key")
	                      ? cli_get(opts, "--audit-key")
	                      : arena_printf(&a, "%s.audit-key", cfg.db_path);
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	if (cli_audit_key(key, 1, sk)) {
		st->ops->close(st);
		arena_free(&a);
		return 1;
	}
	store_audit_signing(sk, every);
	sodium_memzero(sk, sizeof sk);
	st->ops->close(st);
	instrument_set set = {0};
	treatment_set tx = {0};
	rc = cli_load_instruments(&a, cli_get(opts, "--instruments"), &set);
	if (!rc)
		rc = cli_load_treatment(&a, cli_get(opts, "--treatment"), &set, &tx);
	if (!rc) {
		cfg.instruments = &set;
		cfg.treatment = &tx;
		/* Two malloc arenas for all the server's threads, not glibc's eight per core: a
		 * request's allocations come from its own arena (util/json_mem.c), so they seldom
		 * meet, and each arena kept its own free memory (2.6 MB less at 16 connections,
		 * creates as fast; bench/run's create, A/B). Before any thread starts. */
		mallopt(M_ARENA_MAX, 2);
		rc = http_serve(&cfg);
		/* The head as the server leaves it is signed too. */
		if ((st = cli_open_store(cfg.db_path))) {
			st->ops->audit_checkpoint_now(st);
			st->ops->close(st);
		}
	} else {
		rc = 1;
	}
	cli_release_treatment(&tx);
	cli_release_instruments(&set);
	arena_free(&a);
	return rc;
}
