/* The rules for staff accounts: a plausible e-mail address, a name, a role, and a password that
 * is long enough and not one of the commonly used ones. Pure; each check answers NULL when the
 * value is fine, else the reason in words (for the field's error message). */
#ifndef SCHWANN_STAFF_H
#define SCHWANN_STAFF_H

#include <stddef.h>

#include "../util/text.h" /* text_visible, for names */

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024

/* One @ with something before it, a domain with a dot after it, no space or control character,
 * at most 254 bytes. */
const char *staff_email_problem(const char *email);
/* At least PASSWORD_MIN_CHARS characters (UTF-8), at most PASSWORD_MAX_BYTES bytes, not only
 * white space, not one character repeated, not on the list of common passwords, and not the
 * e-mail address or its part before the @ (email may be NULL). */
const char *password_problem(const char *password, const char *email);
/* out (crypto_pwhash_STRBYTES) = the argon2id hash of password; 0, or -1 out of memory. */
int password_hash(const char *password, char *out);
/* A random password of n-1 characters from an alphabet without look-alikes, in out[n]. */
void password_generate(char *out, size_t n);

#endif
