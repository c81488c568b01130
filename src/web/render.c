/*
 * render.c - the shared pieces of the web layer: filters, URLs, and the
 * HTML every page is made of.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/model.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "base/url.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/render.h"
#include "web/style.h"

/* ---- filters ---- */

static const struct {
    const char *name;
    time_t seconds;               /* 0: no bound */
    const char *text;
} periods[] = {
    { "24h", 86400, "last 24 hours" },
    { "7d", 7 * 86400, "last 7 days" },
    { "30d", 30 * 86400, "last 30 days" },
    { "all", 0, "all time" },
};

static const char *
period_find(const char *s)
{
    for (size_t i = 0; i < LEN(periods); i++)
        if (strcmp(s, periods[i].name) == 0)
            return periods[i].name;
    return NULL;
}

const char *
render_period_text(const char *name)
{
    for (size_t i = 0; i < LEN(periods); i++)
        if (strcmp(name, periods[i].name) == 0)
            return periods[i].text;
    return name;
}

/* A slug as the config allows them: 1..64 of a-z, 0-9 and '-'. */
static int
is_slug(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
            return 0;
    return n > 0 && n <= max;
}

/* A whole decimal number in lo..hi. */
static int
read_int(const char *s, int lo, int hi, int *out)
{
    long v = 0;

    if (*s == '\0' || strlen(s) > 9)
        return ALM_EINVAL;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return ALM_EINVAL;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return ALM_EINVAL;
    *out = (int)v;
    return ALM_OK;
}

/* One of the kinds the analysis writes, spelled as it writes them. */
static int
is_kind(const char *s)
{
    for (int k = 0; k < KIND_COUNT; k++)
        if (strcmp(s, event_kind_name((enum event_kind)k)) == 0)
            return 1;
    return 0;
}

