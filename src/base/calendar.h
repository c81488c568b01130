/*
 * calendar.h - the proleptic Gregorian calendar in whole days, without
 * timegm, TZ or locale: what parsing feed dates (parse/date.c) and HTTP dates
 * (web/http.c) both need. Day 0 is 1970-01-01; months are 1..12.
 */
#ifndef ALMANAC_CALENDAR_H
#define ALMANAC_CALENDAR_H

#include <stdint.h>

int calendar_is_leap(int64_t y);
/* Days in month m (1..12) of year y. */
int calendar_month_days(int64_t y, int m);
/* Days since 1970-01-01 of y-m-d (Howard Hinnant's days_from_civil). */
int64_t calendar_days_from_civil(int64_t y, int m, int d);
/* The date of day z since 1970-01-01 (the inverse). */
void calendar_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

#endif
