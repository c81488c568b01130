/*
 * feeds.c - Atom 1.0 and JSON Feed 1.1 of the newest events.
 *
 * Entry ids are the events' URLs here without the slug (BASE/events/ID),
 * stable when a title changes. An entry's alternate link is its event
 * page; the original article is a "related" link (Atom) or external_url
 * (JSON Feed), and is linked from the summary. The summary is HTML made
 * with render_text(), then escaped again as XML text (type="html"); it
 * lists the story's other coverage. Titles start with the score ("[8] ")
 * unless ?scores=0 or the configuration's feed_scores = no; the kind and
 * the guides are categories (Atom) and tags (JSON Feed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "present/json.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/feeds.h"
#include "web/render.h"

#define MAX_AGE_FEED 60

/* ---- XML text ---- */

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n, unsigned long *cp)
{
    size_t len;
    unsigned long c, min;

    if (p[0] < 0xC2 || p[0] > 0xF4)
        return 0;
    len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    if (len > n)
        return 0;
    c = p[0] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

void
feeds_append_xml(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;

    while (i < n) {
        const char *rep = NULL;
        size_t skip = 1;
        unsigned long cp;

        if (p[i] < 0x80) {
            switch (p[i]) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&apos;"; break;
            case '\t': case '\n': case '\r': i++; continue;
            default:
                if (p[i] >= 0x20) {
                    i++;
                    continue;
                }
                rep = "";         /* a control character XML 1.0 cannot carry */
            }
        } else {
            size_t len = utf8_len(p + i, n - i, &cp);
            if (len > 0 && cp != 0xFFFE && cp != 0xFFFF) {
                i += len;
                continue;
            }
            rep = "";
            skip = len > 0 ? len : 1;
        }
        buf_append(b, s + run, i - run);
        buf_puts(b, rep);
        i += skip;
        run = i;
    }
    buf_append(b, s + run, n - run);
}

static void
xml(struct buf *b, const char *s)
{
    if (s)
        feeds_append_xml(b, s, strlen(s));
}

/* ---- shared ---- */

struct feed_ctx {
    const struct web_ctx *ctx;
    struct buf *b;
    struct web_filter f;
    char *qs;                 /* the filters as a query string, "" or "?min=7..." */
    char *self_qs;            /* the same with ?scores=, for the feed's own URL */
    struct store *st;         /* for each entry's story */
    time_t newest;
    int n;
    int scores;               /* "[8] " before each title */
};

/* ?scores=0|1, else the configuration's feed_scores (default yes). */
static int
read_scores(const struct web_ctx *ctx, const struct web_request *req, int *out, const char **why)
{
    const char *v = web_param(req, "scores");

    *out = ctx->cfg ? ctx->cfg->feed_scores : 1;
    if (v == NULL || *v == '\0')
        return ALM_OK;
    if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
        return *why = "scores (0 or 1)", ALM_EINVAL;
    *out = *v == '1';
    return ALM_OK;
}

static int
feed_open(const struct web_ctx *ctx, const struct web_request *req, struct feed_ctx *fc,
          struct event_query *q, const char **why)
{
    struct buf u = BUF_INIT(4096);

    memset(fc, 0, sizeof(*fc));
    if (render_filter_read(req, "all", &fc->f, why) != ALM_OK ||
        read_scores(ctx, req, &fc->scores, why) != ALM_OK)
        return ALM_EINVAL;
    fc->f.page = 1;
    fc->ctx = ctx;
    render_filter_href(&u, "", &fc->f, NULL, NULL);
    buf_putc(&u, '\0');
    u.len--;
    fc->qs = buf_take(&u);
    /* the feed's own URL keeps ?scores= too; the site's pages have no such thing */
    u = (struct buf)BUF_INIT(4096);
    buf_puts(&u, fc->qs);
    {
        const char *v = web_param(req, "scores");
        if (v && *v)
            buf_printf(&u, "%cscores=%s", u.len ? '&' : '?', v);
    }
    buf_putc(&u, '\0');
    u.len--;
    fc->self_qs = buf_take(&u);
    render_filter_query(&fc->f, web_now(ctx), q);
    q->limit = FEED_ITEMS;
    return ALM_OK;
}

