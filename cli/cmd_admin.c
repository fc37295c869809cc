/* schwann backup and schwann audit verify. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_backup(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--db", "PATH", "database to copy", NULL},
	    {"--to", "FILE", "where to write the copy", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann backup --db PATH --to FILE", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db") || cli_require(opts, "--to"))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	sw_err err = st->ops->backup(st, cli_get(opts, "--to"));
	st->ops->close(st);
	if (!err)
		printf("backed up %s to %s\n", cli_get(opts, "--db"), cli_get(opts, "--to"));
	return err ? 1 : 0;
}

/* The signed checkpoints against the key's public half: 0 when every one holds, 3 when one
 * does not (the chain was rewritten, or records it signed were removed). */
static int verify_signed(const char *db, const char *key)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	if (cli_audit_key(key, 0, sk))
		return 1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof sk);
	store *st = cli_open_store(db);
	if (!st)
		return 1;
	audit_signed_report rep;
	sw_err err = st->ops->audit_verify_signed(st, pk, &rep);
	st->ops->close(st);
	if (err)
		return 1;
	if (rep.problem) {
		printf("audit checkpoint at record %" PRId64 " FAILED: %s\n", rep.bad_seq,
		       rep.problem);
		return 3;
	}
	printf("signed checkpoints: %" PRId64 " hold; the last covers record %" PRId64 "; %" PRId64
	       " records follow it, not yet signed\n",
	       rep.checkpoints, rep.last_seq, rep.after_last);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "verify") != 0) {
		FILE *f = argc >= 1 && strcmp(argv[0], "--help") == 0 ? stdout : stderr;
		fprintf(f, "usage: schwann audit verify --db PATH [--key PATH]\n");
		return f == stdout ? 0 : 2;
	}
	cli_opt opts[] = {
	    {"--db", "PATH", "database whose audit chain to check", NULL},
	    {"--key", "PATH", "the audit signing key: also prove the signed checkpoints", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann audit verify --db PATH [--key PATH]", opts, argc - 1, argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (cli_require(opts, "--db"))
		return 2;
	store *st = cli_open_store(cli_get(opts, "--db"));
	if (!st)
		return 1;
	int64_t checked = 0, broken = 0;
	sw_err err = st->ops->audit_verify(st, &checked, &broken);
	st->ops->close(st);
	if (err)
		return 1;
	if (broken) {
		printf("audit chain BROKEN at record %" PRId64 " (%" PRId64
		       " records read); that record or one before it was altered or removed\n",
		       broken, checked);
		return 3;
	}
	printf("audit chain intact: %" PRId64 " records\n", checked);
	return cli_get(opts, "--key") ? verify_signed(cli_get(opts, "--db"), cli_get(opts, "--key"))
	                              : 0;
	return 0;
}
