/*
 * tests/unit/date.c - date_parse on a table of real-world dates, and the
 * two formatters, alone and round-tripped through the parser.
 * Expected epochs were computed independently (Python datetime).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/timefmt.h"
#include "parse/date.h"

static const struct {
    const char *in;
    int64_t want;
    int ok;         /* 0: must be rejected with ALM_EINVAL */
} cases[] = {
    /* RFC 822, 1123, 2822, and what feeds make of them */
    { "Thu, 01 Jan 2004 19:48:21 GMT", 1072986501, 1 },
    { "Tue, 10 Jun 2003 04:00:00 GMT", 1055217600, 1 },
    { "Thu, 01 Jan 2004 19:48:21 +0200", 1072979301, 1 },
    { "Thu, 01 Jan 2004 19:48:21 -05:00", 1073004501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 +0530", 1072966701, 1 },
    { "Thu, 01 Jan 2004 19:48:21 -0000", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 UT", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 UTC", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 Z", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 EST", 1073004501, 1 },
    { "Thu, 01 Jul 2004 19:48:21 EDT", 1088725701, 1 },
    { "Thu, 01 Jan 2004 19:48:21 CST", 1073008101, 1 },
    { "Thu, 01 Jul 2004 19:48:21 CDT", 1088729301, 1 },
    { "Thu, 01 Jan 2004 19:48:21 MST", 1073011701, 1 },
    { "Thu, 01 Jul 2004 19:48:21 MDT", 1088732901, 1 },
    { "Thu, 01 Jan 2004 19:48:21 PST", 1073015301, 1 },
    { "Thu, 01 Jul 2004 19:48:21 PDT", 1088736501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 A", 1072990101, 1 },
    { "Thu, 01 Jan 2004 19:48:21 M", 1073029701, 1 },
    { "Thu, 01 Jan 2004 19:48:21 N", 1072982901, 1 },
    { "Thu, 01 Jan 2004 19:48:21 Y", 1072943301, 1 },
    { "Thu, 01 Jan 2004 19:48:21 CET", 1072982901, 1 },
    { "Thu, 01 Jul 2004 19:48:21 CEST", 1088704101, 1 },
    { "Thu, 01 Jul 2004 19:48:21 BST", 1088707701, 1 },
    { "Thu, 01 Jan 2004 19:48:21 IST", 1072966701, 1 },
    { "Thu, 01 Jan 2004 19:48:21 JST", 1072954101, 1 },
    { "Thu, 01 Jan 2004 19:48:21 AEST", 1072950501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 gmt", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21 GMT+0100", 1072982901, 1 },
    { "Thu, 01 Jan 2004 19:48:21 +0000 GMT", 1072986501, 1 },
    { "Thu, 01 Jan 04 19:48:21 GMT", 1072986501, 1 },
    { "Fri, 01 Jan 99 19:48:21 GMT", 915220101, 1 },
    { "Sun, 01 Jan 50 00:00:00 GMT", -631152000, 1 },
    { "Sat, 01 Jan 49 00:00:00 GMT", 2493072000, 1 },
    { "01 Jan 2004 19:48:21 GMT", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48 GMT", 1072986480, 1 },
    { "Thu, 1 Jan 2004 9:48:21 GMT", 1072950501, 1 },
    { "Thu, 01 Jan 2004", 1072915200, 1 },
    { "Thursday, January 1, 2004", 1072915200, 1 },
    { "Thursday, 01 January 2004 19:48:21 GMT", 1072986501, 1 },
    { "January 1st, 2004 7:05 PM EST", 1073001900, 1 },
    { "Jan 1 2004 12:00 am", 1072915200, 1 },
    { "Thu, 01 Jan 2004 19:48:21 -0800 (PST)", 1073015301, 1 },
    { "Thu,  01 Jan 2004  19:48:21  GMT", 1072986501, 1 },
    { "  Thu, 01 Jan 2004 19:48:21 GMT  ", 1072986501, 1 },
    { "Thu, 01 Jan 2004 19:48:21.123 GMT", 1072986501, 1 },
    { "Sunday, 06-Nov-94 08:49:37 GMT", 784111777, 1 },
    { "Sun Nov  6 08:49:37 1994", 784111777, 1 },
    { "Sun Nov  6 08:49:37 -0500 1994", 784129777, 1 },
    { "Thu, 29 Feb 2004 00:00:00 GMT", 1078012800, 1 },
    { "Fri, 31 Dec 1999 23:59:59 GMT", 946684799, 1 },
    { "THU, 01 JAN 2004 19:48:21 GMT", 1072986501, 1 },
    { "01 Jan 2004 EST 10:00", 1072969200, 1 },
    { "03 Apr 02 1500 GMT", 1017846000, 1 },
    { "Apr 03 2002 1500 +0100", 1017842400, 1 },

    /* German, French, Spanish, Italian, Dutch, Portuguese */
    { "Mo, 15 Mär 2004 10:00:00 +0100", 1079341200, 1 },
    { "15. März 2004 10:00", 1079344800, 1 },
    { "Sa, 01 Mai 2004 10:00:00 GMT", 1083405600, 1 },
    { "Fr, 01 Okt 2004 10:00:00 GMT", 1096624800, 1 },
    { "Fr, 24 Dez 2004 10:00:00 GMT", 1103882400, 1 },
    { "24 DEZ 2004", 1103846400, 1 },
    { "lun., 05 janv. 2004 10:00:00 +0100", 1073293200, 1 },
    { "dim., 01 févr. 2004 10:00:00 GMT", 1075629600, 1 },
    { "ven., 05 mars 2004 10:00:00 GMT", 1078480800, 1 },
    { "mar., 06 avr. 2004 10:00:00 GMT", 1081245600, 1 },
    { "06 avr. 2004 10:00:00 GMT", 1081245600, 1 },
    { "jeu., 01 juil. 2004 10:00:00 GMT", 1088676000, 1 },
    { "dimanche, 15 août 2004 10:00:00 GMT", 1092564000, 1 },
    { "15 AOÛT 2004", 1092528000, 1 },
    { "ven., 24 déc. 2004 10:00:00 GMT", 1103882400, 1 },
    { "jue, 15 ene 2004 10:00:00 GMT", 1074160800, 1 },
    { "jue, 15 abr 2004 10:00:00 GMT", 1082023200, 1 },
    { "dom, 15 ago 2004 10:00:00 GMT", 1092564000, 1 },
    { "vie, 24 dic 2004 10:00:00 GMT", 1103882400, 1 },
    { "1 de enero de 2004", 1072915200, 1 },
    { "gio, 15 gen 2004 10:00:00 GMT", 1074160800, 1 },
    { "15 maggio 2004", 1084579200, 1 },
    { "15 ott 2004 10:00", 1097834400, 1 },
    { "do, 15 mrt 2004 10:00:00 GMT", 1079344800, 1 },
    { "15 mei 2004", 1084579200, 1 },
    { "qui, 15 out 2004 10:00:00 GMT", 1097834400, 1 },
    { "15 de dezembro de 2004", 1103068800, 1 },
    { "15 março 2004", 1079308800, 1 },
    /* ISO 8601, W3C-DTF, RFC 3339, and the slash form */
    { "2003-12-31T10:14:55Z", 1072865695, 1 },
    { "2003-06-10T04:00:00Z", 1055217600, 1 },
    { "2004-04-06T23:05:43-05:00", 1081310743, 1 },
    { "2003-06-10T06:00:00+02:00", 1055217600, 1 },
    { "2004-04-06T23:05:43+0500", 1081274743, 1 },
    { "2004-04-06T23:05:43+05", 1081274743, 1 },
    { "2004-04-06T23:05:43.123456Z", 1081292743, 1 },
    { "2004-04-06T23:05:43,5+01:00", 1081289143, 1 },
    { "2004-04-06 23:05:43Z", 1081292743, 1 },
    { "2004-04-06 23:05:43 +01:00", 1081289143, 1 },
    { "2004-04-06T23:05Z", 1081292700, 1 },
    { "2004-04-06T23:05:43", 1081292743, 1 },
    { "2004-04-06", 1081209600, 1 },
    { "2004-04", 1080777600, 1 },
    { "2004", 1072915200, 1 },
    { "2004-04-06t23:05:43z", 1081292743, 1 },
    { "20040406T230543Z", 1081292743, 1 },
    { "20040406T2305-0100", 1081296300, 1 },
    { "20040406", 1081209600, 1 },
    { "2004/04/06 23:05:43", 1081292743, 1 },
    { "2004/04/06", 1081209600, 1 },
    { "2004-04-06T23:05:43 GMT", 1081292743, 1 },
    { "  2004-04-06T23:05:43Z\n", 1081292743, 1 },
    { "2004-02-29T00:00:00Z", 1078012800, 1 },
    { "2004-04-06T24:00:00Z", 1081296000, 1 },
    { "1969-12-31T23:59:59Z", -1, 1 },
    { "1970-01-01T00:00:00Z", 0, 1 },
    { "1000-01-01T00:00:00Z", -30610224000, 1 },
    { "9999-12-31T23:59:59Z", 253402300799, 1 },
    { "2038-01-19T03:14:08Z", 2147483648, 1 },
    { "2000-03-01T00:00:00Z", 951868800, 1 },
    /* rejected */
    { "", 0, 0 },
    { "   ", 0, 0 },
    { "yesterday", 0, 0 },
    { "now", 0, 0 },
    { "Thu, 01 Foo 2004 19:48:21 GMT", 0, 0 },
    { "2004-13-01", 0, 0 },
    { "2004-00-10", 0, 0 },
    { "2004-04-31", 0, 0 },
    { "2003-02-29T00:00:00Z", 0, 0 },
    { "1900-02-29", 0, 0 },
    { "2004-04-06T25:00:00Z", 0, 0 },
    { "2004-04-06T23:60:00Z", 0, 0 },
    { "2004-04-06T23:05:61Z", 0, 0 },
    { "2004-04-06T24:00:01Z", 0, 0 },
    { "Thu, 01 Jan 2004 25:00:00 GMT", 0, 0 },
    { "Thu, 32 Jan 2004 10:00:00 GMT", 0, 0 },
    { "Thu, 00 Jan 2004", 0, 0 },
    { "0999-01-01", 0, 0 },
    { "10000-01-01", 0, 0 },
    { "2004-04-06T23:05:43+2500", 0, 0 },
    { "2004-04-06T23:05:43+01:75", 0, 0 },
    { "2004-04-06T23:05:43Q1", 0, 0 },
    { "2004-04-06Tfoo", 0, 0 },
    { "Thu, 01 Jan 2004 19:48:21 XYZ", 0, 0 },
    { "Thu, 01 Jan 2004 19:48:21 J", 0, 0 },
    { "Jan 2004", 0, 0 },
    { "01 Jan", 0, 0 },
    { "12:00", 0, 0 },
    { "2004-04-06T23:05:43Z trailing", 0, 0 },
    { "13:00 pm 01 Jan 2004", 0, 0 },
    { "Thu, 01 Jan Feb 2004", 0, 0 },
    { "01 02 03 04", 0, 0 },
    { "2004-4-", 0, 0 },
    { "-2004-04-06", 0, 0 },
    { "Thu, 01 Jan 2004 19:48:21 GMT EST", 0, 0 },
    { "Thu, 01 Jan 2004 19:48:21 +0100 -0200", 0, 0 },
    { "Thu, 01 Jan 2004 1:2:3:4", 0, 0 },
    { "\xff\xfe", 0, 0 },
    { "Thuuuuuuuuuuuuuuuuuuuuuuuuuuursday, 01 Jan 2004 x", 0, 0 },
    { "01 Jan 2004 12:00 ; DROP", 0, 0 },
    { "2004_04_06", 0, 0 },
    { "03 Apr 02 2500 GMT", 0, 0 },
    { "03 Apr 2002 1500 1600", 0, 0 },
    { "Thu, 01 Jan 2004T19:48:21", 0, 0 },
    { "Thu, 01 Jan 2004 19:48:21 GMT J", 0, 0 },
};

static void
test_date_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) {
        /* An exact-size heap copy, so a read past the NUL trips ASan. */
        size_t n = strlen(cases[i].in) + 1;
        char *in = malloc(n);
        time_t got = 12345;
        int rc;

        assert_non_null(in);
        memcpy(in, cases[i].in, n);
        rc = date_parse(in, &got);
        if (cases[i].ok) {
            if (rc != ALM_OK)
                fail_msg("rejected: \"%s\"", cases[i].in);
            if ((int64_t)got != cases[i].want)
                fail_msg("\"%s\": got %lld, want %lld", cases[i].in,
                         (long long)got, (long long)cases[i].want);
        } else {
            if (rc != ALM_EINVAL)
                fail_msg("accepted: \"%s\" -> %lld", cases[i].in, (long long)got);
            assert_int_equal(got, 12345); /* untouched on failure */
        }
        free(in);
    }
}

static void
test_date_parse_null(void **state)
{
    time_t t = 7;

    (void)state;
    assert_int_equal(date_parse(NULL, &t), ALM_EINVAL);
    assert_int_equal(t, 7);
}

static const struct {
    int64_t t;
    const char *rfc3339;
    const char *http;
} formats[] = {
    { 0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT" },
    { 784111777, "1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:49:37 GMT" },
    { 1072986501, "2004-01-01T19:48:21Z", "Thu, 01 Jan 2004 19:48:21 GMT" },
    { 951782400, "2000-02-29T00:00:00Z", "Tue, 29 Feb 2000 00:00:00 GMT" },
    { -1, "1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 GMT" },
    { -30610224000LL, "1000-01-01T00:00:00Z", "Wed, 01 Jan 1000 00:00:00 GMT" },
    { 253402300799LL, "9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 GMT" },
    { 2147483648LL, "2038-01-19T03:14:08Z", "Tue, 19 Jan 2038 03:14:08 GMT" },
    { 4102444800LL, "2100-01-01T00:00:00Z", "Fri, 01 Jan 2100 00:00:00 GMT" },
};

static void
test_date_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(formats); i++) {
        char a[21], b[30];
        time_t back = 0;

        if ((int64_t)(time_t)formats[i].t != formats[i].t)
            continue; /* a 32-bit time_t cannot hold it */
        timefmt_rfc3339((time_t)formats[i].t, a);
        assert_string_equal(a, formats[i].rfc3339);
        timefmt_http((time_t)formats[i].t, b);
        assert_string_equal(b, formats[i].http);
        assert_int_equal(date_parse(a, &back), ALM_OK);
        assert_int_equal(back, formats[i].t);
        back = 0;
        assert_int_equal(date_parse(b, &back), ALM_OK);
        assert_int_equal(back, formats[i].t);
    }
}

