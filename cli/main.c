/* schwann: the command table and dispatch. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../util/json_mem.h"
#include "../util/version.h"
#include "cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
    {"serve", cmd_serve, "run the web server and API"},
    {"user", cmd_user, "manage staff accounts (user add)"},
    {"token", cmd_token, "API tokens for scripts (token create, token revoke)"},
    {"demo", cmd_demo, "create a database holding a synthetic demo clinic"},
    {"outcomes", cmd_outcomes, "print an outcome report (responders, ...) as JSON or CSV"},
    {"synth", cmd_synth, "write a synthetic registry for the outcome reports (synth --patients N)"},
    {"backup", cmd_backup, "copy the database consistently, even while serving"},
    {"audit", cmd_audit, "check the audit log's hash chain (audit verify)"},
    {"schema", cmd_schema, "print the tables the record kinds' descriptions imply"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: schwann COMMAND [OPTIONS]\n\n"
	           "Schwann runs a neuropathy clinic's regenerative care and measures it.\n\n"
	           "commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->help);
	fprintf(f, "\n'schwann COMMAND --help' for a command's options; --version for the "
	           "version.\n");
}

int main(int argc, char **argv)
{
	json_mem_install(); /* before any other jansson call */
	if (sodium_init() < 0) {
		fputs("schwann: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("schwann %s\n", SCHWANN_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 2, argv + 2);
	fprintf(stderr, "schwann: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
