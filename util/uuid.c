/* UUIDv7 generation and syntax check. */
#include "uuid.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

void uuid_v7_from(char out[UUID_STR_LEN + 1], uint64_t unix_ms, const unsigned char rnd[10])
{
	unsigned char b[16];
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(unix_ms >> (40 - 8 * i));
	memcpy(b + 6, rnd, 10);
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
}

void uuid_v7(char out[UUID_STR_LEN + 1])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	unsigned char rnd[10];
	randombytes_buf(rnd, sizeof rnd);
	uuid_v7_from(out, ms, rnd);
}

void uuid_seq_init(uuid_seq *q)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	q->ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	q->count = 0;
	randombytes_buf(q->rnd, sizeof q->rnd);
}

void uuid_seq_next(uuid_seq *q, char out[UUID_STR_LEN + 1])
{
	/* rand_a (12 bits) and the first 30 bits of rand_b hold the counter; uuid_v7_from sets the
	 * version and variant bits over the two gaps. */
	uint64_t c = q->count++;
	unsigned char rnd[10] = {(unsigned char)(c >> 38),
	                         (unsigned char)(c >> 30),
	                         (unsigned char)((c >> 24) & 0x3f),
	                         (unsigned char)(c >> 16),
	                         (unsigned char)(c >> 8),
	                         (unsigned char)c,
	                         q->rnd[0],
	                         q->rnd[1],
	                         q->rnd[2],
	                         q->rnd[3]};
	uuid_v7_from(out, q->ms, rnd);
}

int uuid_valid(const char *s)
{
	if (!s || strlen(s) != UUID_STR_LEN)
		return 0;
	for (int i = 0; i < UUID_STR_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}
