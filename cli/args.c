/* Option parsing and small helpers shared by the subcommands. */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../core/perm.h"
#include "../core/staff.h"
#include "../util/dates.h"
#include "../util/uuid.h"
#include "cli.h"

static void usage(const char *text, const cli_opt *opts)
{
	printf("usage: %s\n\noptions:\n", text);
	for (const cli_opt *o = opts; o->name; o++)
		printf("  %s%s%-*s %s\n", o->name, o->arg ? " " : "",
		       (int)(22 - strlen(o->name) - (o->arg ? 1 : 0)), o->arg ? o->arg : "",
		       o->help);
	printf("  --help                 show this help\n");
}

int cli_parse(const char *text, cli_opt *opts, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(text, opts);
			return 1;
		}
		cli_opt *o = opts;
		while (o->name && strcmp(o->name, argv[i]) != 0)
			o++;
		if (!o->name) {
			fprintf(stderr, "schwann: unknown option '%s' (see --help)\n", argv[i]);
			return -1;
		}
		if (!o->arg) {
			o->value = "1";
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "schwann: %s needs a value (%s)\n", o->name, o->arg);
			return -1;
		}
		o->value = argv[++i];
	}
	return 0;
}

const char *cli_get(const cli_opt *opts, const char *name)
{
	for (const cli_opt *o = opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o->value;
	return NULL;
}

int cli_require(const cli_opt *opts, const char *name)
{
	if (cli_get(opts, name))
		return 0;
	fprintf(stderr, "schwann: %s is required (see --help)\n", name);
	return -1;
}

store *cli_open_store(const char *path)
{
	store *st = NULL;
	char err[512];
	if (store_sqlite_open(path, &st, err, sizeof err)) {
		fprintf(stderr, "schwann: %s\n", err);
		return NULL;
	}
	return st;
}

int cli_add_staff(store *st, const char *email, const char *name, const char *role_text,
                  const char *password)
{
	role r;
	if (role_parse(role_text, &r)) {
		fprintf(stderr,
		        "schwann: --role must be one of admin, clinician, nurse, front_desk, "
		        "researcher\n");
		return -1;
	}
	if (!name || !*name || strlen(name) > 200) {
		fprintf(stderr, "schwann: --name must be 1 to 200 characters\n");
		return -1;
	}
	const char *why = staff_email_problem(email);
	if (why) {
		fprintf(stderr, "schwann: --email %s\n", why);
		return -1;
	}
	if ((why = password_problem(password, email))) {
		fprintf(stderr, "schwann: the password %s\n", why);
		return -1;
	}
	char hash[crypto_pwhash_STRBYTES], id[UUID_STR_LEN + 1], now[21];
	if (password_hash(password, hash)) {
		fprintf(stderr, "schwann: out of memory hashing the password\n");
		return -1;
	}
	uuid_v7(id);
	instant_now(now);
	staff s = {id, email, name, role_text, hash, 1, now};
	sw_err rc = st->ops->staff_create(st, &s);
	if (rc == SW_ECONFLICT)
		fprintf(stderr, "schwann: a staff member with e-mail %s already exists\n", email);
	else if (rc)
		fprintf(stderr, "schwann: could not save the staff member\n");
	return rc ? -1 : 0;
}

int cli_each_json(arena *a, const char *dir, const char *what,
                  int (*fn)(void *ctx, const char *path, const char *text, size_t len), void *ctx)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "schwann: cannot read the %s folder %s\n", what, dir);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name), len = 0;
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char *path = arena_printf(a, "%s/%s", dir, e->d_name);
		char *buf = cli_read_file(a, path, &len);
		rc = buf ? fn(ctx, path, buf, len) : -1;
	}
	closedir(d);
	return rc;
}

char *cli_read_file(arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	*len = 0;
	if (f) {
		buf = arena_alloc(a, CLI_FILE_MAX + 1);
		*len = fread(buf, 1, CLI_FILE_MAX + 1, f);
		fclose(f);
	}
	if (!f || *len > CLI_FILE_MAX) {
		fprintf(stderr, "schwann: cannot read %s (or larger than 1 MiB)\n", path);
		return NULL;
	}
	return buf;
}
