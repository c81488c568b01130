/*
 * feed_internal.h - what the format parsers share; not for other modules.
 */
#ifndef ALMANAC_FEED_INTERNAL_H
#define ALMANAC_FEED_INTERNAL_H

#include <stddef.h>

#include "parse/feed.h"

/* Parse an XML (RSS/RDF/Atom) or JSON Feed document into f. */
void xmlfeed_parse(struct feed *f, const char *data, size_t len, const char *base_url);
void jsonfeed_parse(struct feed *f, const char *data, size_t len, const char *base_url);

/*
 * Decodes an XML document's bytes to UTF-8 following the contract's order
 * (BOM, byte pattern, declaration, UTF-8). Sets f->encoding, and f->bozo
 * for an unknown label or bytes invalid in the encoding (they are replaced,
 * never passed on). *out is data itself when no copy was needed, else a
 * new buffer the caller frees (*owned = 1). Valid XML characters only.
 */
void enc_to_utf8(struct feed *f, const char *data, size_t len,
                 const char **out, size_t *outlen, int *owned);

/* Takes s; returns it, or a repaired copy (s freed) if not valid UTF-8. */
char *enc_fix_utf8(char *s);

/* Sets libxml2's process-wide safety settings (no external entities). */
void xmlfeed_global_init(void);

/* Splits an RSS person string ("Name (email)", "Name <email>", ...). */
struct feed_person *person_from_string(const char *s);

/* Trims ASCII whitespace at both ends, in place; returns s. */
char *str_trim(char *s);

#endif