/* "Almanac" or "Almanac: score 7+ · guide x" */
static void
feed_title(struct buf *b, const struct web_filter *f)
{
    struct buf d = BUF_INIT(1024);

    render_filter_describe(&d, f);
    buf_puts(b, "Almanac");
    if (d.len) {
        buf_puts(b, ": ");
        buf_puts(b, buf_cstr(&d));
    }
    buf_fini(&d);
}

/* The entry's title: "[8] Title" when scores are on. */
static void
entry_title(struct buf *b, const struct feed_ctx *fc, const struct event *e)
{
    if (fc->scores)
        buf_printf(b, "[%d] ", e->score);
    buf_puts(b, e->item.title && *e->item.title ? e->item.title : "(untitled)");
}

#define COVERAGE_MAX 8            /* other reports of the story listed in an entry */

struct coverage {
    const struct feed_ctx *fc;
    struct buf *h;
    int64_t self;
    int n;
};

static int
coverage_row(const struct event *e, void *arg)
{
    struct coverage *c = arg;
    struct buf u = BUF_INIT(4096);

    if (e->item.id == c->self)
        return 0;
    if (c->n++ >= COVERAGE_MAX)
        return 1;
    if (c->n == 1)
        buf_puts(c->h, "<p>Also in this story:</p><ul>");
    render_absolute(&u, c->fc->ctx, "");
    render_event_path(&u, e->item.id, e->item.title);
    buf_puts(c->h, "<li><a href=\"");
    render_text(c->h, buf_cstr(&u));
    buf_puts(c->h, "\">");
    render_text(c->h, e->item.title && *e->item.title ? e->item.title : "(untitled)");
    buf_puts(c->h, "</a> · ");
    render_source_label(c->h, &e->item);
    buf_printf(c->h, " · score %d</li>", e->score);
    buf_fini(&u);
    return 0;
}

/* The entry's HTML summary: the event's summary, then score, source and
 * link, then the story's other coverage (newest first, at most
 * COVERAGE_MAX), each linked to its event page. */
static void
summary_html(struct buf *h, const struct feed_ctx *fc, const struct event *e)
{
    buf_puts(h, "<p>");
    render_text(h, e->summary);
    buf_printf(h, "</p><p>Score %d · ", e->score);
    render_source_label(h, &e->item);
    if (render_is_http(e->item.url)) {
        buf_puts(h, " · <a href=\"");
        render_text(h, e->item.url);
        buf_puts(h, "\">source ↗</a>");
    }
    buf_puts(h, "</p>");
    if (fc->st && e->story_id > 0) {
        struct event_query q = { .story = e->story_id, .limit = COVERAGE_MAX + 2 };
        struct coverage c = { fc, h, e->item.id, 0 };
        /* a failed story query leaves the entry without its coverage */
        store_list_events(fc->st, &q, coverage_row, &c);
        if (c.n > 0)
            buf_puts(h, "</ul>");
    }
}

static void
page_urls(struct feed_ctx *fc, const struct event *e, struct buf *id, struct buf *page)
{
    char path[64];

    snprintf(path, sizeof(path), "/events/%lld", (long long)e->item.id);
    render_absolute(id, fc->ctx, path);
    render_absolute(page, fc->ctx, "");
    render_event_path(page, e->item.id, e->item.title);
}

/* The author line: "Source (Author)" as text. */
static void
author_text(struct buf *b, const struct item *it)
{
    buf_puts(b, it->source_name ? it->source_name : it->source_slug);
    if (render_author_differs(it->source_name, it->source_author))
        buf_printf(b, " (%s)", it->source_author);
}

/* ---- Atom ---- */

struct category {
    struct buf *b;
    const struct web_ctx *ctx;
};

static void
atom_category(const char *slug, size_t len, void *arg)
{
    struct category *c = arg;

    buf_puts(c->b, "<category term=\"");
    feeds_append_xml(c->b, slug, len);
    buf_puts(c->b, "\" scheme=\"");
    {
        struct buf u = BUF_INIT(1024);
        render_absolute(&u, c->ctx, "/guides/");
        xml(c->b, buf_cstr(&u));
        buf_fini(&u);
    }
    buf_puts(c->b, "\"/>\n");
}

