/* Checks on free text that people type: whether anything in it would show on screen. Pure. */
#ifndef SCHWANN_TEXT_H
#define SCHWANN_TEXT_H

/* 1 when s (UTF-8) has a character that shows: not white space or a control character, not a
 * zero-width, bidi control, filler, variation selector or tag character (U+00AD, U+034F,
 * U+061C, U+115F, U+1160, U+180E, U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+3164,
 * U+FE00-U+FE0F, U+FEFF, U+FFA0, U+1D173-U+1D17A, U+E0000-U+E0FFF). NULL and "" show
 * nothing. */
int text_visible(const char *s);

#endif
