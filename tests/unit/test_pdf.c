/* Unit tests for util/pdf: the text set in Windows-1252, and documents read back with pdftotext
 * (poppler-utils): the words come back in order, accents kept, long tables break onto pages
 * with "Page n of m", amounts flush right. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/pdf.h"

static void cp1252(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	assert_string_equal(pdf_cp1252(&a, "plain ASCII"), "plain ASCII");
	/* Latin-1 letters are their own code points; the euro and typographic marks are in
	 * 0x80..0x9f. */
	assert_string_equal(pdf_cp1252(&a, "Jos\xc3\xa9 M\xc3\xbcller"), "Jos\xe9 M\xfcller");
	assert_string_equal(pdf_cp1252(&a, "\xe2\x82\xac"
	                                   "5 \xe2\x80\x93 \xe2\x80\x9cok\xe2\x80\x9d"),
	                    "\x80"
	                    "5 \x96 \x93ok\x94");
	/* Anything else, and broken UTF-8, is one '?' per character. */
	assert_string_equal(pdf_cp1252(&a, "Nguy\xe1\xbb\x85n \xf0\x9f\x98\x80!"), "Nguy?n ?!");
	assert_string_equal(pdf_cp1252(&a, "a\x80z\xc3"), "a?z?");
	assert_string_equal(pdf_cp1252(&a, NULL), "");
	arena_free(&a);
}

/* pdftotext -layout of the document into the arena (NULL when it cannot run). */
static char *read_back(arena *a, const unsigned char *pdf, size_t len)
{
	char path[] = "/tmp/schwann-pdf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	int ok = write(fd, pdf, len) == (ssize_t)len;
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 %s -", path);
	FILE *p = ok ? popen(cmd, "r") : NULL;
	char *out = arena_alloc(a, 1 << 20);
	size_t n = p ? fread(out, 1, (1 << 20) - 1, p) : 0;
	out[n] = 0;
	int rc = p ? pclose(p) : -1;
	unlink(path);
	return rc == 0 ? out : NULL;
}

static void document(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	pdf_doc *d = pdf_new(0, "Estimate for Jos\xc3\xa9");
	assert_non_null(d);
	pdf_title(d, "Riverside Neuropathy Clinic");
	pdf_text(d, "Estimate for Jos\xc3\xa9 M\xc3\xbcller, valid until 2027-01-31.", 0);
	pdf_heading(d, "Schedule");
	static const double w[] = {0.2, 0.6, 0.2};
	static const int right[] = {0, 0, 1};
	const char *head[] = {"Date", "Item", "Amount"};
	pdf_row(d, head, 3, w, right, 1);
	pdf_rule(d);
	for (int i = 0; i < 60; i++) {
		char date[16], item[160], amount[24];
		snprintf(date, sizeof date, "2027-02-%02d", i % 28 + 1);
		snprintf(item, sizeof item,
		         "Visit %d: a description long enough to wrap onto a second line of its "
		         "column, so rows have different heights",
		         i + 1);
		snprintf(amount, sizeof amount, "$%d.00", 100 + i);
		const char *row[] = {date, item, amount};
		pdf_row(d, row, 3, w, right, 0);
	}
	pdf_text(d, "Small print: prices in force today.", 1);
	unsigned char *pdf;
	size_t len;
	assert_int_equal(pdf_finish(d, &a, &pdf, &len), 0);
	assert_true(len > 500 && memcmp(pdf, "%PDF-", 5) == 0);
	char *text = read_back(&a, pdf, len);
	assert_non_null(text);
	assert_non_null(strstr(text, "Riverside Neuropathy Clinic"));
	assert_non_null(strstr(text, "Jos\xc3\xa9 M\xc3\xbcller")); /* accents survive */
	assert_non_null(strstr(text, "Visit 1:"));
	assert_non_null(strstr(text, "Visit 60:"));
	assert_non_null(strstr(text, "$159.00"));
	assert_non_null(strstr(text, "second line")); /* wrapped text is all there */
	/* 60 two-line rows do not fit one page: footers count the pages. */
	assert_non_null(strstr(text, "Page 1 of "));
	const char *last = strstr(text, "Small print");
	assert_non_null(last);
	assert_null(strstr(text, "Page 1 of 1"));
	/* In order: visit 59 before visit 60 before the small print. */
	assert_true(strstr(text, "Visit 59:") < strstr(text, "Visit 60:"));
	assert_true(strstr(text, "Visit 60:") < last);
	/* The amount is flush right: on its line it comes after the wrapped description. */
	const char *v1 = strstr(text, "Visit 1:");
	const char *eol = strchr(v1, '\n');
	const char *amt = strstr(v1, "$100.00");
	assert_true(amt && amt < eol);
	arena_free(&a);
}

static void empty_and_a4(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	pdf_doc *d = pdf_new(1, NULL);
	unsigned char *pdf;
	size_t len;
	assert_int_equal(pdf_finish(d, &a, &pdf, &len), 0);
	char *text = read_back(&a, pdf, len);
	assert_non_null(text);
	assert_non_null(strstr(text, "Page 1 of 1"));
	/* A4: 595 x 842 points in the page's MediaBox (the page dictionary is not compressed). */
	int found = 0;
	for (size_t i = 0; i + 40 < len && !found; i++)
		found = memcmp(pdf + i, "/MediaBox", 9) == 0 && memmem(pdf + i, 40, "595.27", 6);
	assert_true(found);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cp1252),
	    cmocka_unit_test(document),
	    cmocka_unit_test(empty_and_a4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
