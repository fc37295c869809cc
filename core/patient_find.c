/* A patient search's query shape and the NOCASE name order (patient_find.h). */
#include "patient_find.h"

#include <string.h>

#include "../util/dates.h"

void pf_parse(const char *q, pf_query *out)
{
	memset(out, 0, sizeof *out);
	if (!q || !*q) {
		out->shape = PF_ALL;
		return;
	}
	civil_date d;
	const char *sep = strpbrk(q, " ,"), *second = sep;
	while (second && (*second == ' ' || *second == ','))
		second++;
	out->q = q;
	out->first = q;
	out->first_len = sep ? (size_t)(sep - q) : strlen(q);
	if (date_parse(q, &d) == 0)
		out->shape = PF_BIRTH;
	else if (strpbrk(q, "0123456789") && !sep)
		out->shape = PF_MRN;
	else if (sep && *second) {
		out->shape = PF_WORDS;
		out->second = second;
	} else
		out->shape = PF_WORD;
}

static inline unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int pf_nocase_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (;; x++, y++) {
		unsigned char p = fold(*x), r = fold(*y);
		if (p != r || !p)
			return (int)p - (int)r;
	}
}

int pf_in_prefix(const char *name, const char *prefix, size_t plen)
{
	const unsigned char *x = (const unsigned char *)name, *y = (const unsigned char *)prefix;
	size_t i = 0;
	for (; i < plen; i++) {
		unsigned char p = fold(x[i]), r = fold(y[i]);
		if (p !=
		    r) /* below the prefix, or past prefix || 0xFF, which agrees with it here */
			return 0;
	}
	/* starts with the prefix: inside [prefix, prefix || 0xFF) unless the next byte is 0xFF */
	return fold(x[plen]) != 0xFF;
}
