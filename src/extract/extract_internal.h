/*
 * extract_internal.h - what extract.c (the tree and the article) and
 * meta.c (title, byline, dates, JSON-LD) share; not for other modules.
 */
#ifndef ALMANAC_EXTRACT_INTERNAL_H
#define ALMANAC_EXTRACT_INTERNAL_H

#include <gumbo.h>

#include "extract/extract.h"

/* What the page's metadata says, before it goes into the result. */
struct meta {
    char *title, *byline, *published, *lang, *image, *canonical, *base;
    char *article_body; /* JSON-LD articleBody, when present */
};

/*
 * Reads root's metadata (meta and link tags, <title>, html lang, <time>,
 * JSON-LD) into m; url (may be NULL) is the page's own address. Walks at
 * most EXTRACT_MAX_DEPTH deep.
 */
void meta_read(GumboNode *root, const char *url, struct meta *m);
void meta_free(struct meta *m);

/* Text of a node's subtree, whitespace collapsed and trimmed (malloc'd). */
char *node_text(const GumboNode *n, size_t max);

/* An attribute's value, or NULL. */
const char *node_attr(const GumboNode *n, const char *name);

#endif
