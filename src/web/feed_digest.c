/*
 * feed_digest.c - /digest.atom and /digest.json: the last complete days'
 * digests (?period=week: weeks'), one entry each, newest first, the
 * digest's list as the entry's HTML (present/digest.h). Periods without
 * events have no entry. Entry ids are the digests' pages, BASE/digest/NAME.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/timefmt.h"
#include "present/digest.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/feeds.h"
#include "web/render.h"

#define DIGEST_FEED_DAYS 14
#define DIGEST_FEED_WEEKS 8

static int
count_one(const struct event *e, void *arg)
{
    (void)e;
    (*(int *)arg)++;
    return 1;
}

struct digest_feed {
    int json, week;
    const char *why;
};

static int
read_params(const struct web_request *req, struct digest_feed *f)
{
    const char *v = web_param(req, "period");

    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].name, "period") != 0)
            return f->why = "unknown parameter: a digest feed takes period (day or week)",
                   ALM_EINVAL;
    f->week = v && strcmp(v, "week") == 0;
    if (v && *v && !f->week && strcmp(v, "day") != 0)
        return f->why = "period (day or week)", ALM_EINVAL;
    return ALM_OK;
}

static int
digest_feed(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp,
            int json)
{
    struct digest_feed f = { .json = json };
    struct digest_period p;
    struct store *st;
    struct buf *b = &resp->body, html = BUF_INIT((size_t)4 << 20), u = BUF_INIT(4096);
    struct buf base = BUF_INIT(4096), entries = BUF_INIT(WEB_MAX_BODY);
    time_t now = web_now(ctx), newest = 0;
    int n = 0, limit;
    char date[21], title[96];

    if (read_params(req, &f) != ALM_OK) {
        render_error_page(ctx, 400, f.why, resp);
        return 0;
    }
    if ((st = web_store(ctx)) == NULL) {
        render_error_page(ctx, 500, NULL, resp);
        return 0;
    }
    render_absolute(&base, ctx, "");
    if (base.len && base.data[base.len - 1] == '/')
        base.data[--base.len] = '\0';
    limit = f.week ? DIGEST_FEED_WEEKS : DIGEST_FEED_DAYS;
    digest_period_of(now, f.week, &p);
    digest_period_next(&p, -1, &p); /* the last complete one */
    if (json) {
        buf_puts(b, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":");
        buf_append_json(b, f.week ? "Almanac: weekly digest" : "Almanac: daily digest");
        render_absolute(&u, ctx, f.week ? "/digest.json?period=week" : "/digest.json");
        buf_puts(b, ",\"feed_url\":");
        buf_append_json(b, buf_cstr(&u));
        buf_reset(&u);
        render_absolute(&u, ctx, "/digest");
        buf_puts(b, ",\"home_page_url\":");
        buf_append_json(b, buf_cstr(&u));
        buf_puts(b, ",\"language\":\"en\",\"items\":[");
    }
    for (int i = 0; i < limit; i++, digest_period_next(&p, -1, &p)) {
        int any = 0;
        char path[48];
        if (digest_events(st, &p, count_one, &any) != ALM_OK) {
            goto fail;
        }
        if (!any)
            continue;
        buf_reset(&html);
        if (digest_write(st, &p, buf_cstr(&base), 2, &html) != ALM_OK) {
            goto fail;
        }
        snprintf(path, sizeof(path), "/digest/%s", p.name);
        buf_reset(&u);
        render_absolute(&u, ctx, path);
        digest_period_title(&p, title, sizeof(title));
        /* an entry is dated at its period's end: when it was complete */
        timefmt_rfc3339(p.end, date);
        if (p.end > newest)
            newest = p.end;
        if (json) {
            buf_puts(&entries, n ? ",\n{" : "\n{");
            buf_puts(&entries, "\"id\":");
            buf_append_json(&entries, buf_cstr(&u));
            buf_puts(&entries, ",\"url\":");
            buf_append_json(&entries, buf_cstr(&u));
            buf_puts(&entries, ",\"title\":");
            {
                char t[128];
                snprintf(t, sizeof(t), "Digest: %s", title);
                buf_append_json(&entries, t);
            }
            buf_puts(&entries, ",\"content_html\":");
            buf_append_json(&entries, buf_cstr(&html));
            buf_puts(&entries, ",\"date_published\":");
            buf_append_json(&entries, date);
            buf_puts(&entries, ",\"tags\":[\"digest\"]}");
        } else {
            buf_puts(&entries, "<entry>\n<id>");
            feeds_append_xml(&entries, u.data, u.len);
            buf_puts(&entries, "</id>\n<title type=\"text\">Digest: ");
            feeds_append_xml(&entries, title, strlen(title));
            buf_puts(&entries, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
            feeds_append_xml(&entries, u.data, u.len);
            buf_printf(&entries, "\"/>\n<published>%s</published>\n<updated>%s</updated>\n"
                                 "<category term=\"digest\"/>\n<content type=\"html\">",
                       date, date);
            feeds_append_xml(&entries, html.data, html.len);
            buf_puts(&entries, "</content>\n</entry>\n");
        }
        n++;
    }
    if (json) {
        buf_append(b, buf_cstr(&entries), entries.len);
        buf_puts(b, "]}\n");
        resp->content_type = "application/feed+json; charset=utf-8";
    } else {
        timefmt_rfc3339(newest ? newest : now, date);
        buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n<title>");
        buf_puts(b, f.week ? "Almanac: weekly digest" : "Almanac: daily digest");
        buf_puts(b, "</title>\n<id>");
        buf_reset(&u);
        render_absolute(&u, ctx, f.week ? "/digest.atom?period=week" : "/digest.atom");
        feeds_append_xml(b, u.data, u.len);
        buf_puts(b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
        feeds_append_xml(b, u.data, u.len);
        buf_printf(b, "\"/>\n<updated>%s</updated>\n<author><name>Almanac</name></author>\n",
                   date);
        buf_append(b, buf_cstr(&entries), entries.len);
        buf_puts(b, "</feed>\n");
        resp->content_type = "application/atom+xml; charset=utf-8";
    }
    resp->status = 200;
    resp->max_age = 300;
    store_last_change(st, &resp->last_modified, NULL);
    buf_fini(&html);
    buf_fini(&u);
    buf_fini(&base);
    buf_fini(&entries);
    return 0;
fail:
    buf_fini(&html);
    buf_fini(&u);
    buf_fini(&base);
    buf_fini(&entries);
    buf_reset(b);
    render_error_page(ctx, 500, NULL, resp);
    return 0;
}

int
web_feed_digest_atom(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp)
{
    return digest_feed(ctx, req, resp, 0);
}

int
web_feed_digest_json(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp)
{
    return digest_feed(ctx, req, resp, 1);
}
