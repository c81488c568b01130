/*
 * encoding.h - bytes in a declared or sniffed encoding to UTF-8, for the
 * parsers (not for other modules).
 */
#ifndef ALMANAC_PARSE_ENCODING_H
#define ALMANAC_PARSE_ENCODING_H

#include <stddef.h>

#include "parse/feed.h"

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

#endif