static int
atom_entry(const struct event *e, void *arg)
{
    struct feed_ctx *fc = arg;
    struct buf *b = fc->b;
    struct buf id = BUF_INIT(4096), page = BUF_INIT(4096), h = BUF_INIT((size_t)1 << 20);
    struct buf who = BUF_INIT(4096);
    struct buf t = BUF_INIT(1 << 20);
    struct category cat = { b, fc->ctx };
    char date[21];

    page_urls(fc, e, &id, &page);
    timefmt_rfc3339(e->item.published, date);
    buf_puts(b, "<entry>\n<id>");
    xml(b, buf_cstr(&id));
    buf_puts(b, "</id>\n<title type=\"text\">");
    entry_title(&t, fc, e);
    xml(b, buf_cstr(&t));
    buf_puts(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml(b, buf_cstr(&page));
    buf_puts(b, "\"/>\n");
    if (render_is_http(e->item.url)) {
        buf_puts(b, "<link rel=\"related\" type=\"text/html\" href=\"");
        xml(b, e->item.url);
        buf_puts(b, "\"/>\n");
    }
    buf_printf(b, "<published>%s</published>\n<updated>%s</updated>\n", date, date);
    author_text(&who, &e->item);
    buf_puts(b, "<author><name>");
    xml(b, buf_cstr(&who));
    buf_puts(b, "</name></author>\n<category term=\"");
    xml(b, e->kind);
    buf_puts(b, "\" scheme=\"");
    {
        struct buf u = BUF_INIT(1024);
        render_absolute(&u, fc->ctx, "/?kind=");
        xml(b, buf_cstr(&u));
        buf_fini(&u);
    }
    buf_puts(b, "\"/>\n");
    render_each_slug(&e->guides, atom_category, &cat);
    summary_html(&h, fc, e);
    buf_puts(b, "<summary type=\"html\">");
    xml(b, buf_cstr(&h));
    buf_puts(b, "</summary>\n</entry>\n");
    if (e->item.published > fc->newest)
        fc->newest = e->item.published;
    fc->n++;
    buf_fini(&id);
    buf_fini(&page);
    buf_fini(&h);
    buf_fini(&who);
    buf_fini(&t);
    return 0;
}

int
web_feed_atom(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    struct feed_ctx fc;
    struct event_query q;
    struct store *st;
    struct buf entries = BUF_INIT(WEB_MAX_BODY), u = BUF_INIT(8192), t = BUF_INIT(4096);
    struct buf *b = &resp->body;
    const char *why;
    time_t analyzed = 0, updated;
    char date[21];
    int rc;

    if (feed_open(ctx, req, &fc, &q, &why) != ALM_OK) {
        render_error_page(ctx, 400, why, resp);
        return 0;
    }
    if ((st = web_store(ctx)) == NULL) {
        free(fc.qs);
        free(fc.self_qs);
        render_error_page(ctx, 500, NULL, resp);
        return 0;
    }
    fc.b = &entries;
    fc.st = st;
    rc = store_list_events(st, &q, atom_entry, &fc);
    store_last_change(st, &analyzed, NULL);
    if (rc != ALM_OK) {
        free(fc.qs);
        free(fc.self_qs);
        buf_fini(&entries);
        render_error_page(ctx, 500, NULL, resp);
        return 0;
    }
    /* <updated> must be a date: the newest entry, else the last analysis, else now. */
    updated = fc.newest ? fc.newest : analyzed ? analyzed : web_now(ctx);
    timefmt_rfc3339(updated, date);
    buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n<title>");
    feed_title(&t, &fc.f);
    xml(b, buf_cstr(&t));
    buf_puts(b, "</title>\n<subtitle>What happens in AI: events from labs, newsletters, press,"
                " papers and policy, scored and linked.</subtitle>\n<id>");
    buf_puts(&u, "/feed.atom");
    buf_puts(&u, fc.self_qs);
    {
        struct buf abs = BUF_INIT(8192);
        render_absolute(&abs, ctx, buf_cstr(&u));
        xml(b, buf_cstr(&abs));
        buf_puts(b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
        xml(b, buf_cstr(&abs));
        buf_fini(&abs);
    }
    buf_puts(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    buf_reset(&u);
    render_absolute(&u, ctx, "/");
    buf_puts(&u, fc.qs);
    xml(b, buf_cstr(&u));
    buf_printf(b, "\"/>\n<updated>%s</updated>\n<author><name>Almanac</name></author>\n"
                  "<generator>Almanac</generator>\n", date);
    buf_append(b, buf_cstr(&entries), entries.len);
    buf_puts(b, "</feed>\n");
    resp->status = 200;
    resp->content_type = "application/atom+xml; charset=utf-8";
    resp->max_age = MAX_AGE_FEED;
    resp->last_modified = analyzed;
    free(fc.qs);
    free(fc.self_qs);
    buf_fini(&entries);
    buf_fini(&u);
    buf_fini(&t);
    return 0;
}

/* ---- JSON Feed ---- */

static int
json_item(const struct event *e, void *arg)
{
    struct feed_ctx *fc = arg;
    struct buf *b = fc->b;
    struct buf id = BUF_INIT(4096), page = BUF_INIT(4096), h = BUF_INIT((size_t)1 << 20);
    struct buf who = BUF_INIT(4096), t = BUF_INIT(1 << 20);
    char date[21];

    page_urls(fc, e, &id, &page);
    timefmt_rfc3339(e->item.published, date);
    if (fc->n++)
        buf_putc(b, ',');
    buf_puts(b, "\n{\"id\":");
    buf_append_json(b, buf_cstr(&id));
    buf_puts(b, ",\"url\":");
    buf_append_json(b, buf_cstr(&page));
    if (render_is_http(e->item.url)) {
        buf_puts(b, ",\"external_url\":");
        buf_append_json(b, e->item.url);
    }
    buf_puts(b, ",\"title\":");
    entry_title(&t, fc, e);
    buf_append_json(b, buf_cstr(&t));
    buf_puts(b, ",\"summary\":");
    buf_append_json(b, e->summary);
    summary_html(&h, fc, e);
    buf_puts(b, ",\"content_html\":");
    buf_append_json(b, buf_cstr(&h));
    buf_puts(b, ",\"date_published\":");
    buf_append_json(b, date);
    author_text(&who, &e->item);
    buf_puts(b, ",\"authors\":[{\"name\":");
    buf_append_json(b, buf_cstr(&who));
    buf_puts(b, "}],\"tags\":[");
    buf_append_json(b, e->kind);
    json_slugs(b, &e->guides, 1);
    buf_printf(b, "],\"_almanac\":{\"score\":%d,\"tier\":%d,\"story\":%lld,\"source\":",
               e->score, e->item.tier, (long long)e->story_id);
    buf_append_json(b, e->item.source_slug);
    buf_puts(b, "}}");
    buf_fini(&id);
    buf_fini(&page);
    buf_fini(&h);
    buf_fini(&who);
    buf_fini(&t);
    return 0;
}

int
web_feed_json(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    struct feed_ctx fc;
    struct event_query q;
    struct store *st;
    struct buf *b = &resp->body, u = BUF_INIT(8192), t = BUF_INIT(4096);
    const char *why;
    time_t analyzed = 0;
    int rc;

    if (feed_open(ctx, req, &fc, &q, &why) != ALM_OK) {
        render_error_page(ctx, 400, why, resp);
        return 0;
    }
    if ((st = web_store(ctx)) == NULL) {
        free(fc.qs);
        free(fc.self_qs);
        render_error_page(ctx, 500, NULL, resp);
        return 0;
    }
    feed_title(&t, &fc.f);
    buf_puts(b, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":");
    buf_append_json(b, buf_cstr(&t));
    render_absolute(&u, ctx, "/");
    buf_puts(&u, fc.qs);
    buf_puts(b, ",\"home_page_url\":");
    buf_append_json(b, buf_cstr(&u));
    buf_reset(&u);
    render_absolute(&u, ctx, "/feed.json");
    buf_puts(&u, fc.self_qs);
    buf_puts(b, ",\"feed_url\":");
    buf_append_json(b, buf_cstr(&u));
    buf_puts(b, ",\"description\":\"What happens in AI: events from labs, newsletters, press,"
                " papers and policy, scored and linked.\",\"language\":\"en\","
                "\"authors\":[{\"name\":\"Almanac\"}],\"items\":[");
    fc.b = b;
    fc.st = st;
    rc = store_list_events(st, &q, json_item, &fc);
    buf_puts(b, "]}\n");
    store_last_change(st, &analyzed, NULL);
    free(fc.qs);
    free(fc.self_qs);
    buf_fini(&u);
    buf_fini(&t);
    if (rc != ALM_OK) {
        render_error_page(ctx, 500, NULL, resp);
        return 0;
    }
    resp->status = 200;
    resp->content_type = "application/feed+json; charset=utf-8";
    resp->max_age = MAX_AGE_FEED;
    resp->last_modified = analyzed;
    return 0;
}
