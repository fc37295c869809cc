/* A small document writer over libharu: see pdf.h. Layout in points from the top of the text
 * area down; one scratch arena for the text converted to the fonts' encoding. */
#include "pdf.h"

#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_MAX_PAGES 100
#define MARGIN 54.0 /* three quarters of an inch */
#define FOOTER 36.0
#define SIZE_TITLE 18.0
#define SIZE_HEADING 12.0
#define SIZE_TEXT 10.0
#define SIZE_SMALL 8.5
#define LEADING 1.35
#define CELL_GAP 8.0
#define MAX_LINES 200 /* of one cell */

struct pdf_doc {
	HPDF_Doc h;
	HPDF_Font regular, bold;
	HPDF_Page pages[PDF_MAX_PAGES];
	int n_pages;
	double y; /* the next baseline's distance from the bottom of the page */
	double page_w, page_h;
	int failed;
	arena scratch;
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	(void)error;
	(void)detail;
	((pdf_doc *)user)->failed = 1;
}

/* The Windows-1252 byte of code point c in 0x80..0x9f's special range, or 0. */
static unsigned char cp1252_special(unsigned c)
{
	static const unsigned map[32] = {
	    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178};
	for (int i = 0; i < 32; i++)
		if (map[i] && map[i] == c)
			return (unsigned char)(0x80 + i);
	return 0;
}

char *pdf_cp1252(arena *a, const char *utf8)
{
	size_t n = utf8 ? strlen(utf8) : 0;
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	while (*s) {
		unsigned c = *s, len = 1;
		if (c >= 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80)
			c = ((c & 7u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
			    (s[3] & 0x3fu),
			len = 4;
		else if (c >= 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80)
			c = ((c & 0xfu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu), len = 3;
		else if (c >= 0xc0 && (s[1] & 0xc0) == 0x80)
			c = ((c & 0x1fu) << 6) | (s[1] & 0x3fu), len = 2;
		else if (c >= 0x80)
			c = '?'; /* a stray continuation or truncated sequence */
		unsigned char b =
		    c < 0x80 || (c >= 0xa0 && c <= 0xff) ? (unsigned char)c : cp1252_special(c);
		out[k++] = c == '\t' ? ' ' : b ? (char)b : '?';
		s += len;
	}
	out[k] = 0;
	return out;
}

static void new_page(pdf_doc *d)
{
	if (d->failed || d->n_pages == PDF_MAX_PAGES) {
		d->failed = 1;
		return;
	}
	HPDF_Page p = HPDF_AddPage(d->h);
	if (!p) {
		d->failed = 1;
		return;
	}
	HPDF_Page_SetWidth(p, (HPDF_REAL)d->page_w);
	HPDF_Page_SetHeight(p, (HPDF_REAL)d->page_h);
	d->pages[d->n_pages++] = p;
	d->y = d->page_h - MARGIN;
}

static HPDF_Page page(pdf_doc *d)
{
	return d->pages[d->n_pages - 1];
}

/* Room for h points more on this page, else a new page. */
static void need(pdf_doc *d, double h)
{
	if (!d->failed && d->y - h < MARGIN + FOOTER)
		new_page(d);
}

pdf_doc *pdf_new(int a4, const char *title)
{
	pdf_doc *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	arena_init(&d->scratch);
	d->h = HPDF_New(on_error, d);
	if (!d->h) {
		free(d);
		return NULL;
	}
	d->page_w = a4 ? 595.276 : 612.0;
	d->page_h = a4 ? 841.89 : 792.0;
	HPDF_SetCompressionMode(d->h, HPDF_COMP_ALL);
	d->regular = HPDF_GetFont(d->h, "Helvetica", "WinAnsiEncoding");
	d->bold = HPDF_GetFont(d->h, "Helvetica-Bold", "WinAnsiEncoding");
	if (title)
		HPDF_SetInfoAttr(d->h, HPDF_INFO_TITLE, pdf_cp1252(&d->scratch, title));
	HPDF_SetInfoAttr(d->h, HPDF_INFO_CREATOR, "Schwann");
	if (!d->regular || !d->bold)
		d->failed = 1;
	new_page(d);
	return d;
}

static double text_width(pdf_doc *d)
{
	return d->page_w - 2 * MARGIN;
}

/* Draws s[0..len) at x on the current baseline. */
static void put(pdf_doc *d, HPDF_Font f, double size, double x, const char *s, size_t len, int grey)
{
	if (d->failed)
		return;
	char *t = arena_strndup(&d->scratch, s, len);
	HPDF_Page p = page(d);
	HPDF_Page_BeginText(p);
	HPDF_Page_SetFontAndSize(p, f, (HPDF_REAL)size);
	HPDF_Page_SetGrayFill(p, grey ? 0.35f : 0.0f);
	HPDF_Page_TextOut(p, (HPDF_REAL)x, (HPDF_REAL)d->y, t);
	HPDF_Page_EndText(p);
}

/* The wrapped lines of s (converted) in width: starts and lengths into st/ln (at most max);
 * their number. A word longer than the width is cut where it stops fitting. */
static int wrap(HPDF_Font f, double size, const char *s, double width, size_t *st, size_t *ln,
                int max)
{
	int n = 0;
	size_t at = 0, len = strlen(s);
	while (n < max && (at < len || n == 0)) {
		const char *nl = memchr(s + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - s) : len;
		HPDF_REAL real;
		HPDF_UINT fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s + at,
		                                      (HPDF_UINT)(end - at), (HPDF_REAL)width,
		                                      (HPDF_REAL)size, 0, 0, HPDF_TRUE, &real);
		if (fit == 0 && end > at)
			fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)s + at,
			                            (HPDF_UINT)(end - at), (HPDF_REAL)width,
			                            (HPDF_REAL)size, 0, 0, HPDF_FALSE, &real);
		if (fit == 0 && end > at)
			fit = 1;
		size_t take = fit;
		st[n] = at;
		ln[n] = take;
		while (ln[n] && s[at + ln[n] - 1] == ' ')
			ln[n]--;
		n++;
		at += take;
		while (at < end && s[at] == ' ')
			at++;
		if (at == end && nl)
			at++;
		if (at >= len)
			break;
	}
	return n;
}

