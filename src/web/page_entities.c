/*
 * page_entities.c - "/entities" and "/entities/SLUG": the dictionary's
 * entities that have events, and one entity's page: what it is, its model
 * family, its weekly activity, the entities and guides it goes with, and
 * its timeline of events (paged, with the pages' filters).
 *
 * Everything a page shows is read into a struct entity_page before any
 * markup is written (entity_gather), then written (entity_markup).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_web.h"
#include "web/entity_view.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

/* ---- the index ---- */

struct entity_list {
    struct buf *b;
    const char *kind;         /* shown only this kind, or NULL */
    int n, shown;
};

static int
put_entity_item(const struct entity_info *e, void *arg)
{
    struct entity_list *l = arg;

    l->n++;
    if (l->kind && strcmp(l->kind, e->kind) != 0)
        return 0;
    l->shown++;
    buf_puts(l->b, "<li><a href=\"/entities/");
    render_text(l->b, e->slug);
    buf_puts(l->b, "\">");
    render_text(l->b, e->name);
    buf_puts(l->b, "<span class=\"kind\">");
    render_text(l->b, e->kind);
    buf_puts(l->b, "</span></a> <span class=\"count\">");
    page_put_count(l->b, e->events);
    buf_puts(l->b, "</span></li>\n");
    return 0;
}

