/*
 * extract.h - the main text of an HTML article, and what the page says
 * about it (title, byline, date, language, image, canonical URL).
 *
 * One idea: article extraction from an HTML page's bytes. The page is
 * decoded to UTF-8 (charset from the HTTP Content-Type, a BOM, or a meta
 * declaration in the first 8 KiB; undeclared bytes that are not UTF-8 are
 * read as windows-1252), parsed by libgumbo (the HTML5 parsing algorithm
 * browsers follow), and its boilerplate removed in the spirit of
 * readability and trafilatura: elements that cannot be text (scripts,
 * navigation, forms, hidden ones) or whose class and id say they are not
 * the article go first; paragraphs then score their ancestors by text
 * length, commas and link density, the best container and those of its
 * siblings that read like it are kept, and blocks inside it that are mostly
 * links or short link lists are dropped. JSON-LD articleBody is used when
 * the page's markup yields clearly less text than it.
 *
 * Bounded: input past EXTRACT_MAX_IN is cut, the parse tree lives in an
 * arena whose size is capped (a page that needs more yields ALM_ETOOBIG
 * instead of exhausting memory), and no walk goes deeper than
 * EXTRACT_MAX_DEPTH elements (deeper content is ignored).
 */
#ifndef ALMANAC_EXTRACT_H
#define ALMANAC_EXTRACT_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define EXTRACT_MAX_IN ((size_t)8 << 20)
#define EXTRACT_MAX_DEPTH 256

/*
 * Every string is malloc'd UTF-8, or NULL when the page does not say.
 * text and html are never NULL ("" when nothing was found).
 */
struct extract_result {
    char *url;       /* the page's URL as given, else its canonical URL */
    char *title;
    char *byline;
    char *published; /* RFC 3339 in UTC, "2019-11-18T17:01:47Z" */
    char *lang;
    char *image;     /* absolute when a base URL is known */
    char *canonical;
    char *text;      /* plain text, paragraphs separated by one blank line */
    char *html;      /* the article's HTML, through the allowlist sanitizer */
    const char *charset; /* the encoding the page was read as (static) */
    int from_jsonld;     /* 1 when text came from JSON-LD articleBody */
};

/*
 * Extracts the article from len bytes of HTML. url (may be NULL) is where
 * the page came from; it resolves relative URLs. content_type (may be
 * NULL) is the HTTP header, whose charset parameter wins over the page's
 * own declaration. ALM_OK and *out (free with extract_result_free), or
 * ALM_ETOOBIG when the page needs more memory than the cap allows.
 * Bad markup and empty input are ordinary input, not errors.
 */
int extract_html(const char *data, size_t len, const char *url, const char *content_type,
                 struct extract_result **out);

void extract_result_free(struct extract_result *r);

/* Appends r as one JSON object (keys as in struct extract_result, no charset). */
int extract_to_json(const struct extract_result *r, struct buf *out);

/*
 * Decodes a page to UTF-8 (exposed for tests). *charset names what was
 * used ("utf-8", "windows-1252", or the label iconv took). Returns a new
 * NUL-terminated buffer of *outlen bytes, valid UTF-8.
 */
char *extract_decode(const char *data, size_t len, const char *content_type, size_t *outlen,
                     const char **charset);

/*
 * Normalizes a date as pages write it (ISO 8601 with or without time,
 * offset or fraction) to RFC 3339 UTC into out; ALM_OK or ALM_EINVAL.
 */
int extract_date(const char *s, char out[21]);

#endif
