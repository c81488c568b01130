/*
 * scan.h - what the three parts of the HTML module share (not for use
 * outside src/html): byte classes, UTF-8 checking, the reference decoder.
 */
#ifndef ALMANAC_HTML_SCAN_H
#define ALMANAC_HTML_SCAN_H

#include <stddef.h>

static inline int
html_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline int
html_is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
html_is_alnum(unsigned char c)
{
    return html_is_alpha(c) || (c >= '0' && c <= '9');
}

static inline unsigned char
html_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* memmem, which glibc hides without _GNU_SOURCE; needles are 2-3 bytes. */
const unsigned char *html_find(const unsigned char *s, size_t n, const char *needle, size_t m);

/* A buffer limit no decoder output can reach: one input byte makes <= 3. */
size_t html_out_limit(size_t n);

/*
 * Length (1-4) of the well-formed UTF-8 sequence at s, or 0 when there is
 * none; then *skip is the length of the maximal ill-formed subpart, which
 * becomes one U+FFFD (the WHATWG decoder's rule).
 */
size_t html_utf8_valid(const unsigned char *s, size_t n, size_t *skip);

/* html_ref_decode flag: a legacy name followed by '=' stays literal (attributes). */
#define HTML_REF_ATTR 1

/*
 * The reference at s (s[0] == '&'): returns the bytes it spans and points
 * *out at its UTF-8 (*outlen bytes, maybe in tmp), or returns 0.
 */
size_t html_ref_decode(const unsigned char *s, size_t n, int flags, char tmp[4],
                       const char **out, size_t *outlen);

/*
 * k is just past a tag name: skips the attributes the way the HTML5
 * tokenizer does (quoted values may hold '>'). Returns the index after the
 * closing '>' or 0 when the input ends inside the tag; *selfclose tells
 * whether it ended in "/>".
 */
size_t html_tag_end(const unsigned char *s, size_t n, size_t k, int *selfclose);

/* k is past "<name" of a raw-text element: the index after its end tag. */
size_t html_skip_raw(const unsigned char *s, size_t n, size_t k, const char *name);

/*
 * k is just past "<!--": returns the index after the comment's end, as
 * HTML5 finds it ("-->", "--!>", or "<!-->" and "<!--->" as empty
 * comments), or n when the input ends inside it.
 */
size_t html_comment_end(const unsigned char *s, size_t n, size_t k);

#endif