int
web_page_entities(const struct web_ctx *ctx, const struct web_request *req,
                  struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct store *st;
    struct buf items = BUF_INIT(WEB_MAX_BODY);
    const char *kind = web_param(req, "kind");
    struct entity_list l = { .b = &items };

    if (kind && *kind == '\0')
        kind = NULL;
    if (kind && !entity_view_known_kind(kind))
        return buf_fini(&items), page_fail(ctx, resp, 400, "Unknown entity kind.");
    l.kind = kind;
    if ((st = web_store(ctx)) == NULL)
        return buf_fini(&items), page_fail(ctx, resp, 500, NULL);
    if (store_list_entities(st, put_entity_item, &l) != ALM_OK || buf_cut(&items)) {
        buf_fini(&items);
        return page_fail(ctx, resp, 500, NULL);
    }
    render_page_begin(b, ctx, &(struct render_page){
        .title = "Entities",
        .nav = "entities",
        .description = "The labs, models, products, people, governments and laws of AI news,"
                       " each with its events.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Entities</h1>\n<p class=\"sub\">");
    page_put_plural(b, l.n, "entity", "entities");
    buf_puts(b, " of the dictionary named in events, the most named first.</p>\n</div>\n"
                "<nav class=\"kinds\" aria-label=\"Kinds\"><ul class=\"chips\">");
    buf_printf(b, "<li><a href=\"/entities\"%s>all</a></li>", kind ? "" : " aria-current=\"page\"");
    for (size_t i = 0; i < entity_view_nkinds; i++) {
        const char *k = entity_view_kinds[i].kind;
        buf_printf(b, "<li><a href=\"/entities?kind=%s\"%s>%s</a></li>", k,
                   kind && strcmp(kind, k) == 0 ? " aria-current=\"page\"" : "",
                   entity_view_kinds[i].plural);
    }
    buf_puts(b, "</ul></nav>\n");
    if (l.shown == 0)
        buf_puts(b, "<div class=\"empty\"><p>No entity has events yet: run"
                    " <code>almanac analyze</code>.</p></div>\n");
    else
        buf_printf(b, "<ul class=\"entity-index\">\n%s</ul>\n", buf_cstr(&items));
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    buf_fini(&items);
    return 0;
}

/* ---- one entity ---- */

static void
put_entity_link(struct buf *b, const char *slug, const char *name)
{
    if (slug) {
        buf_puts(b, "<a href=\"/entities/");
        render_text(b, slug);
        buf_puts(b, "\">");
        render_text(b, name);
        buf_puts(b, "</a>");
    } else {
        render_text(b, name);
    }
}

static void
entity_markup(struct buf *b, const struct web_ctx *ctx, const struct entity_page *p,
              const struct web_filter *f, time_t now)
{
    const struct entity_info *e = &p->e;
    struct buf desc = BUF_INIT(8192);
    char path[96];

    entity_view_describe(&desc, p);
    render_page_begin(b, ctx, &(struct render_page){
        .title = e->name,
        .nav = "entities",
        .description = buf_cstr(&desc),
    });
    buf_puts(b, "<a class=\"back\" href=\"/entities\">← Entities</a>\n"
                "<div class=\"page-head\">\n<h1>");
    render_text(b, e->name);
    buf_puts(b, " <span class=\"kind\">");
    render_text(b, e->kind);
    buf_puts(b, "</span></h1>\n<p class=\"sub\">");
    page_put_plural(b, e->events, "event", "events");
    if (e->last > 0) {
        buf_puts(b, " · latest ");
        render_time(b, now, e->last);
    }
    buf_puts(b, " · <a href=\"/search?q=");
    {
        struct buf u = BUF_INIT(1024);
        render_urlencode(&u, e->name);
        render_text(b, buf_cstr(&u));
        buf_fini(&u);
    }
    buf_puts(b, "\">Search its name</a></p>\n</div>\n");

    if (f->page == 1) {
        buf_puts(b, "<section class=\"about\" aria-labelledby=\"what\">\n"
                    "<h2 id=\"what\" class=\"vh\">What it is</h2>\n");
        if (e->description && *e->description) {
            buf_puts(b, "<p class=\"lead\">");
            render_text(b, e->description);
            buf_puts(b, "</p>\n");
        }
        buf_puts(b, "<p class=\"what\">");
        render_text(b, buf_cstr(&desc));
        buf_puts(b, "</p>\n</section>\n");

        if (p->nfamily > 0 && p->family_name) {
            buf_puts(b, "<section class=\"block\" aria-labelledby=\"family\">\n"
                        "<h2 id=\"family\">The ");
            render_text(b, p->family_name);
            buf_puts(b, " family <span class=\"count\">(in order of release; the"
                        " month of its first event here)</span></h2>\n");
            if (p->self_index >= 0 && p->nfamily > 1) {
                buf_puts(b, "<p class=\"lineage\">");
                if (p->self_index > 0) {
                    buf_puts(b, "← after ");
                    put_entity_link(b, p->family[p->self_index - 1].slug,
                                    p->family[p->self_index - 1].name);
                }
                if (p->self_index >= 0 && p->self_index + 1 < p->nfamily) {
                    buf_puts(b, p->self_index > 0 ? " · before " : "before ");
                    put_entity_link(b, p->family[p->self_index + 1].slug,
                                    p->family[p->self_index + 1].name);
                    buf_puts(b, " →");
                }
                buf_puts(b, "</p>\n");
            }
            buf_puts(b, "<ol class=\"family\">");
            for (int i = 0; i < p->nfamily; i++) {
                char d[24];
                render_utc(p->family[i].first, d);
                buf_printf(b, "<li%s>", i == p->self_index ? " aria-current=\"true\"" : "");
                if (i == p->self_index)
                    render_text(b, p->family[i].name);
                else
                    put_entity_link(b, p->family[i].slug, p->family[i].name);
                buf_printf(b, " <span class=\"count\">%.7s</span></li>", d);
            }
            buf_puts(b, "</ol>\n</section>\n");
        }

        page_week_chart(b, "this entity's events", p->chart_caption, p->first_week, p->counts,
                        ENTITY_CHART_WEEKS);

        buf_puts(b, "<section class=\"block\" aria-labelledby=\"with\">\n"
                    "<h2 id=\"with\">Named with");
        if (e->events > ENTITY_RECENT)
            buf_printf(b, " <span class=\"count\">(in its newest %s events)</span>",
                       ENTITY_RECENT_TEXT);
        buf_puts(b, "</h2>\n");
        if (p->nnb > 0) {
            buf_puts(b, "<ul class=\"chips\">");
            for (int i = 0; i < p->nnb; i++) {
                buf_puts(b, "<li>");
                if (p->nb[i].slug) {
                    buf_puts(b, "<a href=\"/entities/");
                    render_text(b, p->nb[i].slug);
                    buf_puts(b, "\">");
                }
                render_text(b, p->nb[i].name);
                buf_puts(b, "<span class=\"kind\">");
                render_text(b, p->nb[i].kind);
                buf_puts(b, "</span> <span class=\"count\">");
                page_put_count(b, p->nb[i].n);
                buf_puts(b, "</span>");
                buf_puts(b, p->nb[i].slug ? "</a></li>" : "</li>");
            }
            buf_puts(b, "</ul>\n");
        } else {
            buf_puts(b, "<p class=\"none\">No other entity is named in its events.</p>\n");
        }
        buf_puts(b, "</section>\n<section class=\"block\" aria-labelledby=\"guides\">\n"
                    "<h2 id=\"guides\">Its guides");
        if (e->events > ENTITY_RECENT)
            buf_printf(b, " <span class=\"count\">(in its newest %s events)</span>",
                       ENTITY_RECENT_TEXT);
        buf_puts(b, "</h2>\n");
        if (p->ngd > 0) {
            buf_puts(b, "<ul class=\"chips\">");
            for (int i = 0; i < p->ngd; i++) {
                buf_puts(b, "<li><a href=\"/guides/");
                render_text(b, p->gd[i].slug);
                buf_puts(b, "\">");
                render_text(b, p->gd[i].title);
                buf_puts(b, " <span class=\"count\">");
                page_put_count(b, p->gd[i].n);
                buf_puts(b, "</span></a></li>");
            }
            buf_puts(b, "</ul>\n");
        } else {
            buf_puts(b, "<p class=\"none\">Its events join no guide.</p>\n");
        }
        buf_puts(b, "</section>\n");
    }

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">"
                "Timeline <span class=\"count\">(");
    page_put_count(b, p->total);
    buf_puts(b, ")</span></h2>\n");
    if (p->rows.len > 0)
        buf_append(b, buf_cstr(&p->rows), p->rows.len);
    else
        buf_puts(b, "<p class=\"none\">No event matches these filters.</p>\n");
    buf_puts(b, "</section>\n");
    snprintf(path, sizeof(path), "/entities/%s", e->slug);
    page_pager(b, path, f, NULL, p->pages);
    render_page_end(b, ctx);
    buf_fini(&desc);
}

int
web_page_entity(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    const char *slug = req->path + strlen("/entities/");
    struct entity_page *p;
    struct web_filter f;
    struct store *st;
    time_t now = web_now(ctx);
    int rc, past = 0;

    if (page_one_prologue(ctx, req, slug, &f, &st, resp))
        return 0;
    p = xcalloc(1, sizeof(*p));
    struct page_rows rows = { .b = &p->rows, .now = now, .opts = { .heading = 3 } };
    rc = entity_gather(st, slug, &f, now, RENDER_PAGE_SIZE, page_put_row, &rows, p);
    past = rc == ALM_OK && f.page > 1 && f.page > p->pages;
    if (rc == ALM_OK && buf_cut(&p->rows))
        rc = ALM_ETOOBIG;
    if (rc == ALM_OK && !past)
        entity_markup(&resp->body, ctx, p, &f, now);
    entity_page_free(p);
    if (rc == ALM_ENOTFOUND)
        return page_fail(ctx, resp, 404, "There is no entity with this name.");
    if (past)
        return page_fail(ctx, resp, 404, "There is no such page of this entity's events.");
    if (rc != ALM_OK)
        return page_fail(ctx, resp, 500, NULL);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    return 0;
}
