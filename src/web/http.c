/*
 * http.c - UTF-8, Host and HTTP-date checks for the server (see http.h).
 *
 * The date parser is its own, not parse/date.c's: that one reads whatever
 * feeds write (any order, localized months, numeric zones), and an
 * If-Modified-Since that only resembles a date must be ignored, not
 * guessed at (RFC 9110 13.1.3).
 */
#include "web/http.h"

#include <stdint.h>
#include <string.h>

#include "base/calendar.h"
#include "base/hash.h"

/* ---- UTF-8 ---- */

/*
 * The length of the well-formed sequence at p (at most n bytes), or 0.
 * The second byte's range depends on the first (RFC 3629, section 4):
 * that is what refuses overlong forms, surrogates and code points above
 * U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xbf;
    size_t len;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0; /* a continuation byte, C0/C1 (overlong), or F5..FF */
    if (c == 0xe0)
        lo = 0xa0; /* below is an overlong 2-byte form */
    else if (c == 0xed)
        hi = 0x9f; /* above are the surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* below is an overlong 3-byte form */
    else if (c == 0xf4)
        hi = 0x8f; /* above is past U+10FFFF */
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return len;
}

int
web_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

long
web_utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    long chars = 0;

    for (size_t i = 0; i < n; chars++) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0)
            return -1;
        i += k;
    }
    return chars;
}

/* ---- Host ---- */

static int
is_unreserved_or_sub_delim(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._~!$&'()*+,;=", c) != NULL);
}

/* The end of a reg-name or IPv4 address at s (which it may be empty). */
static const char *
reg_name_end(const char *s)
{
    for (;;) {
        if (*s == '%' && hex_digit((unsigned char)s[1]) >= 0 &&
            hex_digit((unsigned char)s[2]) >= 0)
            s += 3;
        else if (is_unreserved_or_sub_delim((unsigned char)*s))
            s++;
        else
            return s;
    }
}

/* The end of an IP-literal ("[...]") at s, or NULL. Its inside is only
 * checked for the characters IPv6 and IPvFuture use. */
static const char *
ip_literal_end(const char *s)
{
    const char *p = s + 1;

    while (*p == ':' || is_unreserved_or_sub_delim((unsigned char)*p))
        p++;
    return *p == ']' && p > s + 1 ? p + 1 : NULL;
}

int
web_host_valid(const char *host)
{
    const char *p;

    if (host == NULL)
        return 0;
    p = host[0] == '[' ? ip_literal_end(host) : reg_name_end(host);
    if (p == NULL || p == host)
        return 0;
    if (*p == ':')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    return *p == '\0';
}

/* ---- HTTP-date ---- */

static const char short_days[7][4] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const long_days[7] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char months[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

struct hdate {
    int year, mon, day, hour, min, sec; /* mon 1..12 */
};

/* n digits at *s as a number, advancing *s; -1 when one is not a digit. */
static int
digits(const char **s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9')
            return -1;
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    return v;
}

/* Consumes the literal lit at *s; 0 when it is not there. */
static int
lit(const char **s, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*s, lit, n) != 0)
        return 0;
    *s += n;
    return 1;
}

/* A day name of the table (short or long form), case-sensitive. */
static int
day_name(const char **s, int longform)
{
    for (int i = 0; i < 7; i++)
        if (lit(s, longform ? long_days[i] : short_days[i]))
            return 1;
    return 0;
}

/* A month name; sets d->mon. */
static int
month(const char **s, struct hdate *d)
{
    for (int i = 0; i < 12; i++) {
        if (lit(s, months[i])) {
            d->mon = i + 1;
            return 1;
        }
    }
    return 0;
}

/* hour ":" minute ":" second, each two digits. */
static int
time_of_day(const char **s, struct hdate *d)
{
    if ((d->hour = digits(s, 2)) < 0 || !lit(s, ":") || (d->min = digits(s, 2)) < 0 ||
        !lit(s, ":") || (d->sec = digits(s, 2)) < 0)
        return 0;
    return 1;
}

/* IMF-fixdate after its day name: ", 06 Nov 1994 08:49:37 GMT". */
static int
imf_fixdate(const char *s, struct hdate *d)
{
    return lit(&s, ", ") && (d->day = digits(&s, 2)) >= 0 && lit(&s, " ") && month(&s, d) &&
           lit(&s, " ") && (d->year = digits(&s, 4)) >= 0 && lit(&s, " ") &&
           time_of_day(&s, d) && lit(&s, " GMT") && *s == '\0';
}

/* asctime-date after its day name: " Nov  6 08:49:37 1994". */
static int
asctime_date(const char *s, struct hdate *d)
{
    if (!lit(&s, " ") || !month(&s, d) || !lit(&s, " "))
        return 0;
    if (*s == ' ') {
        s++;
        d->day = digits(&s, 1);
    } else {
        d->day = digits(&s, 2);
    }
    return d->day >= 0 && lit(&s, " ") && time_of_day(&s, d) && lit(&s, " ") &&
           (d->year = digits(&s, 4)) >= 0 && *s == '\0';
}

/* rfc850-date after its day name: ", 06-Nov-94 08:49:37 GMT"; the year
 * is the latest one ending in those digits at most 50 years after now's. */
static int
rfc850_date(const char *s, int64_t now_year, struct hdate *d)
{
    int64_t yy, limit = now_year + 50;

    if (!lit(&s, ", ") || (d->day = digits(&s, 2)) < 0 || !lit(&s, "-") || !month(&s, d) ||
        !lit(&s, "-") || (yy = digits(&s, 2)) < 0 || !lit(&s, " ") || !time_of_day(&s, d) ||
        !lit(&s, " GMT") || *s != '\0')
        return 0;
    d->year = (int)(limit - ((limit - yy) % 100 + 100) % 100);
    return 1;
}

/* The year of t (UTC). */
static int64_t
year_of(time_t t)
{
    int64_t y;
    int m, d;

    calendar_civil_from_days((int64_t)t / 86400 - ((int64_t)t % 86400 < 0), &y, &m, &d);
    return y;
}

int
web_http_date(const char *s, time_t now, time_t *out)
{
    struct hdate d = { 0 };
    const char *p = s;
    int ok;

    if (s == NULL)
        return -1;
    /* "Sun," and "Sun " begin the two short forms; "Sunday," the long one. */
    if (day_name(&p, 0) && (*p == ',' || *p == ' ')) {
        ok = *p == ',' ? imf_fixdate(p, &d) : asctime_date(p, &d);
    } else {
        p = s;
        ok = day_name(&p, 1) && rfc850_date(p, year_of(now), &d);
    }
    if (!ok || d.mon < 1 || d.day < 1 ||
        d.day > calendar_month_days(d.year, d.mon) || d.hour > 23 ||
        d.min > 59 || d.sec > 60)
        return -1;
    *out = (time_t)(calendar_days_from_civil(d.year, d.mon, d.day) * 86400 + d.hour * 3600 +
                    d.min * 60 + d.sec);
    return 0;
}

int
web_token_equal(const char *given, const char *secret)
{
    size_t ng = strlen(given), ns = strlen(secret), i;
    volatile unsigned char diff = (unsigned char)(ng != ns);

    /* given is read up to its end only; past it, 0 stands in */
    for (i = 0; i < ns; i++) {
        unsigned char g = i < ng ? (unsigned char)given[i] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)secret[i]);
    }
    return ns > 0 && diff == 0;
}
