/* tests/unit/web_http.c - UTF-8, Host and HTTP-date checks (web/http.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/err.h"
#include "web/http.h"

/* ---- UTF-8 ---- */

static const struct {
    const char *s;
    size_t n;               /* 0: strlen */
    int valid;
} utf8_cases[] = {
    { "", 0, 1 },
    { "plain ascii", 0, 1 },
    { "\x7f", 0, 1 },
    { "caf\xc3\xa9", 0, 1 },                 /* U+00E9 */
    { "\xc2\x80", 0, 1 },                    /* U+0080, the smallest 2-byte */
    { "\xdf\xbf", 0, 1 },                    /* U+07FF */
    { "\xe0\xa0\x80", 0, 1 },                /* U+0800, the smallest 3-byte */
    { "\xed\x9f\xbf", 0, 1 },                /* U+D7FF, below the surrogates */
    { "\xee\x80\x80", 0, 1 },                /* U+E000, above them */
    { "\xef\xbf\xbd", 0, 1 },                /* U+FFFD */
    { "\xef\xbf\xbf", 0, 1 },                /* U+FFFF (a noncharacter, still UTF-8) */
    { "\xf0\x90\x80\x80", 0, 1 },            /* U+10000, the smallest 4-byte */
    { "\xf4\x8f\xbf\xbf", 0, 1 },            /* U+10FFFF, the largest */
    { "a\0b", 3, 1 },                        /* NUL is UTF-8 (the server refuses it apart) */
    /* stray continuation bytes */
    { "\x80", 0, 0 },
    { "\xbf", 0, 0 },
    { "a\x80z", 0, 0 },
    { "\xc3\xa9\xa9", 0, 0 },
    /* bytes that never occur */
    { "\xc0\x80", 0, 0 },                    /* overlong NUL */
    { "\xc1\xbf", 0, 0 },                    /* overlong U+007F */
    { "\xf5\x80\x80\x80", 0, 0 },
    { "\xf8\x88\x80\x80\x80", 0, 0 },        /* the old 5-byte form */
    { "\xfe", 0, 0 },
    { "\xff", 0, 0 },
    /* overlong 3- and 4-byte forms */
    { "\xe0\x80\x80", 0, 0 },
    { "\xe0\x9f\xbf", 0, 0 },                /* U+07FF in three bytes */
    { "\xf0\x80\x80\x80", 0, 0 },
    { "\xf0\x8f\xbf\xbf", 0, 0 },            /* U+FFFF in four bytes */
    /* surrogates, alone and paired (CESU-8) */
    { "\xed\xa0\x80", 0, 0 },                /* U+D800 */
    { "\xed\xbf\xbf", 0, 0 },                /* U+DFFF */
    { "\xed\xa0\xbd\xed\xb8\x80", 0, 0 },
    /* past U+10FFFF */
    { "\xf4\x90\x80\x80", 0, 0 },
    { "\xf7\xbf\xbf\xbf", 0, 0 },
    /* truncated, at the end and before more text */
    { "\xc3", 0, 0 },
    { "\xe2\x82", 0, 0 },
    { "\xf0\x9f\x98", 0, 0 },
    { "\xc3 ", 0, 0 },
    { "\xe2\x82z", 0, 0 },
    { "\xf0\x9f\x98\xc3\xa9", 0, 0 },
    /* a valid sequence cut by the length given */
    { "\xc3\xa9", 1, 0 },
    { "\xf0\x9f\x98\x80", 3, 0 },
};

static void
test_utf8_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(utf8_cases); i++) {
        size_t n = utf8_cases[i].n ? utf8_cases[i].n : strlen(utf8_cases[i].s);
        if (web_utf8_valid(utf8_cases[i].s, n) != utf8_cases[i].valid)
            fail_msg("case %zu: expected %d", i, utf8_cases[i].valid);
    }
}

static void
test_utf8_chars(void **state)
{
    char s[1024];

    (void)state;
    assert_int_equal(web_utf8_chars(""), 0);
    assert_int_equal(web_utf8_chars("abc"), 3);
    assert_int_equal(web_utf8_chars("caf\xc3\xa9"), 4);
    assert_int_equal(web_utf8_chars("\xe6\x97\xa5\xe6\x9c\xac"), 2);
    assert_int_equal(web_utf8_chars("\xf0\x9f\x98\x80!"), 2);
    assert_int_equal(web_utf8_chars("\xff"), -1);
    assert_int_equal(web_utf8_chars("ok\xed\xa0\x80"), -1);
    /* 200 four-byte characters are 800 bytes and 200 characters. */
    for (int i = 0; i < 200; i++)
        memcpy(s + 4 * i, "\xf0\x9f\x98\x80", 4);
    s[800] = '\0';
    assert_int_equal(web_utf8_chars(s), 200);
}