static void paragraph(pdf_doc *d, HPDF_Font f, double size, const char *utf8, int grey)
{
	if (d->failed)
		return;
	const char *s = pdf_cp1252(&d->scratch, utf8);
	size_t st[MAX_LINES], ln[MAX_LINES];
	int n = wrap(f, size, s, text_width(d), st, ln, MAX_LINES);
	for (int i = 0; i < n; i++) {
		need(d, size * LEADING);
		d->y -= size;
		put(d, f, size, MARGIN, s + st[i], ln[i], grey);
		d->y -= size * (LEADING - 1);
	}
}

void pdf_title(pdf_doc *d, const char *text)
{
	paragraph(d, d->bold, SIZE_TITLE, text, 0);
	d->y -= 4;
}

void pdf_heading(pdf_doc *d, const char *text)
{
	need(d, SIZE_HEADING * 4); /* a heading is not left alone at a page's foot */
	d->y -= 8;
	paragraph(d, d->bold, SIZE_HEADING, text, 0);
	d->y -= 2;
}

void pdf_text(pdf_doc *d, const char *text, int small)
{
	paragraph(d, d->regular, small ? SIZE_SMALL : SIZE_TEXT, text, small);
}

void pdf_row(pdf_doc *d, const char *const *cols, int n, const double *widths, const int *right,
             int bold)
{
	if (d->failed || n < 1 || n > PDF_MAX_COLS)
		return;
	HPDF_Font f = bold ? d->bold : d->regular;
	const char *s[PDF_MAX_COLS];
	size_t st[PDF_MAX_COLS][MAX_LINES / 4], ln[PDF_MAX_COLS][MAX_LINES / 4];
	int lines[PDF_MAX_COLS], most = 1;
	double x[PDF_MAX_COLS], w[PDF_MAX_COLS], left = MARGIN;
	for (int i = 0; i < n; i++) {
		x[i] = left;
		w[i] = widths[i] * text_width(d) - (i < n - 1 ? CELL_GAP : 0);
		left += widths[i] * text_width(d);
		s[i] = pdf_cp1252(&d->scratch, cols[i] ? cols[i] : "");
		lines[i] = wrap(f, SIZE_TEXT, s[i], w[i], st[i], ln[i], MAX_LINES / 4);
		if (lines[i] > most)
			most = lines[i];
	}
	need(d, most * SIZE_TEXT * LEADING + 4);
	double top = d->y;
	for (int i = 0; i < n; i++) {
		d->y = top;
		for (int k = 0; k < lines[i]; k++) {
			d->y -= SIZE_TEXT;
			double at = x[i];
			if (right && right[i]) {
				char *t = arena_strndup(&d->scratch, s[i] + st[i][k], ln[i][k]);
				at = x[i] + w[i] -
				     HPDF_Font_TextWidth(f, (const HPDF_BYTE *)t,
				                         (HPDF_UINT)ln[i][k])
				             .width *
				         SIZE_TEXT / 1000.0;
			}
			put(d, f, SIZE_TEXT, at, s[i] + st[i][k], ln[i][k], 0);
			d->y -= SIZE_TEXT * (LEADING - 1);
		}
	}
	d->y = top - most * SIZE_TEXT * LEADING - 4;
}

