/*
 * page_guides.c - "/guides" and "/guides/SLUG": the guides in their kinds
 * (topics, labs, then threads), and one with its text, weekly chart,
 * milestones (a thread's) and timeline.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/milestones.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"

#define CHART_WEEKS 26

/* The kinds /guides lists apart, in its order (guides/README.md). */
static const struct {
    const char *kind, *id, *heading, *one, *many, *rule;
} kinds[] = {
    { "topic", "topics", "Topics", "topic", "topics",
      "The fields of AI news, each with every event that joined it." },
    { "lab", "labs", "Labs", "lab", "labs",
      "The companies behind the frontier models: their releases, research and deals." },
    { "thread", "threads", "Threads: storylines followed over time", "thread", "threads",
      "Each follows one story across companies and years, with a dated timeline of its "
      "milestones." },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct guide_list {
    struct buf cards[NKINDS];
    int nkind[NKINDS];
    time_t now;
    int n;
};

/* The index of a guide's kind in kinds[]; an unknown one is a topic. */
static size_t
kind_index(const char *kind)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kind && strcmp(kind, kinds[i].kind) == 0)
            return i;
    return 0;
}

static int
put_guide_card(const struct guide_info *g, void *arg)
{
    struct guide_list *gl = arg;
    size_t k = kind_index(g->kind);
    struct buf *b = &gl->cards[k];

    buf_puts(b, "<article class=\"card\">\n<h3><a href=\"/guides/");
    render_text(b, g->slug);
    buf_puts(b, "\">");
    render_text(b, g->title);
    buf_puts(b, "</a></h3>\n<p>");
    render_text(b, g->summary);
    buf_puts(b, "</p>\n<p class=\"stats\">");
    page_put_plural(b, g->events, "event", "events");
    if (g->newest > 0) {
        buf_puts(b, " · latest ");
        render_time(b, gl->now, g->newest);
    }
    buf_puts(b, "</p>\n</article>\n");
    gl->nkind[k]++;
    gl->n++;
    return 0;
}

static void
guide_list_fini(struct guide_list *gl)
{
    for (size_t i = 0; i < NKINDS; i++)
        buf_fini(&gl->cards[i]);
}

int
web_page_guides(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct store *st;
    struct guide_list gl = { .now = web_now(ctx) };

    (void)req;
    for (size_t i = 0; i < NKINDS; i++)
        gl.cards[i] = (struct buf)BUF_INIT(WEB_MAX_BODY);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
    if (store_list_guides(st, put_guide_card, &gl) != ALM_OK) {
        guide_list_fini(&gl);
        return page_fail(ctx, resp, 500, NULL);
    }
    render_page_begin(b, ctx, &(struct render_page){
        .title = "Guides",
        .nav = "guides",
        .description = "Curated guides to the main threads of AI news, with their events.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Guides</h1>\n<p class=\"sub\">");
    page_put_plural(b, gl.n, "curated guide", "curated guides");
    buf_puts(b, " to the fields, labs and storylines of AI news, each with its events");
    /* the sections, linked: the threads come last on a long page */
    for (size_t i = 0, said = 0; i < NKINDS; i++) {
        if (gl.nkind[i] == 0)
            continue;
        buf_printf(b, "%s<a href=\"#%s\">", said++ ? " · " : ": ", kinds[i].id);
        page_put_plural(b, gl.nkind[i], kinds[i].one, kinds[i].many);
        buf_puts(b, "</a>");
    }
    buf_puts(b, ".</p>\n</div>\n");
    if (gl.n == 0)
        buf_puts(b, "<div class=\"empty\"><p>No guides yet: run <code>almanac analyze</code>."
                    "</p></div>\n");
    for (size_t i = 0; i < NKINDS; i++) {
        if (gl.nkind[i] == 0)
            continue;
        buf_printf(b, "<section class=\"block guides-%s\" aria-labelledby=\"%s\">\n"
                      "<h2 id=\"%s\">%s <span class=\"count\">(%d)</span></h2>\n"
                      "<p class=\"rule\">%s</p>\n<div class=\"cards\">\n%s</div>\n</section>\n",
                   kinds[i].id, kinds[i].id, kinds[i].id, kinds[i].heading, gl.nkind[i],
                   kinds[i].rule, buf_cstr(&gl.cards[i]));
    }
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    guide_list_fini(&gl);
    return 0;
}

/* The markdown body in CommonMark's safe mode (no raw HTML, no javascript: links). */
static void
put_markdown(struct buf *b, const char *md)
{
    const int opts = CMARK_OPT_SAFE | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8;
    cmark_node *doc = cmark_parse_document(md, strlen(md), opts);
    cmark_node *first;
    char *html;

    if (doc == NULL)
        return;
    /* The page's h1 already is the guide's title. */
    first = cmark_node_first_child(doc);
    if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING &&
        cmark_node_get_heading_level(first) == 1) {
        cmark_node_unlink(first);
        cmark_node_free(first);
    }
    html = cmark_render_html(doc, opts);
    if (html) {
        buf_puts(b, html);
        cmark_get_default_mem_allocator()->free(html);
    }
    cmark_node_free(doc);
}