/* Formats the extremes of time_t without writing past the buffer. */
static void
test_date_format_clamp(void **state)
{
    char a[21], b[30];
    time_t big, small;

    (void)state;
    if (sizeof(time_t) < 8)
        skip();
    big = (time_t)INT64_MAX;
    small = (time_t)INT64_MIN;
    timefmt_rfc3339(big, a);
    assert_string_equal(a, "9999-12-31T23:59:59Z");
    timefmt_rfc3339(small, a);
    assert_string_equal(a, "0001-01-01T00:00:00Z");
    timefmt_http(big, b);
    assert_string_equal(b, "Fri, 31 Dec 9999 23:59:59 GMT");
    timefmt_http(small, b);
    assert_string_equal(b, "Mon, 01 Jan 0001 00:00:00 GMT");
}

/* Years 1000..9999 in strides of 97 days, then 40 years day by day. */
static void
test_date_round_trip(void **state)
{
    (void)state;
    for (int64_t t = -30610224000LL; t <= 253402300799LL; t += 86400LL * 97 + 3661) {
        char a[21], b[30];
        time_t back;

        if ((int64_t)(time_t)t != t)
            continue;
        timefmt_rfc3339((time_t)t, a);
        assert_int_equal(strlen(a), 20);
        assert_int_equal(date_parse(a, &back), ALM_OK);
        assert_int_equal(back, t);
        timefmt_http((time_t)t, b);
        assert_int_equal(strlen(b), 29);
        assert_int_equal(date_parse(b, &back), ALM_OK);
        assert_int_equal(back, t);
    }
    for (int64_t t = 0; t < 86400LL * 366 * 40; t += 86400 + 7) {
        char a[21];
        time_t back;

        timefmt_rfc3339((time_t)t, a);
        assert_int_equal(date_parse(a, &back), ALM_OK);
        assert_int_equal(back, t);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse_table),
        cmocka_unit_test(test_date_parse_null),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_date_format_clamp),
        cmocka_unit_test(test_date_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
