/*
 * html.h - character references, HTML to plain text, and the sanitizer.
 *
 * Everything here takes bytes and a length (no NUL needed) and never
 * touches the network. Strings handed back are malloc'd, NUL-terminated
 * UTF-8 owned by the caller (free with free()); they are never NULL.
 * Bad markup is an ordinary input: it is repaired or skipped, never an
 * error. Only html_entity_lookup can fail (ALM_ENOTFOUND).
 */
#ifndef ALMANAC_HTML_H
#define ALMANAC_HTML_H

#include <stddef.h>

#include "base/buf.h"

/* Input to html_sanitize longer than this is cut first. */
#define HTML_SANITIZE_MAX_IN ((size_t)4 << 20)

/*
 * Looks up an HTML5 named reference by its name (n bytes, without '&' and
 * ';', case-sensitive). On ALM_OK *utf8 points at static storage holding
 * *len bytes (not NUL-terminated in general); else ALM_ENOTFOUND.
 */
int html_entity_lookup(const char *name, size_t n, const char **utf8, size_t *len);

/*
 * s points at '&'. When a character reference starts there (&#123;,
 * &#x1F600;, &name;, or a legacy name such as &amp or &nbsp without ';'
 * followed by a non-alphanumeric), appends its UTF-8 to out and returns
 * the bytes it spans; else returns 0 and appends nothing. Numeric
 * references follow HTML5: 0, surrogates and values past U+10FFFF become
 * U+FFFD, 0x80-0x9F are read as windows-1252, the ';' may be missing.
 */
size_t html_decode_ref(const char *s, size_t n, struct buf *out);

/* Decodes every character reference in s; other bytes (but NUL) are copied. */
char *html_decode_entities(const char *s, size_t n);

/*
 * Plain text from an HTML fragment, in one pass. Tags, comments and the
 * contents of script, style, template, noscript, iframe, noembed and
 * noframes are removed, references decoded, invalid UTF-8 replaced by
 * U+FFFD, and the result trimmed. collapse selects the whitespace rule:
 *   0  nothing is inserted for any tag, whitespace is kept as is
 *      (the feed contract's plain-text rule);
 *   1  block-level tags become a space, whitespace runs one space;
 *   2  like 1, but paragraph-like blocks become "\n\n" and br, li, tr, dt,
 *      dd become "\n".
 */
char *html_to_text(const char *html, size_t n, int collapse);

/*
 * 1 when s contains an end tag (</x), a self-closing tag (<x .../>) or a
 * character reference (&x; &#1; &#x1;), else 0: the contract's rule for
 * deciding that an untyped RSS title is HTML.
 */
int html_looks_like_html(const char *s, size_t n);

/*
 * Allowlist sanitizer for showing feed HTML: parses with libxml2 and
 * writes back only allowed elements and attributes, with href/src/cite
 * resolved against base_url (may be NULL) and kept only for http, https
 * and mailto. Links get rel="noopener noreferrer nofollow", images
 * loading="lazy". Dangerous elements (script, style, iframe, svg, form...)
 * go with their content; other unknown elements leave their text behind.
 * Comments, processing instructions and CDATA sections are dropped. Input
 * is cut at HTML_SANITIZE_MAX_IN; libxml2 stops below ~256 nested levels.
 */
char *html_sanitize(const char *html, size_t n, const char *base_url);

#endif