/*
 * The guide's milestones (milestones.h), grouped by year, oldest first:
 * each with its date, title, source, score and one line.
 */
static void
put_milestones(struct buf *b, const struct milestones *m)
{
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec" };
    int year = -1;

    buf_puts(b, "<section class=\"block milestones\" aria-labelledby=\"milestones\">\n"
                "<h2 id=\"milestones\">Milestones <span class=\"count\">(");
    page_put_count(b, (int64_t)m->n);
    buf_puts(b, ")</span></h2>\n<p class=\"rule\">The best-scored report of each story in "
                "this thread (score 6 or more, or 5 when few reach 6), at most one per story, "
                "oldest first. New events join at the next analysis.</p>\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct milestone *x = &m->v[i];
        struct tm tm;
        time_t t = x->published;

        gmtime_r(&t, &tm);
        if (tm.tm_year != year) {
            if (year != -1)
                buf_puts(b, "</ol>\n");
            year = tm.tm_year;
            buf_printf(b, "<h3 class=\"year\">%d</h3>\n<ol class=\"milestone-list\">\n",
                       tm.tm_year + 1900);
        }
        buf_printf(b, "<li class=\"milestone\"><p class=\"meta\"><time datetime=\""
                      "%04d-%02d-%02d\">%d %s %d</time><span class=\"dot\" aria-hidden=\"true\">"
                      "·</span>", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_mday,
                   mon[tm.tm_mon], tm.tm_year + 1900);
        render_score(b, x->score);
        buf_puts(b, "<a class=\"src\" href=\"/sources/");
        render_text(b, x->source_slug);
        buf_puts(b, "\">");
        render_text(b, x->source_name);
        buf_puts(b, "</a>");
        if (render_is_http(x->url)) {
            buf_puts(b, "<span class=\"dot d-out\" aria-hidden=\"true\">·</span>"
                        "<a class=\"out\" href=\"");
            render_text(b, x->url);
            buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">source ↗</a>");
        }
        buf_puts(b, "</p>\n<h4 class=\"title\"><a href=\"");
        render_event_path(b, x->id, x->title);
        buf_puts(b, "\">");
        render_text(b, x->title);
        buf_puts(b, "</a></h4>\n");
        if (*x->line) {
            buf_puts(b, "<p class=\"line\">");
            render_text(b, x->line);
            buf_puts(b, "</p>\n");
        }
        buf_puts(b, "</li>\n");
    }
    if (year != -1)
        buf_puts(b, "</ol>\n");
    if (m->n == 0)
        buf_puts(b, "<p class=\"none\">No milestone yet: none of this thread's events scores "
                    "5 or more.</p>\n");
    buf_puts(b, "</section>\n");
}

/* Timeline rows with a heading at each new month. */
struct timeline {
    struct buf *b;
    time_t now;
    int year, month, n;
};

static int
put_timeline_row(const struct event *e, void *arg)
{
    static const char *const months[] = { "January", "February", "March", "April", "May",
                                          "June", "July", "August", "September", "October",
                                          "November", "December" };
    struct timeline *tl = arg;
    struct tm tm;
    time_t t = e->item.published;

    gmtime_r(&t, &tm);
    if (tm.tm_year != tl->year || tm.tm_mon != tl->month) {
        tl->year = tm.tm_year;
        tl->month = tm.tm_mon;
        buf_printf(tl->b, "<h3 class=\"month\">%s %d</h3>\n", months[tm.tm_mon],
                   tm.tm_year + 1900);
    }
    render_event_row(tl->b, e, tl->now, &(struct render_row){ .heading = 4 });
    tl->n++;
    return 0;
}

