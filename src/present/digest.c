/*
 * digest.c - a day's or a week's top events (digest.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/calendar.h"
#include "base/err.h"
#include "present/digest.h"
#include "store/store.h"
#include "store/store_web.h"

static const char *const months[] = { "January", "February", "March", "April", "May", "June",
                                      "July", "August", "September", "October", "November",
                                      "December" };

/* Monday 0 .. Sunday 6 of a day number (1970-01-01, day 0, was a Thursday). */
static int
weekday(int64_t days)
{
    return (int)(((days % 7) + 7 + 3) % 7);
}

/* The day number of the Monday of ISO week 1 of year y. */
static int64_t
week1_monday(int64_t y)
{
    int64_t jan4 = calendar_days_from_civil(y, 1, 4);

    return jan4 - weekday(jan4);
}

static int
weeks_in(int64_t y)
{
    return (int)((week1_monday(y + 1) - week1_monday(y)) / 7);
}

static void
fill(struct digest_period *p, int week, int64_t first_day)
{
    int64_t y;
    int m, d;

    p->week = week;
    p->start = (time_t)(first_day * 86400);
    p->end = p->start + (week ? 7 : 1) * 86400;
    if (week) {
        int64_t thursday = first_day + 3;
        calendar_civil_from_days(thursday, &y, &m, &d);
        snprintf(p->name, sizeof(p->name), "%04lld-W%02d", (long long)y,
                 (int)((first_day - week1_monday(y)) / 7 + 1));
    } else {
        calendar_civil_from_days(first_day, &y, &m, &d);
        snprintf(p->name, sizeof(p->name), "%04lld-%02d-%02d", (long long)y, m, d);
    }
}

