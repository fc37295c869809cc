/* A small document writer over libharu (Debian's libhpdf): titles, wrapped paragraphs, table rows
 * with wrapped cells and right-aligned amounts, rules, page breaks with "Page n of m" footers,
 * written to memory. Text is UTF-8; the built-in Helvetica fonts are used (nothing embedded, a
 * few kilobytes a page), so text is set in Windows-1252: Latin letters with their accents, the
 * euro and pound signs, typographic quotes and dashes; any other character prints as '?'.
 *
 * Every call after a failure does nothing; pdf_finish reports it. Not thread-safe per document
 * (each request makes its own). */
#ifndef SCHWANN_PDF_H
#define SCHWANN_PDF_H

#include <stddef.h>

#include "arena.h"

#define PDF_MAX_COLS 6

typedef struct pdf_doc pdf_doc;

/* A new document of Letter (a4 0) or A4 pages with its title in the document's information;
 * NULL when out of memory. */
pdf_doc *pdf_new(int a4, const char *title);
void pdf_title(pdf_doc *d, const char *text);
void pdf_heading(pdf_doc *d, const char *text);
/* A wrapped paragraph: normal, or small and grey (small 1). */
void pdf_text(pdf_doc *d, const char *text, int small);
/* A table row: cols[0..n) in widths given as fractions of the text width (summing to at most
 * 1), each wrapped in its column; right[i] sets column i flush right (amounts). bold: a header
 * or total row. Moves to a new page first when the row does not fit. */
void pdf_row(pdf_doc *d, const char *const *cols, int n, const double *widths, const int *right,
             int bold);
void pdf_rule(pdf_doc *d);
void pdf_space(pdf_doc *d, double points);
/* Writes the footers and the document into the arena: 0 with *out and *len set, or -1 (a
 * libharu failure or out of memory). Frees d either way. */
int pdf_finish(pdf_doc *d, arena *a, unsigned char **out, size_t *len);

/* UTF-8 text in Windows-1252 (the fonts' encoding), in the arena; characters it lacks as '?'.
 * Exposed for tests. */
char *pdf_cp1252(arena *a, const char *utf8);

#endif
