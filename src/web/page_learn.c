/*
 * page_learn.c - "/learn" and "/learn/SLUG": learning paths, ordered walks
 * through guides and entity pages (data/learning-paths.txt), each step
 * with why it comes there and its reading time (learn_view.h). Every step
 * is read before any markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_web.h"
#include "web/learn_view.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

static void
put_minutes(struct buf *b, int minutes)
{
    buf_printf(b, "~%d min", minutes);
}

/* ---- the list ---- */

int
web_page_learn(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct learn_paths ps = { 0 };
    struct store *st;
    int rc;

    (void)req;
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    rc = learn_gather_all(st, &ps);
    if (rc == ALM_OK) {
        render_page_begin(b, ctx, &(struct render_page){
            .title = "Learn", .nav = "learn",
            .description = "Learning paths: ordered walks through the guides and entity pages,"
                           " with a level and a reading time.",
        });
        buf_puts(b, "<div class=\"page-head\">\n<h1>Learn</h1>\n<p class=\"sub\">");
        page_put_plural(b, ps.n, "path", "paths");
        buf_puts(b, " through the guides and entity pages, in order, each step with why it"
                    " comes there.</p>\n</div>\n");
        if (ps.n == 0)
            buf_puts(b, "<div class=\"empty\"><p>No learning paths yet: run"
                        " <code>almanac analyze</code>.</p></div>\n");
        else
            buf_puts(b, "<div class=\"cards\">\n");
        for (int i = 0; i < ps.n; i++) {
            const struct path_view *v = &ps.v[i];
            buf_puts(b, "<article class=\"card\">\n<h2><a href=\"/learn/");
            render_text(b, v->p.slug);
            buf_puts(b, "\">");
            render_text(b, v->p.title);
            buf_puts(b, "</a></h2>\n<p>");
            render_text(b, v->p.summary);
            buf_puts(b, "</p>\n<p class=\"stats\">");
            render_text(b, v->p.level);
            buf_puts(b, " · ");
            page_put_plural(b, v->n, "step", "steps");
            buf_puts(b, " · ");
            put_minutes(b, v->minutes);
            buf_puts(b, "</p>\n</article>\n");
        }
        if (ps.n > 0)
            buf_puts(b, "</div>\n");
        render_page_end(b, ctx);
    }
    learn_paths_fini(&ps);
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    return 0;
}

/* ---- one path ---- */

int
web_page_learn_path(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp)
{
    const char *slug = req->path + strlen("/learn/");
    struct buf *b = &resp->body;
    struct path_view v = { 0 };
    struct path_info p;
    struct store *st;
    int rc;

    if (!render_valid_slug(slug))
        return page_fail(ctx, resp, 404, NULL);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    if (page_lookup_failed(ctx, resp, store_get_path(st, slug, &p),
                           "There is no learning path with this name."))
        return 0;
    rc = learn_path_gather(st, &p, &v);
    if (rc != ALM_OK) {
        learn_path_fini(&v);
        return page_fail(ctx, resp, 500, NULL);
    }
    render_page_begin(b, ctx, &(struct render_page){
        .title = v.p.title, .nav = "learn", .description = v.p.summary,
    });
    buf_puts(b, "<a class=\"back\" href=\"/learn\">← Learn</a>\n<div class=\"page-head\">\n"
                "<p class=\"kicker\">Learning path</p>\n<h1>");
    render_text(b, v.p.title);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    render_text(b, v.p.level);
    buf_puts(b, " · ");
    page_put_plural(b, v.n, "step", "steps");
    buf_puts(b, " · ");
    put_minutes(b, v.minutes);
    buf_puts(b, " of reading</p>\n</div>\n<p class=\"lead\">");
    render_text(b, v.p.summary);
    buf_puts(b, "</p>\n<ol class=\"path\">\n");
    for (int i = 0; i < v.n; i++) {
        const struct step *s = &v.steps[i];
        buf_puts(b, "<li><p class=\"meta\"><span class=\"kind\">");
        buf_puts(b, s->entity ? "entity" : "guide");
        if (s->kind) {
            buf_puts(b, " · ");
            render_text(b, s->kind);
        }
        buf_puts(b, "</span>");
        if (s->title) {
            buf_puts(b, " <span class=\"count\">");
            put_minutes(b, s->minutes);
            buf_puts(b, "</span>");
        }
        buf_puts(b, "</p>\n<h2>");
        if (s->title) {
            buf_puts(b, s->entity ? "<a href=\"/entities/" : "<a href=\"/guides/");
            render_text(b, s->slug);
            buf_puts(b, "\">");
            render_text(b, s->title);
            buf_puts(b, "</a>");
        } else {
            render_text(b, s->slug);
            buf_puts(b, " <span class=\"count\">(not available yet)</span>");
        }
        buf_puts(b, "</h2>\n<p>");
        render_text(b, s->why);
        buf_puts(b, "</p></li>\n");
    }
    buf_puts(b, "</ol>\n");
    render_page_end(b, ctx);
    learn_path_fini(&v);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    return 0;
}