int
web_page_guide(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    const char *slug = req->path + strlen("/guides/");
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct guide_info g;
    struct milestones ms = { 0 };
    struct store *st;
    time_t now = web_now(ctx), first;
    int64_t total = 0, pages;
    int counts[CHART_WEEKS], rc, thread;
    char path[96];
    char *fq;

    if (page_one_prologue(ctx, req, slug, &f, &st, resp) ||
        page_lookup_failed(ctx, resp, store_get_guide(st, slug, &g),
                      "There is no guide with this name."))
        return 0;
    /* The chart shows the whole guide; the reader's filters narrow the
     * timeline (and its pages keep them). The slug is the path's. */
    render_filter_query(&(struct web_filter){ .guide = g.slug, .period = "all" }, now, &q);
    first = render_chart_first(now, g.newest, CHART_WEEKS);
    /* Milestones are a thread's; a topic or lab guide has its timeline. */
    thread = strcmp(g.kind, "thread") == 0;
    if (store_events_per_week(st, &q, first, CHART_WEEKS, counts) != ALM_OK ||
        (thread && f.page == 1 && milestones_load(st, g.slug, &ms) != ALM_OK)) {
        guide_info_fini(&g);
        return page_fail(ctx, resp, 500, NULL);
    }
    f.guide = g.slug;
    render_filter_query(&f, now, &q);
    f.guide = NULL;
    if (store_count_matching(st, &q, &total) != ALM_OK) {
        milestones_fini(&ms);
        guide_info_fini(&g);
        return page_fail(ctx, resp, 500, NULL);
    }
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages) {
        milestones_fini(&ms);
        guide_info_fini(&g);
        return page_fail(ctx, resp, 404, "There is no such page of this guide's events.");
    }
    snprintf(path, sizeof(path), "/guides/%s", g.slug);
    fq = page_feed_qs(&(struct web_filter){ .guide = g.slug, .period = "all" });
    render_page_begin(b, ctx, &(struct render_page){
        .title = g.title, .nav = "guides", .feed_qs = fq, .description = g.summary,
    });
    buf_puts(b, "<a class=\"back\" href=\"/guides\">← Guides</a>\n"
                "<div class=\"page-head\">\n<h1>");
    render_text(b, g.title);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    buf_printf(b, "<a href=\"/guides#%s\">%s</a> · ", kinds[kind_index(g.kind)].id,
               thread ? "Thread" : kind_index(g.kind) == 1 ? "Lab" : "Topic");
    page_put_plural(b, total, "event", "events");
    if (g.newest > 0) {
        buf_puts(b, " · latest ");
        render_time(b, now, g.newest);
    }
    buf_puts(b, " · <a href=\"/feed.atom");
    render_text(b, fq);
    buf_puts(b, "\">Atom feed</a> · <a href=\"/?guide=");
    render_text(b, g.slug);
    buf_puts(b, "\">Filter events</a></p>\n</div>\n");
    if (f.page == 1) {
        buf_puts(b, "<p class=\"lead\">");
        render_text(b, g.summary);
        buf_puts(b, "</p>\n");
        /* a quiet guide's chart ends at its newest event, and says so */
        page_week_chart(b, "this guide's events",
                        first != render_chart_first(now, 0, CHART_WEEKS)
                            ? "Events per week, the 26 weeks to its newest event" : NULL,
                        first, counts, CHART_WEEKS);
        if (g.body && *g.body) {
            buf_puts(b, "<section class=\"prose\" aria-label=\"The guide\">\n");
            put_markdown(b, g.body);
            buf_puts(b, "</section>\n");
        }
        if (thread)
            put_milestones(b, &ms);
    }
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">"
                "Timeline <span class=\"count\">(");
    page_put_count(b, total);
    buf_puts(b, ")</span></h2>\n<div class=\"timeline\">\n");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
    struct timeline tl = { .b = b, .now = now, .year = -1, .month = -1 };
    rc = store_list_events(st, &q, put_timeline_row, &tl);
    buf_puts(b, "</div>\n");
    if (tl.n == 0)
        buf_puts(b, "<p class=\"none\">No event has joined this guide yet.</p>\n");
    buf_puts(b, "</section>\n");
    page_pager(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_GUIDE, page_last_analysis(st));
    free(fq);
    milestones_fini(&ms);
    guide_info_fini(&g);
    return rc == ALM_OK ? 0 : page_fail(ctx, resp, 500, NULL);
}