/* ---- Host ---- */

static const struct {
    const char *host;
    int valid;
} host_cases[] = {
    { "example.com", 1 },
    { "example.com:8080", 1 },
    { "127.0.0.1", 1 },
    { "127.0.0.1:0", 1 },
    { "localhost:", 1 },                     /* port = *DIGIT may be empty */
    { "[::1]", 1 },
    { "[::1]:8080", 1 },
    { "[v1.fe80::a+en1]", 1 },               /* IPvFuture */
    { "xn--bcher-kva.example", 1 },
    { "a%41b", 1 },                          /* pct-encoded reg-name */
    { "sub_domain.example~", 1 },
    { NULL, 0 },
    { "", 0 },                               /* an http URI has a host */
    { ":8080", 0 },
    { "a b", 0 },
    { "a\tb", 0 },
    { "example.com/path", 0 },
    { "user@example.com", 0 },
    { "example.com:80x", 0 },
    { "example.com:8080:1", 0 },
    { "[::1", 0 },
    { "[]", 0 },
    { "[::1]x", 0 },
    { "a%4", 0 },
    { "a%zz", 0 },
    { "ex\xc3\xa9mple.com", 0 },             /* raw non-ASCII */
    { "a\"b", 0 },
    { "a<b>", 0 },
};

static void
test_host_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(host_cases); i++)
        if (web_host_valid(host_cases[i].host) != host_cases[i].valid)
            fail_msg("host '%s': expected %d", host_cases[i].host ? host_cases[i].host : "(null)",
                     host_cases[i].valid);
}

/* ---- HTTP-date ---- */

#define T_1994 784111777                     /* Sun, 06 Nov 1994 08:49:37 GMT */
#define NOW_2026 1785000000                  /* 2026-07-25 */

