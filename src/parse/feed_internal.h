/*
 * feed_internal.h - what the format parsers and the dispatch share; not for
 * other modules.
 */
#ifndef ALMANAC_FEED_INTERNAL_H
#define ALMANAC_FEED_INTERNAL_H

#include <stddef.h>

#include "parse/feed.h"

/* Parse an XML (RSS/RDF/Atom) or JSON Feed document into f. */
void xmlfeed_parse(struct feed *f, const char *data, size_t len, const char *base_url);
void jsonfeed_parse(struct feed *f, const char *data, size_t len, const char *base_url);

/* Trims ASCII whitespace (space, tab, CR, LF) at both ends, in place;
 * returns s (NULL stays NULL). */
char *feed_trim(char *s);

#endif
