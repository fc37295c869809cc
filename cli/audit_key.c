/* The audit signing key: an Ed25519 secret key kept in a file outside the database, written as
 * hex, created with mode 0600 at the first start and never overwritten. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define KEY_HEX (crypto_sign_SECRETKEYBYTES * 2)

static int create_key(const char *path, unsigned char *sk)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char hex[KEY_HEX + 2];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, KEY_HEX + 1, sk, crypto_sign_SECRETKEYBYTES);
	hex[KEY_HEX] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	int ok = fd >= 0 && write(fd, hex, KEY_HEX + 1) == KEY_HEX + 1 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	sodium_memzero(hex, sizeof hex);
	if (!ok) {
		fprintf(stderr, "schwann: cannot create the audit key %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	fprintf(stderr,
	        "schwann: created the audit signing key %s (mode 0600); keep a copy apart "
	        "from the database and its backups\n",
	        path);
	return 0;
}

int cli_audit_key(const char *path, int create, unsigned char *sk)
{
	char hex[KEY_HEX + 2];
	FILE *f = fopen(path, "r");
	if (!f && errno == ENOENT && create)
		return create_key(path, sk);
	if (!f) {
		fprintf(stderr, "schwann: cannot read the audit key %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	size_t n = fread(hex, 1, sizeof hex - 1, f), got = 0;
	fclose(f);
	hex[n] = '\0';
	int rc = sodium_hex2bin(sk, crypto_sign_SECRETKEYBYTES, hex, n, "\n", &got, NULL) ||
	                 got != crypto_sign_SECRETKEYBYTES
	             ? -1
	             : 0;
	sodium_memzero(hex, sizeof hex);
	if (rc)
		fprintf(stderr, "schwann: %s is not an audit key (%d hex digits expected)\n", path,
		        KEY_HEX);
	return rc;
}