static const struct {
    const char *s;
    int ok;
    time_t t;
} date_cases[] = {
    /* the three forms of RFC 9110 5.6.7, its own example */
    { "Sun, 06 Nov 1994 08:49:37 GMT", 1, T_1994 },
    { "Sunday, 06-Nov-94 08:49:37 GMT", 1, T_1994 },
    { "Sun Nov  6 08:49:37 1994", 1, T_1994 },
    { "Sun Nov 16 08:49:37 1994", 1, T_1994 + 10 * 86400 },
    /* the weekday is not checked against the date */
    { "Mon, 06 Nov 1994 08:49:37 GMT", 1, T_1994 },
    { "Thu, 01 Jan 1970 00:00:00 GMT", 1, 0 },
    { "Fri, 31 Dec 9999 23:59:59 GMT", 1, 253402300799 },
    { "Tue, 29 Feb 2000 12:00:00 GMT", 1, 951825600 },
    { "Sat, 31 Dec 2016 23:59:60 GMT", 1, 1483228800 },  /* a leap second */
    { "Wed, 01 Jan 1969 00:00:00 GMT", 1, -31536000 },
    /* rfc850 two-digit years: the latest at most 50 years after 2026 */
    { "Thursday, 01-Jan-76 00:00:00 GMT", 1, 3345062400 },  /* 2076 */
    { "Saturday, 01-Jan-77 00:00:00 GMT", 1, 220924800 },   /* 1977 */
    { "Friday, 25-Jul-26 00:00:00 GMT", 1, 1784937600 },    /* 2026 */
    { "Saturday, 01-Jan-00 00:00:00 GMT", 1, 946684800 },   /* 2000 */
    /* not HTTP-dates: ignored, never a 304 */
    { "", 0, 0 },
    { "Sun, 6 Nov 1994 08:49:37 GMT", 0, 0 },           /* 1-digit day */
    { "Sun, 06 Nov 94 08:49:37 GMT", 0, 0 },            /* 2-digit year in IMF */
    { "Sun, 06 Nov 1994 08:49 GMT", 0, 0 },             /* no seconds */
    { "Sun, 06 Nov 1994 8:49:37 GMT", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 UTC", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 +0000", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 gmt", 0, 0 },          /* case-sensitive */
    { "sun, 06 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 06 nov 1994 08:49:37 GMT", 0, 0 },
    { "SUN, 06 NOV 1994 08:49:37 GMT", 0, 0 },
    { "Sun,06 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 06  Nov 1994 08:49:37 GMT", 0, 0 },
    { " Sun, 06 Nov 1994 08:49:37 GMT", 0, 0 },         /* the caller trims */
    { "Sun, 06 Nov 1994 08:49:37 GMT ", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 GMTx", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sunday, 06 Nov 1994 08:49:37 GMT", 0, 0 },       /* long name, IMF body */
    { "Sun, 06-Nov-94 08:49:37 GMT", 0, 0 },            /* short name, rfc850 body */
    { "Sunday, 06-Nov-1994 08:49:37 GMT", 0, 0 },
    { "Sunday, 6-Nov-94 08:49:37 GMT", 0, 0 },
    { "Sun Nov 6 08:49:37 1994", 0, 0 },                /* asctime pads with a space */
    { "Sun Nov 06 08:49:37 1994", 1, T_1994 },          /* or is two digits */
    { "Sun Nov  6 08:49:37 94", 0, 0 },
    { "Sun Nov  6 08:49:37 1994 GMT", 0, 0 },
    { "Sun  Nov  6 08:49:37 1994", 0, 0 },
    { "Sunday Nov  6 08:49:37 1994", 0, 0 },
    { "Funday, 06 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 06 Noe 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 06 Nov 1994T08:49:37 GMT", 0, 0 },
    { "1994-11-06T08:49:37Z", 0, 0 },                   /* ISO 8601 is not one */
    { "784111777", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:37 GMT\r\n", 0, 0 },
    /* dates and times that do not exist */
    { "Sun, 00 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 31 Nov 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 29 Feb 1900 08:49:37 GMT", 0, 0 },
    { "Sun, 32 Jan 1994 08:49:37 GMT", 0, 0 },
    { "Sun, 06 Nov 1994 24:00:00 GMT", 0, 0 },
    { "Sun, 06 Nov 1994 08:60:37 GMT", 0, 0 },
    { "Sun, 06 Nov 1994 08:49:61 GMT", 0, 0 },
    { "Sun, 06 Nov 1994 -8:49:37 GMT", 0, 0 },
    { "Sun, 06 Nov 19 4 08:49:37 GMT", 0, 0 },
};

static void
test_http_date(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(date_cases); i++) {
        time_t t = 12345;
        int rc = web_http_date(date_cases[i].s, NOW_2026, &t);
        if (rc != (date_cases[i].ok ? 0 : -1))
            fail_msg("'%s': expected %s", date_cases[i].s, date_cases[i].ok ? "a date" : "none");
        if (date_cases[i].ok && t != date_cases[i].t)
            fail_msg("'%s': %lld, expected %lld", date_cases[i].s, (long long)t,
                     (long long)date_cases[i].t);
        if (!date_cases[i].ok && t != 12345)
            fail_msg("'%s': the result was set on failure", date_cases[i].s);
    }
    assert_int_equal(web_http_date(NULL, NOW_2026, &(time_t){ 0 }), -1);
}

/* The two-digit year moves with the clock: 50 years after now at most. */
static void
test_http_date_rfc850_window(void **state)
{
    time_t t;
    const time_t y2090 = 3786912000; /* 2090-01-01 */

    (void)state;
    assert_int_equal(web_http_date("Saturday, 01-Jan-05 00:00:00 GMT", y2090, &t), 0);
    assert_int_equal(t, 4260211200); /* 2105, not 2005 */
    assert_int_equal(web_http_date("Monday, 01-Jan-41 00:00:00 GMT", y2090, &t), 0);
    assert_int_equal(t, 2240611200); /* 2041: 2141 is more than 50 years on */
}

/* Every IMF-fixdate we send parses back to itself. */
/* The API's bearer token: equal only when every byte and the length match;
 * an empty secret matches nothing (writes off). */
static void
test_token_equal(void **state)
{
    (void)state;
    assert_true(web_token_equal("s3cret-token", "s3cret-token"));
    assert_false(web_token_equal("s3cret-tokem", "s3cret-token"));
    assert_false(web_token_equal("S3cret-token", "s3cret-token"));
    assert_false(web_token_equal("s3cret-toke", "s3cret-token"));
    assert_false(web_token_equal("s3cret-token2", "s3cret-token"));
    assert_false(web_token_equal("", "s3cret-token"));
    assert_false(web_token_equal("", ""));
    assert_false(web_token_equal("x", ""));
    /* a prefix of the secret */
    assert_false(web_token_equal("ab", "abc"));
}

static void
test_http_date_roundtrip(void **state)
{
    static const char days[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
    static const char mons[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

    (void)state;
    for (time_t t = 0; t < (time_t)4102444800; t += 86400 * 37 + 3601) {
        struct tm tm;
        char s[40];
        time_t back = 0;
        gmtime_r(&t, &tm);
        snprintf(s, sizeof(s), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[(t / 86400) % 7],
                 tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
        if (web_http_date(s, NOW_2026, &back) != 0 || back != t)
            fail_msg("'%s' -> %lld, expected %lld", s, (long long)back, (long long)t);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_chars),
        cmocka_unit_test(test_host_valid),
        cmocka_unit_test(test_http_date),
        cmocka_unit_test(test_http_date_rfc850_window),
        cmocka_unit_test(test_http_date_roundtrip),
        cmocka_unit_test(test_token_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
