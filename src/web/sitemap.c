/*
 * sitemap.c - "/sitemap.xml" (sitemap.h). Every value is escaped as the
 * pages escape text (&, <, >, quotes: valid XML); every URL is absolute.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "store/store_web.h"
#include "web/render.h"
#include "web/sitemap.h"

struct urls {
    struct buf *b;
    const struct web_ctx *ctx;
    int n;
};

/* <url><loc>base + path + tail</loc>[<lastmod>]</url>; 1 when full. */
static int
put_url(struct urls *u, const char *path, const char *tail, time_t lastmod)
{
    struct buf loc = BUF_INIT(4096);

    if (u->n >= SITEMAP_MAX_URLS)
        return 1;
    render_absolute(&loc, u->ctx, path);
    if (tail)
        buf_puts(&loc, tail);
    buf_puts(u->b, "<url><loc>");
    render_text(u->b, buf_cstr(&loc));
    buf_puts(u->b, "</loc>");
    if (lastmod > 0) {
        char iso[21];
        timefmt_rfc3339(lastmod, iso);
        buf_printf(u->b, "<lastmod>%s</lastmod>", iso);
    }
    buf_puts(u->b, "</url>\n");
    buf_fini(&loc);
    u->n++;
    return 0;
}

static int
guide_url(const struct guide_info *g, void *arg)
{
    return put_url(arg, "/guides/", g->slug, g->newest);
}

static int
source_url(const struct source_info *s, void *arg)
{
    return put_url(arg, "/sources/", s->slug, s->newest);
}

static int
entity_url(const struct entity_info *e, void *arg)
{
    return put_url(arg, "/entities/", e->slug, e->last);
}

static int
path_url(const struct path_info *p, void *arg)
{
    return put_url(arg, "/learn/", p->slug, 0);
}

static int
story_url(const struct story_row *s, void *arg)
{
    char id[32];

    snprintf(id, sizeof(id), "%lld", (long long)s->id);
    return put_url(arg, "/stories/", id, s->last_seen);
}

int
web_sitemap(const struct web_ctx *ctx, const struct web_request *req,
            struct web_response *resp)
{
    static const char *const lists[] = { "/", "/top", "/guides", "/entities", "/learn",
                                         "/sources" };
    struct buf *b = &resp->body;
    struct urls u = { .b = b, .ctx = ctx };
    struct store *st;
    time_t analyzed = 0;
    int rc;

    (void)req;
    if ((st = web_store(ctx)) == NULL) {
        resp->status = web_error_status(500);
        return 0;
    }
    store_last_change(st, &analyzed, NULL);
    buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (size_t i = 0; i < LEN(lists); i++)
        put_url(&u, lists[i], NULL, analyzed);
    rc = store_list_guides(st, guide_url, &u);
    if (rc == ALM_OK)
        rc = store_list_source_info(st, source_url, &u);
    if (rc == ALM_OK)
        rc = store_list_paths(st, path_url, &u);
    if (rc == ALM_OK)
        rc = store_list_entities(st, entity_url, &u);
    if (rc == ALM_OK && u.n < SITEMAP_MAX_URLS)
        rc = store_list_stories(st, 2, SITEMAP_MAX_URLS - u.n, story_url, &u);
    buf_puts(b, "</urlset>\n");
    if (rc != ALM_OK || buf_cut(b)) {
        buf_reset(b);
        resp->status = web_error_status(500);
        return 0;
    }
    resp->status = 200;
    resp->content_type = "application/xml; charset=utf-8";
    resp->max_age = 3600;
    resp->last_modified = analyzed;
    return 0;
}
