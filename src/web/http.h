/*
 * http.h - what HTTP's grammar says about the parts of a request the
 * server checks before any handler sees it: UTF-8 text in the target,
 * the Host field (RFC 9112 3.2) and HTTP-dates (RFC 9110 5.6.7).
 *
 * Pure functions on strings: no libmicrohttpd, no allocation, so the unit
 * tests and the fuzzer reach every branch.
 */
#ifndef ALMANAC_HTTP_H
#define ALMANAC_HTTP_H

#include <stddef.h>
#include <time.h>

/*
 * Whether n bytes of s are well-formed UTF-8 (RFC 3629): no overlong
 * forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no stray
 * or missing continuation bytes.
 */
int web_utf8_valid(const char *s, size_t n);

/* The number of code points in the NUL-terminated s, or -1 when it is
 * not well-formed UTF-8. */
long web_utf8_chars(const char *s);

/*
 * Whether a Host field value is uri-host [ ":" port ] (RFC 9110 7.2): a
 * reg-name, IPv4 address or bracketed IP literal, not empty (an "http"
 * URI has a host), optionally followed by a colon and digits.
 */
int web_host_valid(const char *host);

/*
 * Whether the credential given equals the secret, in time that depends on
 * the secret's length only (every byte of it is compared, whatever the
 * given one holds and wherever it first differs). Both NUL-terminated.
 */
int web_token_equal(const char *given, const char *secret);

/*
 * Parses an HTTP-date, exactly as RFC 9110 5.6.7 writes it: IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT"), or one of the obsolete forms every
 * recipient must accept, rfc850-date ("Sunday, 06-Nov-94 08:49:37 GMT")
 * and asctime-date ("Sun Nov  6 08:49:37 1994"). Names are case-sensitive,
 * fields have their fixed widths, nothing may precede or follow (the
 * caller strips the field's surrounding white space), and the date and
 * time must exist (second 60 is a leap second). The weekday is not checked
 * against the date: the grammar does not ask it. A two-digit rfc850 year
 * is the latest year with those digits at most 50 years after now's.
 * Returns 0 and sets *out (UTC seconds), or -1.
 */
int web_http_date(const char *s, time_t now, time_t *out);

#endif