int
render_valid_slug(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int
render_filter_read(const struct web_request *req, const char *default_period,
                   struct web_filter *f, const char **why)
{
    const char *v;

    memset(f, 0, sizeof(*f));
    f->default_period = period_find(default_period) ? period_find(default_period) : "all";
    f->period = f->default_period;
    f->page = 1;
    /* An empty value is the same as no parameter: the filter bar's "any". */
    if ((v = web_param(req, "min")) && *v && read_int(v, 0, 10, &f->min) != ALM_OK)
        return *why = "min (a score from 1 to 10)", ALM_EINVAL;
    if ((v = web_param(req, "tier")) && *v && read_int(v, 0, 3, &f->tier) != ALM_OK)
        return *why = "tier (1, 2 or 3)", ALM_EINVAL;
    if ((v = web_param(req, "page")) && *v &&
        read_int(v, 1, RENDER_MAX_PAGE, &f->page) != ALM_OK)
        return *why = "page", ALM_EINVAL;
    if ((v = web_param(req, "guide")) && *v) {
        if (!is_slug(v, 64))
            return *why = "guide", ALM_EINVAL;
        f->guide = v;
    }
    if ((v = web_param(req, "source")) && *v) {
        if (!is_slug(v, 64))
            return *why = "source", ALM_EINVAL;
        f->source = v;
    }
    if ((v = web_param(req, "kind")) && *v) {
        if (!is_kind(v))
            return *why = "kind (release, research, policy, business, security, commentary,"
                          " digest, tutorial or other)",
                   ALM_EINVAL;
        f->kind = v;
    }
    if ((v = web_param(req, "period")) && *v) {
        if ((f->period = period_find(v)) == NULL)
            return *why = "period (24h, 7d, 30d or all)", ALM_EINVAL;
    }
    return ALM_OK;
}

void
render_filter_query(const struct web_filter *f, time_t now, struct event_query *q)
{
    memset(q, 0, sizeof(*q));
    q->min_score = f->min;
    q->guide = f->guide;
    q->source = f->source;
    q->kind = f->kind;
    q->tier = f->tier;
    for (size_t i = 0; i < LEN(periods); i++)
        if (strcmp(f->period, periods[i].name) == 0 && periods[i].seconds > 0)
            q->since = now - periods[i].seconds;
}

static void
add_param(struct buf *b, int *n, const char *key, const char *value)
{
    buf_putc(b, *n ? '&' : '?');
    buf_puts(b, key);
    buf_putc(b, '=');
    render_urlencode(b, value);
    (*n)++;
}

void
render_filter_href(struct buf *b, const char *path, const struct web_filter *f,
                   const char *key, const char *value)
{
    static const char *const keys[] = { "min", "guide", "source", "tier", "kind", "period",
                                        "page" };
    char num[2][16];
    const char *vals[LEN(keys)];
    int n = 0;

    snprintf(num[0], sizeof(num[0]), "%d", f->min);
    snprintf(num[1], sizeof(num[1]), "%d", f->tier);
    vals[0] = f->min ? num[0] : NULL;
    vals[1] = f->guide;
    vals[2] = f->source;
    vals[3] = f->tier ? num[1] : NULL;
    vals[4] = f->kind;
    vals[5] = f->period;
    vals[6] = NULL;
    for (size_t i = 0; i < LEN(keys); i++)
        if (key && strcmp(key, keys[i]) == 0)
            vals[i] = value;
    buf_puts(b, path);
    for (size_t i = 0; i < LEN(keys); i++) {
        if (vals[i] == NULL || *vals[i] == '\0')
            continue;
        if (i == 5 && f->default_period && strcmp(vals[i], f->default_period) == 0)
            continue;
        if (i == 6 && strcmp(vals[i], "1") == 0)
            continue;
        add_param(b, &n, keys[i], vals[i]);
    }
}

void
render_filter_describe(struct buf *b, const struct web_filter *f)
{
    size_t start = b->len;

#define SEP() (b->len > start ? buf_puts(b, " · ") : 0)
    if (f->min) {
        SEP();
        buf_printf(b, "score %d+", f->min);
    }
    if (f->tier) {
        SEP();
        buf_printf(b, "tier %d", f->tier);
    }
    if (f->kind) {
        SEP();
        buf_puts(b, f->kind);
    }
    if (f->guide) {
        SEP();
        buf_printf(b, "guide %s", f->guide);
    }
    if (f->source) {
        SEP();
        buf_printf(b, "source %s", f->source);
    }
    for (size_t i = 0; i < LEN(periods); i++)
        if (strcmp(f->period, periods[i].name) == 0 && periods[i].seconds > 0) {
            SEP();
            buf_puts(b, periods[i].text);
        }
#undef SEP
}

/* ---- URLs and text ---- */

void
render_urlencode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            buf_append(b, esc, 3);
        }
    }
}

void
render_event_path(struct buf *b, int64_t id, const char *title)
{
    char *slug = url_slugify(title, RENDER_SLUG_MAX);

    buf_printf(b, "/events/%lld", (long long)id);
    if (*slug)
        buf_printf(b, "-%s", slug);
    free(slug);
}

int
render_is_http(const char *url)
{
    if (url == NULL)
        return 0;
    if (strncasecmp(url, "https://", 8) == 0)
        url += 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        url += 7;
    else
        return 0;
    /* A host must follow; no white space or controls anywhere. */
    if (*url == '\0' || *url == '/')
        return 0;
    for (; *url; url++)
        if ((unsigned char)*url <= 0x20 || *url == 0x7f)
            return 0;
    return 1;
}

void
render_absolute(struct buf *b, const struct web_ctx *ctx, const char *path)
{
    const char *base = ctx && ctx->base_url ? ctx->base_url : "";
    size_t n = strlen(base);

    while (n > 0 && base[n - 1] == '/')
        n--;
    buf_append(b, base, n);
    buf_puts(b, path);
}

