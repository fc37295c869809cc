/* Free-text checks: a name or reason made only of characters that do not show is refused, since
 * it would look empty on screen and in the audit log. */
#include "text.h"

#include <ctype.h>

/* The code point at p (of len bytes); a truncated sequence gives its first byte. */
static unsigned code_point(const unsigned char *p, int len)
{
	if (len == 2 && p[1])
		return ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
	if (len == 3 && p[1] && p[2])
		return ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
	if (len == 4 && p[1] && p[2] && p[3])
		return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) |
		       (p[3] & 0x3fu);
	return p[0];
}

static int hidden(unsigned cp, int len)
{
	if (len == 1)
		return isspace((int)cp) || iscntrl((int)cp);
	return cp == 0x00ad || cp == 0x034f || cp == 0x061c || cp == 0x115f || cp == 0x1160 ||
	       cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
	       (cp >= 0xe0000 && cp <= 0xe0fff) || (cp >= 0x80 && cp < 0xa0);
}

int text_visible(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;
		if (!hidden(code_point(p, len), len))
			return 1;
		for (int i = 0; i < len && *p; i++)
			p++;
	}
	return 0;
}
