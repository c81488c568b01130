/*
 * opml.h - reads subscription lists (OPML 1.0 and 2.0) and writes ours.
 *
 * opml_read() takes the bytes of an OPML file, from anyone: it parses them
 * with libxml2 without network access and without expanding entities, refuses
 * documents that declare entities or exceed OPML_MAX_BYTES, and returns every
 * outline that has an xmlUrl, nested folders flattened. The outlines and their
 * strings belong to the caller (opml_outlines_free). opml_write() renders the
 * sources of a config as OPML 2.0, one folder per kind. Both return ALM_OK or
 * a negative ALM_E*, and never print.
 */
#ifndef ALMANAC_OPML_H
#define ALMANAC_OPML_H

#include <stddef.h>

#include "base/err.h"

struct buf;
struct config;

#define OPML_MAX_BYTES ((size_t)16 << 20) /* larger input is refused */
#define OPML_MAX_OUTLINES 100000          /* more feeds than this are refused */
#define OPML_MAX_URL 8192                 /* an outline with a longer URL is skipped */
#define OPML_MAX_TEXT 1024                /* longer titles and categories are cut */

/* One feed of a subscription list. All strings are UTF-8. */
struct opml_outline {
    char *title;     /* title attribute, else text, else the xml_url; never NULL */
    char *xml_url;   /* never NULL or empty */
    char *html_url;  /* NULL when absent */
    char *category;  /* title or text of the innermost enclosing folder, or NULL */
};

/*
 * Parses data (len bytes). On ALM_OK, *out holds *n outlines in document order
 * (*out is NULL when *n is 0). ALM_ETOOBIG: more than OPML_MAX_BYTES or
 * OPML_MAX_OUTLINES. ALM_EINVAL: not XML, not OPML, or entity declarations.
 */
int opml_read(const char *data, size_t len, struct opml_outline **out, size_t *n);
void opml_outlines_free(struct opml_outline *o, size_t n);

/*
 * Appends an OPML 2.0 document listing every source of c (enabled or not),
 * grouped in one folder per kind, in the order of config_kinds. ALM_ETOOBIG
 * when out reaches its limit.
 */
int opml_write(const struct config *c, struct buf *out);

#endif