time_t
render_week_start(time_t t)
{
    long long days = (long long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    long long wd = ((days + 3) % 7 + 7) % 7;   /* 1970-01-01 was a Thursday */

    return (time_t)((days - wd) * 86400);
}

time_t
render_chart_first(time_t now, time_t newest, int weeks)
{
    time_t end = render_week_start(now);

    if (newest > 0 && newest < end)
        end = render_week_start(newest);
    return end - (time_t)(weeks - 1) * 604800;
}

int
render_author_differs(const char *name, const char *author)
{
    if (author == NULL || *author == '\0')
        return 0;
    if (name == NULL)
        return 1;
    /* "Anthropic News (Anthropic)" says nothing twice. */
    return strncasecmp(name, author, strlen(author)) != 0;
}

/* Escapes n bytes of s, dropping the C0 controls HTML cannot show (but tab, LF, CR). */
static void
put_escaped(struct buf *b, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t run = 0;
        while (i + run < n && ((unsigned char)s[i + run] >= 0x20 || s[i + run] == '\t' ||
                               s[i + run] == '\n' || s[i + run] == '\r'))
            run++;
        buf_append_html(b, s + i, run);
        i += run;
        while (i < n && (unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
               s[i] != '\r')
            i++;
    }
}

void
render_text(struct buf *b, const char *s)
{
    if (s)
        put_escaped(b, s, strlen(s));
}

void
render_source_label(struct buf *b, const struct item *it)
{
    render_text(b, it->source_name ? it->source_name : it->source_slug);
    if (render_author_differs(it->source_name, it->source_author)) {
        buf_puts(b, " (");
        render_text(b, it->source_author);
        buf_putc(b, ')');
    }
}

void
render_marked(struct buf *b, const char *s, char open, char close)
{
    int in = 0;

    if (s == NULL)
        return;
    while (*s) {
        size_t run = strcspn(s, (char[]){ open, close, '\0' });
        put_escaped(b, s, run);
        s += run;
        if (*s == open && !in) {
            buf_puts(b, "<mark>");
            in = 1;
        } else if (*s == close && in) {
            buf_puts(b, "</mark>");
            in = 0;
        }
        if (*s)
            s++;
    }
    if (in)
        buf_puts(b, "</mark>");
}

void
render_utc(time_t t, char out[24])
{
    char iso[21];

    timefmt_rfc3339(t, iso);
    /* "2026-08-31T00:00:00Z" -> "2026-08-31 00:00 UTC" */
    snprintf(out, 24, "%.10s %.5s UTC", iso, iso + 11);
}

/* ---- HTML pieces ---- */

static const struct {
    const char *id, *href, *label;
} nav_items[] = {
    { "events", "/", "Events" },
    { "top", "/top", "Top" },
    { "guides", "/guides", "Guides" },
    { "entities", "/entities", "Entities" },
    { "learn", "/learn", "Learn" },
    { "sources", "/sources", "Sources" },
};

void
render_page_begin(struct buf *b, const struct web_ctx *ctx, const struct render_page *p)
{
    char css[64];

    (void)ctx;
    web_style_href(css);
    buf_puts(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
    if (p->title) {
        render_text(b, p->title);
        buf_puts(b, " · ");
    }
    buf_puts(b, "Almanac</title>\n");
    if (p->description) {
        buf_puts(b, "<meta name=\"description\" content=\"");
        render_text(b, p->description);
        buf_puts(b, "\">\n");
    }
    buf_printf(b, "<link rel=\"stylesheet\" href=\"%s\">\n", css);
    if (p->feed_qs) {
        buf_puts(b, "<link rel=\"alternate\" type=\"application/atom+xml\""
                    " title=\"Almanac (Atom)\" href=\"/feed.atom");
        render_text(b, p->feed_qs);
        buf_puts(b, "\">\n<link rel=\"alternate\" type=\"application/feed+json\""
                    " title=\"Almanac (JSON Feed)\" href=\"/feed.json");
        render_text(b, p->feed_qs);
        buf_puts(b, "\">\n");
    }
    buf_puts(b, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
                "<header class=\"site\">\n<div class=\"bar\">\n"
                "<a class=\"brand\" href=\"/\"><span class=\"logo\" aria-hidden=\"true\">A</span>"
                "Almanac</a>\n<nav aria-label=\"Main\"><ul>");
    for (size_t i = 0; i < LEN(nav_items); i++) {
        buf_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", nav_items[i].href,
                   p->nav && strcmp(p->nav, nav_items[i].id) == 0 ? " aria-current=\"page\"" : "",
                   nav_items[i].label);
    }
    buf_puts(b, "</ul></nav>\n<form class=\"search\" role=\"search\""
                " aria-label=\"Site search\" action=\"/search\" method=\"get\"><label class=\"vh\" for=\"site-q\">Search events</label>"
                "<input id=\"site-q\" type=\"search\" name=\"q\" maxlength=\"200\""
                " placeholder=\"Search\" value=\"");
    render_text(b, p->query);
    buf_puts(b, "\"><button type=\"submit\" class=\"vh\">Search</button></form>\n"
                "</div>\n</header>\n<main id=\"main\">\n");
}

void
render_page_end(struct buf *b, const struct web_ctx *ctx)
{
    (void)ctx;
    buf_puts(b, "</main>\n<footer class=\"site\"><p>Almanac, a self-hosted record of AI news."
                " <a href=\"/feed.atom\">Atom</a> · <a href=\"/feed.json\">JSON Feed</a> ·"
                " <a href=\"/api/v1/events\">API</a></p></footer>\n</body>\n</html>\n");
}

void
render_time(struct buf *b, time_t now, time_t t)
{
    char iso[21], utc[24], age[32];

    timefmt_rfc3339(t, iso);
    render_utc(t, utc);
    timefmt_age(now, t, age, sizeof(age));
    buf_printf(b, "<time datetime=\"%s\" title=\"%s\">%s</time>", iso, utc, age);
}

void
render_time_dated(struct buf *b, time_t now, time_t t)
{
    char iso[21];

    render_time(b, now, t);
    timefmt_rfc3339(t, iso);
    buf_printf(b, " <span class=\"date\">(<time datetime=\"%s\">%.10s</time>)</span>", iso,
               iso);
}

void
render_score(struct buf *b, int score)
{
    const char *band = score >= 9 ? "top" : score >= 7 ? "high" : score >= 5 ? "mid" : "low";

    buf_printf(b, "<span class=\"score band-%s\" title=\"Score %d of 10\">"
                  "<span class=\"vh\">Score </span>%d</span>", band, score, score);
}

void
render_event_row(struct buf *b, const struct event *e, time_t now, const struct render_row *o)
{
    const struct item *it = &e->item;
    int h = o && o->heading ? o->heading : 2;

    buf_puts(b, "<article class=\"event\">\n<p class=\"meta\">");
    render_score(b, e->score);
    buf_puts(b, "<a class=\"src\" href=\"/sources/");
    render_text(b, it->source_slug);
    buf_puts(b, "\">");
    render_source_label(b, it);
    buf_puts(b, "</a><span class=\"dot\" aria-hidden=\"true\">·</span>");
    render_time(b, now, it->published);
    if (o && o->note) {
        buf_puts(b, "<span class=\"dot\" aria-hidden=\"true\">·</span><span class=\"note\">");
        render_text(b, o->note);
        buf_puts(b, "</span>");
    }
    if (render_is_http(it->url)) {
        buf_puts(b, "<span class=\"dot d-out\" aria-hidden=\"true\">·</span>"
                    "<a class=\"out\" href=\"");
        render_text(b, it->url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">source ↗</a>");
    }
    buf_printf(b, "</p>\n<h%d class=\"title\"><a href=\"", h);
    render_event_path(b, it->id, it->title);
    buf_puts(b, "\">");
    if (o && o->title_marked)
        render_marked(b, o->title_marked, '\x01', '\x02');
    else
        render_text(b, it->title && *it->title ? it->title : "(untitled)");
    buf_printf(b, "</a></h%d>\n", h);
    if (o && o->snippet_marked && *o->snippet_marked) {
        buf_puts(b, "<p class=\"summary snippet\">");
        render_marked(b, o->snippet_marked, '\x01', '\x02');
        buf_puts(b, "</p>\n");
    } else if (e->summary && *e->summary) {
        buf_puts(b, "<p class=\"summary\">");
        render_text(b, e->summary);
        buf_puts(b, "</p>\n");
    }
    buf_puts(b, "</article>\n");
}

void
render_pager(struct buf *b, const char *prev, const char *next, int page, int64_t pages)
{
    if (prev == NULL && next == NULL)
        return;
    buf_puts(b, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (prev) {
        buf_puts(b, "<a rel=\"prev\" href=\"");
        render_text(b, prev);
        buf_puts(b, "\">← Prev</a>");
    } else {
        buf_puts(b, "<span class=\"off\" aria-hidden=\"true\">← Prev</span>");
    }
    if (pages > 0)
        buf_printf(b, "<span class=\"where\">Page %d of %lld</span>", page, (long long)pages);
    else
        buf_printf(b, "<span class=\"where\">Page %d</span>", page);
    if (next) {
        buf_puts(b, "<a rel=\"next\" href=\"");
        render_text(b, next);
        buf_puts(b, "\">Next →</a>");
    } else {
        buf_puts(b, "<span class=\"off\" aria-hidden=\"true\">Next →</span>");
    }
    buf_puts(b, "</nav>\n");
}

void
render_each_slug(const struct str_list *list,
                 void (*fn)(const char *slug, size_t len, void *arg), void *arg)
{
    for (size_t i = 0; i < list->n; i++) {
        size_t len = strlen(list->v[i]);
        if (len > 0)
            fn(list->v[i], len, arg);
    }
}

static const struct {
    int status;
    const char *title, *text;
} errors[] = {
    { 400, "That request did not make sense", "Something in the address is not valid." },
    { 403, "Not allowed", "This page is not available to you." },
    { 404, "Page not found", "There is nothing at this address. It may have moved." },
    { 405, "Method not allowed", "This address only answers GET and HEAD." },
    { 414, "Address too long", "The address is longer than this site accepts." },
    { 429, "Too many requests", "Please wait a moment and try again." },
    { 500, "Something went wrong", "The page could not be made. Please try again shortly." },
    { 503, "Busy right now", "The site is busy. Please try again shortly." },
};

void
render_error_page(const struct web_ctx *ctx, int status, const char *detail,
                  struct web_response *resp)
{
    const char *title = "Something went wrong", *text = "Please try again shortly.";
    struct buf *b = &resp->body;

    if ((status = web_error_status(status)) == 503 && detail == NULL)
        detail = "That request needs more work than the site gives one request. Narrow it:"
                 " fewer or longer words, an earlier page, a filter.";
    if (status >= 400 && status < 500) {
        title = "That request could not be answered";
        text = "Check the address and try again.";
    }
    for (size_t i = 0; i < LEN(errors); i++)
        if (errors[i].status == status) {
            title = errors[i].title;
            text = errors[i].text;
        }
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    resp->last_modified = 0;
    resp->max_age = status == 404 ? 60 : -1;
    resp->location[0] = '\0';
    buf_reset(b);
    render_page_begin(b, ctx, &(struct render_page){ .title = title });
    buf_printf(b, "<div class=\"error-page\">\n<p class=\"code\">%d</p>\n<h1>%s</h1>\n<p>",
               status, title);
    if (status == 400 && detail) {
        buf_puts(b, "Check the parameter ");
        render_text(b, detail);
        buf_puts(b, ".");
    } else {
        render_text(b, detail ? detail : text);
    }
    buf_puts(b, "</p>\n<p><a href=\"/\">Go to the latest events</a> or <a href=\"/search\">"
                "search</a>.</p>\n</div>\n");
    render_page_end(b, ctx);
}
