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
#define OPML_MAX_URL 8192                 /* a longer URL is cut and marked url_too_long */
#define OPML_MAX_TEXT 1024                /* longer titles and categories are cut */

/* One feed of a subscription list. All strings are UTF-8. */
struct opml_outline {
    char *title;     /* title attribute, else text, else the xml_url; never NULL */
    char *xml_url;   /* never NULL or empty */
    char *html_url;  /* NULL when absent */
    char *category;  /* title or text of the innermost enclosing folder, or NULL */
    int url_too_long; /* the xmlUrl had more than OPML_MAX_URL bytes: xml_url is cut */
};

/*
 * Parses data (len bytes). On ALM_OK, *out holds *n outlines in document order
 * (*out is NULL when *n is 0). ALM_ETOOBIG: more than OPML_MAX_BYTES or
 * OPML_MAX_OUTLINES. ALM_EINVAL: not XML, not OPML, or entity declarations.
 */
int opml_read(const char *data, size_t len, struct opml_outline **out, size_t *n);
void opml_outlines_free(struct opml_outline *o, size_t n);

/* What importing one outline into a configuration comes to. */
enum opml_verdict {
    OPML_ADD,        /* a new source */
    OPML_DUPLICATE,  /* its feed URL is configured already, or was taken earlier */
    OPML_REJECT,     /* it cannot be a source of a configuration that loads */
};

struct opml_import {
    enum opml_verdict verdict;
    char *slug;        /* OPML_ADD: unique in the config and among the outlines added */
    char *name;        /* OPML_ADD: the title made one configuration value */
    const char *feed;  /* the outline's xml_url (borrowed) */
    const char *site;  /* OPML_ADD: its html_url (borrowed), NULL when absent or left out */
    char note[200];    /* DUPLICATE: where it is already; REJECT: why; ADD: what was
                        * repaired (title cleaned or cut, site left out), or "" */
};

/*
 * Decides, for each of the n outlines o (from opml_read), whether it
 * becomes a source of c (tier 3, kind community), in document order: an
 * http(s) feed URL without spaces or control characters that fits on a
 * configuration line, not configured already nor taken from an earlier
 * outline (exact URL), gets a unique slug from its title and a name the
 * loader reads back exactly. *out gets n decisions (opml_import_free);
 * they borrow from o. ALM_EINVAL for a missing argument.
 */
int opml_plan_import(const struct config *c, const struct opml_outline *o, size_t n,
                     struct opml_import **out);
void opml_import_free(struct opml_import *v, size_t n);
/* Appends a [source] section to out for each OPML_ADD decision. */
int opml_import_render(const struct opml_import *v, size_t n, struct buf *out);

/*
 * Appends an OPML 2.0 document listing every source of c (enabled or not),
 * grouped in one folder per kind, in the order of config_kinds. ALM_ETOOBIG
 * when out reaches its limit.
 */
int opml_write(const struct config *c, struct buf *out);

#endif
