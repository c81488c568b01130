/*
 * timefmt.c - times written out (see timefmt.h), on the whole-day calendar
 * of base/calendar.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/calendar.h"
#include "base/timefmt.h"

static const char wday_abbr[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

static const char mon_abbr[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Splits t into civil fields, clamped to years 0001..9999. */
static void
split_time(time_t t, int *y, int *mo, int *d, int *h, int *mi, int *sec, int *wday)
{
    const int64_t lo = calendar_days_from_civil(1, 1, 1) * 86400;
    const int64_t hi = calendar_days_from_civil(9999, 12, 31) * 86400 + 86399;
    int64_t v = (int64_t)t, days, rem;

    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    days = v / 86400;
    rem = v % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    {
        int64_t year;
        calendar_civil_from_days(days, &year, mo, d);
        *y = (int)year;
    }
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *sec = (int)(rem % 60);
    /* 1970-01-01 was a Thursday. */
    *wday = (int)(((days % 7) + 11) % 7);
}

/* Writes v as exactly n decimal digits (v is known to fit). */
static char *
put_digits(char *o, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + n;
}

void
timefmt_rfc3339(time_t t, char out[21])
{
    int y, mo, d, h, mi, sec, wday;
    char *o = out;

    split_time(t, &y, &mo, &d, &h, &mi, &sec, &wday);
    o = put_digits(o, y, 4);
    *o++ = '-';
    o = put_digits(o, mo, 2);
    *o++ = '-';
    o = put_digits(o, d, 2);
    *o++ = 'T';
    o = put_digits(o, h, 2);
    *o++ = ':';
    o = put_digits(o, mi, 2);
    *o++ = ':';
    o = put_digits(o, sec, 2);
    *o++ = 'Z';
    *o = '\0';
}

void
timefmt_http(time_t t, char out[30])
{
    int y, mo, d, h, mi, sec, wday;
    char *o = out;

    split_time(t, &y, &mo, &d, &h, &mi, &sec, &wday);
    memcpy(o, wday_abbr[wday], 3);
    o += 3;
    *o++ = ',';
    *o++ = ' ';
    o = put_digits(o, d, 2);
    *o++ = ' ';
    memcpy(o, mon_abbr[mo - 1], 3);
    o += 3;
    *o++ = ' ';
    o = put_digits(o, y, 4);
    *o++ = ' ';
    o = put_digits(o, h, 2);
    *o++ = ':';
    o = put_digits(o, mi, 2);
    *o++ = ':';
    o = put_digits(o, sec, 2);
    memcpy(o, " GMT", 5);
}

void
timefmt_age(time_t now, time_t t, char *out, size_t n)
{
    long long d = (long long)(now - t);

    if (d < 0)
        d = 0;
    if (d < 3600)
        snprintf(out, n, "%lldm ago", d / 60);
    else if (d < 48 * 3600)
        snprintf(out, n, "%lldh ago", d / 3600);
    else if (d < 30LL * 86400)
        snprintf(out, n, "%lldd ago", d / 86400);
    else if (d < 365LL * 86400)
        snprintf(out, n, "%lldmo ago", d / (30LL * 86400));
    else
        snprintf(out, n, "%lldy ago", d / (365LL * 86400));
}