void pdf_rule(pdf_doc *d)
{
	need(d, 6);
	if (d->failed)
		return;
	HPDF_Page p = page(d);
	d->y -= 2;
	HPDF_Page_SetLineWidth(p, 0.5f);
	HPDF_Page_SetGrayStroke(p, 0.5f);
	HPDF_Page_MoveTo(p, (HPDF_REAL)MARGIN, (HPDF_REAL)d->y);
	HPDF_Page_LineTo(p, (HPDF_REAL)(d->page_w - MARGIN), (HPDF_REAL)d->y);
	HPDF_Page_Stroke(p);
	d->y -= 4;
}

void pdf_space(pdf_doc *d, double points)
{
	d->y -= points;
	need(d, 0);
}

int pdf_finish(pdf_doc *d, arena *a, unsigned char **out, size_t *len)
{
	int rc = -1;
	for (int i = 0; i < d->n_pages && !d->failed; i++) {
		char foot[48];
		snprintf(foot, sizeof foot, "Page %d of %d", i + 1, d->n_pages);
		HPDF_Page p = d->pages[i];
		HPDF_REAL w = HPDF_Font_TextWidth(d->regular, (const HPDF_BYTE *)foot,
		                                  (HPDF_UINT)strlen(foot))
		                  .width *
		              (HPDF_REAL)SIZE_SMALL / 1000.0f;
		HPDF_Page_BeginText(p);
		HPDF_Page_SetFontAndSize(p, d->regular, (HPDF_REAL)SIZE_SMALL);
		HPDF_Page_SetGrayFill(p, 0.35f);
		HPDF_Page_TextOut(p, (HPDF_REAL)(d->page_w - MARGIN) - w, (HPDF_REAL)(MARGIN - 12),
		                  foot);
		HPDF_Page_EndText(p);
	}
	if (!d->failed && HPDF_SaveToStream(d->h) == HPDF_OK) {
		HPDF_UINT32 size = HPDF_GetStreamSize(d->h);
		unsigned char *buf = size ? arena_alloc(a, size) : NULL;
		HPDF_UINT32 got = size;
		HPDF_STATUS st =
		    buf ? HPDF_ReadFromStream(d->h, buf, &got) : HPDF_FAILD_TO_ALLOC_MEM;
		if ((st == HPDF_OK || st == HPDF_STREAM_EOF) && got == size) {
			*out = buf;
			*len = size;
			rc = 0;
		}
	}
	HPDF_Free(d->h);
	arena_free(&d->scratch);
	free(d);
	return rc;
}
