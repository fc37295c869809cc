/* How a patient search reads its query, and the name order: shared by the store's SQL and the
 * in-memory directory (store/patient_dir.c), so the two cannot disagree on either. */
#ifndef SCHWANN_PATIENT_FIND_H
#define SCHWANN_PATIENT_FIND_H

#include <stddef.h>

typedef enum {
	PF_ALL,   /* no query: everyone, by name */
	PF_BIRTH, /* YYYY-MM-DD: that birth date */
	PF_MRN,   /* one word with a digit: part of an MRN, anywhere in it (names have none) */
	PF_WORD,  /* one word: a family or given name starting with it, or the exact MRN */
	PF_WORDS, /* two words: family and given name in either order, or the exact MRN */
} pf_shape;

typedef struct pf_query {
	pf_shape shape;
	const char *q;     /* the whole query (the exact MRN), NULL for PF_ALL */
	const char *first; /* the first word, first_len bytes (not terminated) */
	size_t first_len;
	const char *second; /* PF_WORDS: the rest after the separators (terminated) */
} pf_query;

/* Reads q (NULL or "" for everyone). "Smith John", "Smith, John" and "John Smith" are two words. */
void pf_parse(const char *q, pf_query *out);

/* SQLite's NOCASE order: bytes compared with ASCII A-Z folded to lower case, a prefix first. */
int pf_nocase_cmp(const char *a, const char *b);
/* Whether name lies in the NOCASE range [prefix, prefix || 0xFF) that a name prefix searches
 * (prefix is plen bytes): every name that starts with it in any ASCII case, and no other. */
int pf_in_prefix(const char *name, const char *prefix, size_t plen);

#endif
