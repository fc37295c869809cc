/* schwann user add / schwann token create: staff accounts and API tokens. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../core/staff.h"
#include "../http/auth.h"
#include "../util/dates.h"
#include "cli.h"

/* Reads one line from stdin, without its newline, into buf. */
static int read_password(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin)) {
		fprintf(stderr, "schwann: --password-stdin: nothing on standard input\n");
		return -1;
	}
	size_t end = strcspn(buf, "\r\n");
	if (!buf[end] && end + 1 == size) {
		fprintf(stderr, "schwann: --password-stdin: the password is too long\n");
		return -1;
	}
	buf[end] = '\0';
	return 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "add") != 0) {
		if (argc >= 1 && strcmp(argv[0], "--help") == 0) {
			printf("usage: schwann user add --db PATH --email E --name N --role R "
			       "[--password-stdin]\n");
			return 0;
		}
		fprintf(stderr, "usage: schwann user add --db PATH --email E --name N --role R "
		                "[--password-stdin]\n");
		return 2;
	}
	cli_opt opts[] = {
	    {"--db", "PATH", "database file", NULL},
	    {"--email", "E", "sign-in e-mail", NULL},
	    {"--name", "N", "full name", NULL},
	    {"--role", "R", "admin, clinician, nurse, front_desk or researcher", NULL},
	    {"--password-stdin", NULL,
	     "read the password from standard input (else one is "
	     "generated and printed once)",
	     NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann user add --db PATH --email E --name N --role R", opts, argc - 1,
	                   argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db") || cli_require(opts, "--email") ||
	    cli_require(opts, "--name") || cli_require(opts, "--role"))
		return 2;
	char password[2048]; /* longer than any password taken, so a long one is refused, not cut */
	int generated = !cli_get(opts, "--password-stdin");
	if (generated)
		password_generate(password, 17);
	else if (read_password(password, sizeof password))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	rc = cli_add_staff(st, cli_get(opts, "--email"), cli_get(opts, "--name"),
	                   cli_get(opts, "--role"), password);
	st->ops->close(st);
	if (rc)
		return 1;
	printf("added %s (%s)\n", cli_get(opts, "--email"), cli_get(opts, "--role"));
	if (generated)
		printf("password (shown once): %s\n", password);
	sodium_memzero(password, sizeof password);
	return 0;
}

/* schwann token revoke: the token stops working at once for new servers and within 10 s for a
 * running one (its per-thread token cache). */
static int token_revoke(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--db", "PATH", "database file", NULL},
	    {"--token", "TOKEN", "the token to revoke, as printed by token create", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann token revoke --db PATH --token TOKEN", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db") || cli_require(opts, "--token"))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	unsigned char hash[SESSION_TOKEN_BYTES];
	auth_hash_token(cli_get(opts, "--token"), hash);
	char now[21];
	instant_now(now);
	sw_err err = st->ops->token_revoke(st, hash, now);
	st->ops->close(st);
	if (err == SW_ENOTFOUND)
		fprintf(stderr, "schwann: no such token, or it was revoked already\n");
	else if (!err)
		printf("token revoked\n");
	return err ? 1 : 0;
}

int cmd_token(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "revoke") == 0)
		return token_revoke(argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "create") != 0) {
		FILE *f = argc >= 1 && strcmp(argv[0], "--help") == 0 ? stdout : stderr;
		fprintf(f, "usage: schwann token create --db PATH --email E [--name LABEL]\n"
		           "       schwann token revoke --db PATH --token TOKEN\n");
		return f == stdout ? 0 : 2;
	}
	cli_opt opts[] = {
	    {"--db", "PATH", "database file", NULL},
	    {"--email", "E", "the staff member the token acts as", NULL},
	    {"--name", "LABEL", "what the token is for (default \"api\")", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann token create --db PATH --email E [--name LABEL]", opts,
	                   argc - 1, argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db") || cli_require(opts, "--email"))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	arena a;
	arena_init(&a);
	staff who;
	sw_err err = st->ops->staff_by_email(st, &a, cli_get(opts, "--email"), &who);
	if (err == SW_ENOTFOUND)
		fprintf(stderr, "schwann: no staff member with e-mail %s\n",
		        cli_get(opts, "--email"));
	unsigned char hash[SESSION_TOKEN_BYTES];
	const char *token = NULL;
	char now[21];
	instant_now(now);
	if (!err) {
		token = auth_new_token(&a, "sw_", hash);
		const char *label = cli_get(opts, "--name") ? cli_get(opts, "--name") : "api";
		err = st->ops->token_create(st, hash, who.id, label, now);
	}
	if (!err)
		printf("%s\n", token);
	arena_free(&a);
	st->ops->close(st);
	return err ? 1 : 0;
}
