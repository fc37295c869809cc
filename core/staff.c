/* Staff account rules: e-mail, password strength, generated one-time passwords. */
#include "staff.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* The most used passwords of 12 characters or more in public breach lists (a short list: the
 * length rule already refuses the shorter ones). Compared ignoring letter case. */
static const char *const common[] = {"123456789012",     "1234567890123",
                                     "12345678901234",   "123456789123",
                                     "password1234",     "password12345",
                                     "password123456",   "passwordpassword",
                                     "qwertyuiop12",     "qwertyuiopas",
                                     "qwertyuiopasdf",   "1q2w3e4r5t6y",
                                     "1qaz2wsx3edc",     "qazwsxedcrfv",
                                     "aaaaaaaaaaaa",     "abcdefghijkl",
                                     "abcdefghijklm",    "abc123abc123",
                                     "iloveyou1234",     "welcome12345",
                                     "letmein12345",     "administrator",
                                     "changeme1234",     "password!234",
                                     "p@ssw0rd1234",     "trustno1trustno1",
                                     "football1234",     "baseball1234",
                                     "sunshine1234",     "princess1234",
                                     "starwars1234",     "monkey123456",
                                     "dragon123456",     "master123456",
                                     "superman1234",     "000000000000",
                                     "111111111111",     "121212121212",
                                     "123123123123",     "987654321098",
                                     "zaq12wsxcde3",     "asdfghjkl123",
                                     "asdfasdfasdf",     "qwertyqwerty",
                                     "passw0rdpassw0rd", NULL};

const char *staff_email_problem(const char *email)
{
	size_t n = email ? strlen(email) : 0;
	const char *at = email ? strchr(email, '@') : NULL;
	if (n == 0 || n > 254)
		return "must be an e-mail address of at most 254 characters";
	for (const char *p = email; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "must be an e-mail address without spaces";
	if (!at || at == email || strchr(at + 1, '@'))
		return "must be an e-mail address: one @ with the name before it";
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return "must be an e-mail address with a domain such as clinic.example";
	return NULL;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

const char *password_problem(const char *password, const char *email)
{
	if (!password || utf8_chars(password) < PASSWORD_MIN_CHARS)
		return "must be at least 12 characters (a few words make a good one)";
	size_t len = strlen(password);
	if (len > PASSWORD_MAX_BYTES)
		return "must be at most 1,024 bytes";
	size_t blank = 0, same = 0;
	for (size_t i = 0; i < len; i++) {
		blank += isspace((unsigned char)password[i]) != 0;
		same += password[i] == password[0];
	}
	if (blank == len)
		return "cannot be only spaces";
	if (same == len)
		return "cannot be one character repeated";
	for (const char *const *c = common; *c; c++)
		if (strcasecmp(*c, password) == 0)
			return "is one of the most commonly used passwords; choose another";
	const char *at = email ? strchr(email, '@') : NULL;
	if (email && (strcasecmp(email, password) == 0 || (at && (size_t)(at - email) == len &&
	                                                   strncasecmp(email, password, len) == 0)))
		return "cannot be the e-mail address";
	return NULL;
}

int password_hash(const char *password, char *out)
{
	return crypto_pwhash_str(out, password, strlen(password),
	                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

void password_generate(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	if (n)
		out[n - 1] = '\0';
}