static int
digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int
digest_period_parse(const char *name, struct digest_period *out)
{
    size_t n = name ? strlen(name) : 0;
    int y, m, d, w;

    if (n == 10 && digits(name, 4) && name[4] == '-' && digits(name + 5, 2) && name[7] == '-' &&
        digits(name + 8, 2)) {
        y = (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + name[3] - '0';
        m = (name[5] - '0') * 10 + name[6] - '0';
        d = (name[8] - '0') * 10 + name[9] - '0';
        if (y < 1970 || m < 1 || m > 12 || d < 1 || d > calendar_month_days(y, m))
            return ALM_EINVAL;
        fill(out, 0, calendar_days_from_civil(y, m, d));
        return ALM_OK;
    }
    if (n == 8 && digits(name, 4) && name[4] == '-' && name[5] == 'W' && digits(name + 6, 2)) {
        y = (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + name[3] - '0';
        w = (name[6] - '0') * 10 + name[7] - '0';
        if (y < 1971 || w < 1 || w > weeks_in(y))
            return ALM_EINVAL;
        fill(out, 1, week1_monday(y) + (int64_t)(w - 1) * 7);
        return ALM_OK;
    }
    return ALM_EINVAL;
}

void
digest_period_of(time_t t, int week, struct digest_period *out)
{
    int64_t day = (int64_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);

    fill(out, week, week ? day - weekday(day) : day);
}

void
digest_period_next(const struct digest_period *p, int dir, struct digest_period *out)
{
    int64_t first = (int64_t)(p->start / 86400), step = p->week ? 7 : 1;

    fill(out, p->week, first + (dir < 0 ? -step : step));
}

void
digest_period_title(const struct digest_period *p, char *out, size_t n)
{
    int64_t y, y2;
    int m, d, m2, d2;

    calendar_civil_from_days((int64_t)(p->start / 86400), &y, &m, &d);
    if (!p->week) {
        snprintf(out, n, "%d %s %lld", d, months[m - 1], (long long)y);
        return;
    }
    calendar_civil_from_days((int64_t)(p->start / 86400) + 6, &y2, &m2, &d2);
    if (m == m2)
        snprintf(out, n, "Week %.2s of %.4s (%d-%d %s)", p->name + 6, p->name, d, d2,
                 months[m - 1]);
    else
        snprintf(out, n, "Week %.2s of %.4s (%d %s - %d %s)", p->name + 6, p->name, d,
                 months[m - 1], d2, months[m2 - 1]);
}

int
digest_events(struct store *st, const struct digest_period *p,
              int (*fn)(const struct event *e, void *arg), void *arg)
{
    struct event_query q = { 0 };

    q.since = p->start;
    q.until = p->end;
    q.by_score = 1;
    q.limit = DIGEST_TOP;
    return store_list_events(st, &q, fn, arg);
}

/* ---- the writers ---- */

struct writer {
    struct store *st;
    struct buf *b;
    const char *base;
    int html, n;
    int64_t self;
};

static void
text(struct writer *w, const char *s)
{
    if (s == NULL)
        return;
    if (w->html) {
        buf_append_html(w->b, s, strlen(s));
        return;
    }
    /* Markdown: the characters that would start markup, escaped */
    for (; *s; s++) {
        if (strchr("\\`*_[]<>#|", *s))
            buf_putc(w->b, '\\');
        buf_putc(w->b, *s == '\n' ? ' ' : *s);
    }
}

/* An http(s) URL as a link target: anything else is left out. */
static int
linkable(const char *u)
{
    return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
           strpbrk(u, " \"'<>()\\`") == NULL;
}

static void
event_link(struct writer *w, const struct event *e, const char *label)
{
    char path[64];

    snprintf(path, sizeof(path), "/events/%lld", (long long)e->item.id);
    if (w->base == NULL) {
        text(w, label);
        return;
    }
    if (w->html) {
        buf_puts(w->b, "<a href=\"");
        text(w, w->base);
        buf_puts(w->b, path);
        buf_puts(w->b, "\">");
        text(w, label);
        buf_puts(w->b, "</a>");
    } else {
        buf_putc(w->b, '[');
        text(w, label);
        buf_printf(w->b, "](%s%s)", w->base, path);
    }
}

static int
other_report(const struct event *e, void *arg)
{
    struct writer *w = arg;

    if (e->item.id == w->self)
        return 0;
    if (w->n++ >= 5)
        return 1;
    buf_puts(w->b, w->html ? "<li>" : "   - ");
    event_link(w, e, e->item.title && *e->item.title ? e->item.title : "(untitled)");
    buf_puts(w->b, w->html ? " · " : " · ");
    text(w, e->item.source_name);
    buf_puts(w->b, w->html ? "</li>\n" : "\n");
    return 0;
}

static int
put_event(const struct event *e, void *arg)
{
    struct writer *w = arg;
    struct writer sub = *w;
    struct event_query q = { 0 };
    const char *title = e->item.title && *e->item.title ? e->item.title : "(untitled)";

    w->n++;
    if (w->html) {
        buf_printf(w->b, "<li><h2>[%d] ", e->score);
        event_link(w, e, title);
        buf_puts(w->b, "</h2>\n<p class=\"meta\">");
    } else {
        buf_printf(w->b, "%d. **[%d]** ", w->n, e->score);
        event_link(w, e, title);
        buf_puts(w->b, "  \n   ");
    }
    text(w, e->item.source_name);
    buf_puts(w->b, " · ");
    text(w, e->kind);
    if (linkable(e->item.url)) {
        buf_puts(w->b, " · ");
        if (w->html) {
            buf_puts(w->b, "<a href=\"");
            text(w, e->item.url);
            buf_puts(w->b, "\" rel=\"noopener noreferrer nofollow\">source</a>");
        } else {
            buf_printf(w->b, "[source](%s)", e->item.url);
        }
    }
    buf_puts(w->b, w->html ? "</p>\n<p>" : "  \n   ");
    text(w, e->summary);
    buf_puts(w->b, w->html ? "</p>\n" : "\n");
    if (e->guides.n > 0) {
        buf_puts(w->b, w->html ? "<p class=\"guides\">Guides: " : "   Guides: ");
        for (size_t i = 0; i < e->guides.n; i++) {
            char slug[128];
            snprintf(slug, sizeof(slug), "%.127s", e->guides.v[i]);
            if (i > 0)
                buf_puts(w->b, ", ");
            text(w, slug);
        }
        buf_puts(w->b, w->html ? "</p>\n" : "\n");
    }
    q.story = e->story_id;
    q.limit = 7;
    sub.n = 0;
    sub.self = e->item.id;
    if (e->story_id > 0) {
        size_t mark = w->b->len;
        buf_puts(w->b, w->html ? "<p>Also in this story:</p>\n<ul>\n" : "   Also in this story:\n");
        if (store_list_events(w->st, &q, other_report, &sub) != ALM_OK)
            return 1;
        if (sub.n == 0) { /* no other report: no heading */
            w->b->len = mark;
            w->b->data[mark] = '\0';
        }
        else if (w->html)
            buf_puts(w->b, "</ul>\n");
    }
    buf_puts(w->b, w->html ? "</li>\n" : "\n");
    return 0;
}

int
digest_write(struct store *st, const struct digest_period *p, const char *base, int html,
             struct buf *out)
{
    struct writer w = { st, out, base, html, 0, 0 };
    char title[96];
    int rc;

    digest_period_title(p, title, sizeof(title));
    if (html == 2) {
        buf_puts(out, "<ol>\n");
    } else if (html) {
        buf_puts(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>Almanac digest: ");
        text(&w, title);
        buf_puts(out, "</title>\n</head>\n<body>\n<h1>Almanac digest: ");
        text(&w, title);
        buf_puts(out, "</h1>\n<ol>\n");
    } else {
        buf_puts(out, "# Almanac digest: ");
        text(&w, title);
        buf_puts(out, "\n\n");
    }
    rc = digest_events(st, p, put_event, &w);
    if (w.n == 0)
        buf_puts(out, html ? "</ol>\n<p>No events in this period.</p>\n"
                           : "No events in this period.\n");
    else if (html)
        buf_puts(out, "</ol>\n");
    if (html == 1)
        buf_puts(out, "</body>\n</html>\n");
    if (rc != ALM_OK)
        return rc;
    return ALM_OK;
}
