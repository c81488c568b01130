/*
 * html.h - character references, HTML to plain text, and the sanitizer.
 *
 * Everything here takes bytes and a length (no NUL needed) and never
 * touches the network. Strings handed back are malloc'd, NUL-terminated
 * UTF-8 owned by the caller (free with free()); they are never NULL.
 * Bad markup is an ordinary input: it is repaired or skipped, never an
 * error. Only html_entity_lookup can fail (ALM_ENOTFOUND).
 */
#ifndef ALMANAC_HTML_HTML_H
#define ALMANAC_HTML_HTML_H

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
 * For text that may still hold tags (escaped twice, or a title): the length
 * of the tag at s (s[0] == '<'): a start or end tag, "<!...>" or "<?...>",
 * closed by '>' within 1,024 bytes and with no '<' before it; else 0.
 * *block is set to 1 for the tags that end a paragraph or line of prose
 * (p, br, div, li, ul, ol, tr, h1-h6, blockquote, figure, figcaption,
 * section, article, hr, table), else 0. Unlike html_to_text, a quoted '>'
 * ends the tag: this is a conservative stripper for plain text, not a
 * tokenizer for documents.
 */
size_t html_tag_span(const char *s, size_t n, int *block);

/*
 * Allowlist sanitizer for showing feed HTML, in one pass without a tree:
 * a tokenizer that follows HTML5 (case-insensitive names; attributes
 * double-, single- or unquoted or bare; "/" and junk tolerated) writes back
 * only allowed elements and attributes, always quoted and escaped. href,
 * src and cite are entity-decoded, stripped of control characters and
 * outer spaces, resolved against base_url (may be NULL; one over 64 KiB
 * drops relative URLs instead) and kept only when not empty and relative
 * or http, https, mailto; the first of duplicate attributes wins. Links
 * get rel="noopener noreferrer nofollow", images loading="lazy", and an
 * image without a usable src is dropped. script, style, iframe, svg, math,
 * form and its controls, template, noscript, textarea, title, object and
 * the like go with their content: raw-text ones up to their own end tag
 * or the end of input, the others up to their end tag or one that closes
 * an element open around them. Other unknown elements leave their text.
 * Comments, doctypes, processing instructions and CDATA are dropped. End
 * tags are written only for open elements, in order, everything open is
 * closed at the end, and start tags past 256 open elements are dropped
 * (their text stays). The output is valid UTF-8 (bad bytes become U+FFFD,
 * control characters but tab, LF and CR go) with '<' and '&' only in its
 * own markup and escapes. Input is cut at HTML_SANITIZE_MAX_IN; output
 * stops growing past 16 MiB.
 */
char *html_sanitize(const char *html, size_t n, const char *base_url);

#endif
