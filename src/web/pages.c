/*
 * pages.c - the HTML pages: events (newest and top), an event, guides,
 * sources and search.
 *
 * Pages are plain server-rendered HTML5 with one style sheet and no
 * script. Every string from the store goes through render_text() (or
 * render_marked() for search highlights); links to other sites are made
 * only for http(s) URLs and carry rel="noopener noreferrer nofollow".
 */
#include <cjson/cJSON.h>
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "base/timefmt.h"
#include "store/store.h"
#include "web/http.h"
#include "web/pages.h"
#include "web/render.h"

#define MAX_AGE_LIST 60
#define MAX_AGE_EVENT 300
#define MAX_AGE_GUIDE 3600
#define SEARCH_MAX 200            /* characters (code points) of query text */
#define SEARCH_MAX_WORDS 32
#define SEARCH_MIN_PREFIX 3       /* characters before a '*' */
#define SEARCH_MAX_PREFIXES 3     /* prefix words in one query */
#define CHART_WEEKS 26
#define STORY_MAX 50

static const char *const html_type = "text/html; charset=utf-8";

/* ---- small helpers ---- */

static int
fail(const struct web_ctx *ctx, struct web_response *resp, int status, const char *detail)
{
    render_error_page(ctx, status, detail, resp);
    return 0;
}

/*
 * What the guide and source pages check first: the filters, a valid slug,
 * the store. Returns 1 when an error page was answered, else 0 with *f and
 * *st set.
 */
static int
one_prologue(const struct web_ctx *ctx, const struct web_request *req, const char *slug,
             struct web_filter *f, struct store **st, struct web_response *resp)
{
    const char *why;

    if (render_filter_read(req, "all", f, &why) != ALM_OK)
        return fail(ctx, resp, 400, why), 1;
    if (!render_valid_slug(slug))
        return fail(ctx, resp, 404, NULL), 1;
    if ((*st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL), 1;
    return 0;
}

/* A store lookup's result: 1 when it failed and the 404 (missing: its
 * message) or 500 page was answered. */
static int
lookup_failed(const struct web_ctx *ctx, struct web_response *resp, int rc, const char *missing)
{
    if (rc == ALM_ENOTFOUND)
        return fail(ctx, resp, 404, missing), 1;
    if (rc != ALM_OK)
        return fail(ctx, resp, 500, NULL), 1;
    return 0;
}

static void
page_ok(struct web_response *resp, int max_age, time_t last_modified)
{
    resp->status = 200;
    resp->content_type = html_type;
    resp->max_age = max_age;
    resp->last_modified = last_modified;
}

static time_t
last_analysis(struct store *st)
{
    time_t t = 0;

    if (store_last_change(st, &t, NULL) != ALM_OK)
        return 0;
    return t;
}

/* "3,910" */
static void
put_count(struct buf *b, int64_t n)
{
    char d[32];
    int len = snprintf(d, sizeof(d), "%lld", (long long)n);

    for (int i = 0; i < len; i++) {
        if (i > 0 && d[0] != '-' && (len - i) % 3 == 0)
            buf_putc(b, ',');
        buf_putc(b, d[i]);
    }
}

static void
put_plural(struct buf *b, int64_t n, const char *one, const char *many)
{
    put_count(b, n);
    buf_printf(b, " %s", n == 1 ? one : many);
}

/* An href attribute value built by render_filter_href(), escaped. */
static void
put_filter_href(struct buf *b, const char *path, const struct web_filter *f, const char *key,
                const char *value)
{
    struct buf u = BUF_INIT(4096);

    render_filter_href(&u, path, f, key, value);
    render_text(b, buf_cstr(&u));
    buf_free(&u);
}

/* The feeds' query string for f: its filters without period and page. */
static char *
feed_qs(const struct web_filter *f)
{
    struct web_filter g = *f;
    struct buf u = BUF_INIT(4096);

    g.period = "all";
    g.default_period = "all";
    render_filter_href(&u, "", &g, NULL, NULL);
    buf_putc(&u, '\0');
    u.len--;
    return buf_take(&u);
}

/* Prev/next URLs for page of pages, from the filter (and a search query). */
static void
pager_for(struct buf *b, const char *path, const struct web_filter *f, const char *q,
          int64_t pages)
{
    struct buf prev = BUF_INIT(4096), next = BUF_INIT(4096);
    char num[16];

    if (f->page > 1) {
        snprintf(num, sizeof(num), "%d", f->page - 1);
        render_filter_href(&prev, path, f, "page", num);
    }
    if (f->page < pages) {
        snprintf(num, sizeof(num), "%d", f->page + 1);
        render_filter_href(&next, path, f, "page", num);
    }
    if (q) {
        struct buf *both[] = { &prev, &next };
        for (size_t i = 0; i < LEN(both); i++) {
            if (both[i]->len == 0)
                continue;
            buf_puts(both[i], strchr(buf_cstr(both[i]), '?') ? "&q=" : "?q=");
            render_urlencode(both[i], q);
        }
    }
    render_pager(b, prev.len ? buf_cstr(&prev) : NULL, next.len ? buf_cstr(&next) : NULL,
                 f->page, pages);
    buf_free(&prev);
    buf_free(&next);
}

struct rows {
    struct buf *b;
    time_t now;
    int n;
    struct render_row opts;
};

static int
put_row(const struct event *e, void *arg)
{
    struct rows *r = arg;

    render_event_row(r->b, e, r->now, &r->opts);
    r->n++;
    return 0;
}

/* ---- events: "/" and "/top" ---- */

static void
filter_group(struct buf *b, const char *label, const char *path, const struct web_filter *f,
             const char *key, const char *current, const char *const *values,
             const char *const *labels, size_t n)
{
    buf_printf(b, "<div class=\"group\"><span class=\"label\">%s</span><span class=\"opts\">",
               label);
    for (size_t i = 0; i < n; i++) {
        int on = (values[i] == NULL && current == NULL) ||
                 (values[i] && current && strcmp(values[i], current) == 0);
        buf_puts(b, "<a href=\"");
        put_filter_href(b, path, f, key, values[i]);
        buf_printf(b, "\"%s>%s</a>", on ? " aria-current=\"true\"" : "", labels[i]);
    }
    buf_puts(b, "</span></div>\n");
}

static void
filter_bar(struct buf *b, const char *path, const struct web_filter *f, int top)
{
    static const char *const p_vals[] = { "all", "24h", "7d", "30d" };
    static const char *const p_labels[] = { "All time", "24 hours", "7 days", "30 days" };
    static const char *const t_vals[] = { "24h", "7d", "30d", "all" };
    static const char *const t_labels[] = { "24 hours", "7 days", "30 days", "All time" };
    static const char *const s_vals[] = { NULL, "5", "7", "9" };
    static const char *const s_labels[] = { "Any", "5+", "7+", "9+" };
    static const char *const k_vals[] = { NULL, "release", "research", "policy", "security",
                                          "business", "commentary", "digest", "tutorial",
                                          "other" };
    static const char *const k_labels[] = { "Any", "Release", "Research", "Policy", "Security",
                                            "Business", "Commentary", "Digest", "Tutorial",
                                            "Other" };
    static const char *const r_vals[] = { NULL, "1", "2", "3" };
    static const char *const r_labels[] = { "Any", "1 · primary", "2 · expert",
                                            "3 · community" };
    char min[8], tier[8];

    snprintf(min, sizeof(min), "%d", f->min);
    snprintf(tier, sizeof(tier), "%d", f->tier);
    buf_puts(b, "<nav class=\"filters\" aria-label=\"Filters\">\n");
    if (top)
        filter_group(b, "Period", path, f, "period", f->period, t_vals, t_labels, LEN(t_vals));
    else
        filter_group(b, "Period", path, f, "period", f->period, p_vals, p_labels, LEN(p_vals));
    filter_group(b, "Score", path, f, "min", f->min ? min : NULL, s_vals, s_labels,
                 LEN(s_vals));
    buf_printf(b, "<details%s><summary>Kind and source tier</summary>\n",
               f->kind || f->tier ? " open" : "");
    filter_group(b, "Kind", path, f, "kind", f->kind, k_vals, k_labels, LEN(k_vals));
    filter_group(b, "Tier", path, f, "tier", f->tier ? tier : NULL, r_vals, r_labels,
                 LEN(r_vals));
    buf_puts(b, "</details>\n</nav>\n");
}

/* The guide and source filters, as chips that remove them. */
static void
active_filters(struct buf *b, struct store *st, const char *path, const struct web_filter *f)
{
    if (f->guide == NULL && f->source == NULL)
        return;
    buf_puts(b, "<ul class=\"active\" aria-label=\"Active filters\">");
    if (f->guide) {
        struct guide_info g;
        int found = store_get_guide(st, f->guide, &g) == ALM_OK;
        buf_puts(b, "<li><a href=\"");
        put_filter_href(b, path, f, "guide", NULL);
        buf_puts(b, "\">Guide: ");
        render_text(b, found ? g.title : f->guide);
        buf_puts(b, "<span aria-hidden=\"true\">✕</span><span class=\"vh\"> (remove)</span>"
                    "</a></li>");
        if (found)
            guide_info_fini(&g);
    }
    if (f->source) {
        struct source_info s;
        int found = store_get_source_info(st, f->source, &s) == ALM_OK;
        buf_puts(b, "<li><a href=\"");
        put_filter_href(b, path, f, "source", NULL);
        buf_puts(b, "\">Source: ");
        render_text(b, found ? s.name : f->source);
        buf_puts(b, "<span aria-hidden=\"true\">✕</span><span class=\"vh\"> (remove)</span>"
                    "</a></li>");
        if (found)
            source_info_fini(&s);
    }
    buf_puts(b, "</ul>\n");
}

static int
events_page(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp,
            int top)
{
    const char *path = top ? "/top" : "/";
    struct web_filter f;
    struct event_query q;
    struct store *st;
    const char *why = NULL;
    time_t now = web_now(ctx);
    int64_t total = 0, pages;
    struct buf *b = &resp->body;
    struct buf desc = BUF_INIT(1024);
    char *fq;
    int rc;

    if (render_filter_read(req, top ? "7d" : "all", &f, &why) != ALM_OK)
        return fail(ctx, resp, 400, why);
    if ((st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL);
    render_filter_query(&f, now, &q);
    q.by_score = top;
    if (store_count_matching(st, &q, &total) != ALM_OK)
        return fail(ctx, resp, 500, NULL);
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages)
        return fail(ctx, resp, 404, "There is no such page of events.");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;

    fq = feed_qs(&f);
    render_filter_describe(&desc, &f);
    render_page_begin(b, ctx, &(struct render_page){
        .title = top ? "Top events" : (f.page > 1 || desc.len ? "Events" : NULL),
        .nav = top ? "top" : "events",
        .feed_qs = fq,
        .description = "What happens in AI, from labs, newsletters, press, papers and policy.",
    });
    buf_printf(b, "<div class=\"page-head\">\n<h1>%s</h1>\n<p class=\"sub\">",
               top ? "Top events" : "Events");
    put_plural(b, total, "event", "events");
    if (top)
        buf_puts(b, ", highest score first");
    else
        buf_puts(b, ", newest first");
    if (desc.len) {
        buf_puts(b, " · ");
        render_text(b, buf_cstr(&desc));
    }
    buf_puts(b, " · <a href=\"/feed.atom");
    render_text(b, fq);
    buf_puts(b, "\">Atom feed</a></p>\n</div>\n");
    filter_bar(b, path, &f, top);
    active_filters(b, st, path, &f);

    struct rows r = { .b = b, .now = now, .opts = { .heading = 2 } };
    buf_puts(b, "<div class=\"events\">\n");
    rc = store_list_events(st, &q, put_row, &r);
    buf_puts(b, "</div>\n");
    if (rc != ALM_OK) {
        free(fq);
        buf_free(&desc);
        return fail(ctx, resp, 500, NULL);
    }
    if (r.n == 0) {
        buf_puts(b, "<div class=\"empty\"><p>No events match these filters.</p><p>");
        if (top && strcmp(f.period, "all") != 0) {
            buf_puts(b, "Try a longer period: <a href=\"");
            put_filter_href(b, path, &f, "period", "30d");
            buf_puts(b, "\">30 days</a> or <a href=\"");
            put_filter_href(b, path, &f, "period", "all");
            buf_puts(b, "\">all time</a>.");
        } else {
            buf_printf(b, "<a href=\"%s\">Clear the filters</a>.", path);
        }
        buf_puts(b, "</p></div>\n");
    }
    pager_for(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, last_analysis(st));
    free(fq);
    buf_free(&desc);
    return 0;
}

int
web_page_events(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    return events_page(ctx, req, resp, 0);
}

int
web_page_top(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp)
{
    return events_page(ctx, req, resp, 1);
}

/* ---- one event ---- */

/* "/events/123-some-slug" -> 123; 0 when the path names no event. */
static int64_t
event_id_of(const char *path, const char **slug)
{
    const char *p = path + strlen("/events/");
    int64_t id = 0;
    int digits = 0;

    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 18)
            return 0;
        id = id * 10 + (*p - '0');
    }
    if (digits == 0 || (*p != '\0' && *p != '-'))
        return 0;
    *slug = p;
    return id;
}

struct guide_links {
    struct buf *b;
    struct store *st;
};

static void
put_guide_link(const char *slug, size_t len, void *arg)
{
    struct guide_links *gl = arg;
    char s[72];
    struct guide_info g;
    int found;

    if (len >= sizeof(s))
        return;
    memcpy(s, slug, len);
    s[len] = '\0';
    found = store_get_guide(gl->st, s, &g) == ALM_OK;
    buf_puts(gl->b, "<li><a href=\"/guides/");
    render_text(gl->b, s);
    buf_puts(gl->b, "\">");
    render_text(gl->b, found ? g.title : s);
    buf_puts(gl->b, "</a></li>");
    if (found)
        guide_info_fini(&g);
}

static void
count_slug(const char *slug, size_t len, void *arg)
{
    (void)slug;
    (void)len;
    (*(int *)arg)++;
}

/* The story's other events, oldest first; the first report marked. */
struct story {
    int64_t self, first;
    time_t now;
    struct buf rows[STORY_MAX];
    int n;
    int self_first;
};

static int
put_story_row(const struct event *e, void *arg)
{
    struct story *s = arg;
    struct buf *b;

    if (e->item.id == s->self) {
        s->self_first = e->item.id == s->first;
        return 0;
    }
    if (s->n >= STORY_MAX)
        return 1;
    b = &s->rows[s->n++];
    buf_init(b, (size_t)1 << 20);
    render_event_row(b, e, s->now, &(struct render_row){
        .heading = 3,
        .note = e->item.id == s->first ? "first report" : NULL,
    });
    return 0;
}

static void
story_section(struct buf *b, struct store *st, const struct event *e, time_t now)
{
    struct event_query q = { .story = e->story_id, .limit = STORY_MAX + 1 };
    struct story *s = xcalloc(1, sizeof(*s));

    s->self = e->item.id;
    s->first = e->story_id;
    s->now = now;
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"story\">\n<h2 id=\"story\">The story");
    if (e->story_id > 0 && store_list_events(st, &q, put_story_row, s) == ALM_OK && s->n > 0) {
        buf_printf(b, " <span class=\"count\">(%d other report%s)</span></h2>\n", s->n,
                   s->n == 1 ? "" : "s");
        if (s->self_first)
            buf_puts(b, "<p class=\"none\">This event is the story's first report.</p>\n");
        /* Listed newest first by the store; a story reads oldest first. */
        for (int i = s->n - 1; i >= 0; i--)
            buf_append(b, buf_cstr(&s->rows[i]), s->rows[i].len);
    } else {
        buf_puts(b, "</h2>\n<p class=\"none\">No other source has reported this story yet.</p>\n");
    }
    buf_puts(b, "</section>\n");
    for (int i = 0; i < s->n; i++)
        buf_free(&s->rows[i]);
    free(s);
}

static void
reasons_section(struct buf *b, const struct event *e)
{
    cJSON *r = cJSON_Parse(e->reasons ? e->reasons : "[]"), *it;
    int n = 0;

    buf_puts(b, "<section class=\"block\" aria-labelledby=\"why\">\n"
                "<h2 id=\"why\">Why this score</h2>\n<ol class=\"reasons\">\n");
    cJSON_ArrayForEach(it, r) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "points");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "text");
        if (!cJSON_IsNumber(p) || !cJSON_IsString(t))
            continue;
        buf_printf(b, "<li><span class=\"pts%s\">%+.2f</span><span>",
                   p->valuedouble < 0 ? " neg" : "", p->valuedouble);
        render_text(b, t->valuestring);
        buf_puts(b, "</span></li>\n");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<li>No reasons were recorded.</li>\n");
    buf_printf(b, "<li class=\"total\"><span class=\"pts\">%d</span><span>Score: the sum, a whole"
                  " number from 1 to 10</span></li>\n</ol>\n</section>\n", e->score);
    cJSON_Delete(r);
}

struct ents {
    struct buf *b;
    int n;
};

static int
put_entity(const char *name, const char *kind, int mentions, void *arg)
{
    struct ents *en = arg;

    (void)mentions;
    if (en->n++ == 0)
        buf_puts(en->b, "<ul class=\"chips\">");
    buf_puts(en->b, "<li><a href=\"/search?q=");
    {
        struct buf u = BUF_INIT(4096);
        render_urlencode(&u, name);
        render_text(en->b, buf_cstr(&u));
        buf_free(&u);
    }
    buf_puts(en->b, "\">");
    render_text(en->b, name);
    buf_puts(en->b, "<span class=\"kind\">");
    render_text(en->b, kind);
    buf_puts(en->b, "</span></a></li>");
    return 0;
}

int
web_page_event(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct buf canon = BUF_INIT(512);
    const char *slug = NULL;
    int64_t id = event_id_of(req->path, &slug);
    struct store *st;
    struct event e;
    time_t now = web_now(ctx);
    int rc, nguides = 0;

    if (id <= 0)
        return fail(ctx, resp, 404, NULL);
    if ((st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL);
    rc = store_get_event(st, id, &e);
    if (rc == ALM_ENOTFOUND)
        return fail(ctx, resp, 404, "There is no event with this number.");
    if (rc != ALM_OK)
        return fail(ctx, resp, 500, NULL);
    render_event_path(&canon, id, e.item.title);
    if (strcmp(req->path, buf_cstr(&canon)) != 0 && canon.len < sizeof(resp->location)) {
        /* One URL per event: an old or missing slug moves permanently. */
        resp->status = 301;
        resp->content_type = html_type;
        resp->max_age = MAX_AGE_EVENT;
        snprintf(resp->location, sizeof(resp->location), "%s", buf_cstr(&canon));
        buf_puts(b, "<!doctype html><title>Moved</title><p>This event is at <a href=\"");
        render_text(b, buf_cstr(&canon));
        buf_puts(b, "\">");
        render_text(b, buf_cstr(&canon));
        buf_puts(b, "</a>.</p>\n");
        buf_free(&canon);
        event_fini(&e);
        return 0;
    }
    buf_free(&canon);

    render_page_begin(b, ctx, &(struct render_page){
        .title = e.item.title && *e.item.title ? e.item.title : "Event",
        .nav = "events",
        .description = e.summary,
    });
    buf_puts(b, "<article class=\"story-head\">\n<a class=\"back\" href=\"/\">← Events</a>\n"
                "<p class=\"meta\">");
    render_score(b, e.score);
    buf_puts(b, "<a class=\"src\" href=\"/sources/");
    render_text(b, e.item.source_slug);
    buf_puts(b, "\">");
    render_source_label(b, &e.item);
    buf_puts(b, "</a><span class=\"dot\" aria-hidden=\"true\">·</span>");
    render_time(b, now, e.item.published);
    buf_puts(b, "</p>\n<h1>");
    render_text(b, e.item.title && *e.item.title ? e.item.title : "(untitled)");
    buf_puts(b, "</h1>\n<p class=\"lead\">");
    render_text(b, e.summary);
    buf_puts(b, "</p>\n");
    if (render_is_http(e.item.url)) {
        buf_puts(b, "<p><a class=\"button\" href=\"");
        render_text(b, e.item.url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">source ↗</a></p>\n");
    }
    buf_puts(b, "</article>\n");

    render_each_slug(e.guides, count_slug, &nguides);
    buf_printf(b, "<section class=\"block\" aria-labelledby=\"guides\">\n"
                  "<h2 id=\"guides\">Related guides (%d)</h2>\n", nguides);
    if (nguides > 0) {
        struct guide_links gl = { b, st };
        buf_puts(b, "<ul class=\"chips\">");
        render_each_slug(e.guides, put_guide_link, &gl);
        buf_puts(b, "</ul>\n");
    } else {
        buf_puts(b, "<p class=\"none\">This event joins no guide.</p>\n");
    }
    buf_puts(b, "</section>\n");

    /* Related rows are rendered first to know their number for the heading. */
    struct buf rel = BUF_INIT(WEB_MAX_BODY);
    struct rows r = { .b = &rel, .now = now, .opts = { .heading = 3 } };
    if (store_related_events(st, id, put_row, &r) != ALM_OK) {
        buf_free(&rel);
        event_fini(&e);
        return fail(ctx, resp, 500, NULL);
    }
    buf_printf(b, "<section class=\"block\" aria-labelledby=\"related\">\n"
                  "<h2 id=\"related\">Related events (%d)</h2>\n", r.n);
    if (r.n > 0)
        buf_append(b, buf_cstr(&rel), rel.len);
    else
        buf_puts(b, "<p class=\"none\">Nothing related yet.</p>\n");
    buf_puts(b, "</section>\n");
    buf_free(&rel);

    story_section(b, st, &e, now);
    reasons_section(b, &e);

    struct ents en = { .b = b };
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"entities\">\n"
                "<h2 id=\"entities\">Entities</h2>\n");
    store_event_entities(st, id, put_entity, &en);
    if (en.n > 0)
        buf_puts(b, "</ul>\n");
    else
        buf_puts(b, "<p class=\"none\">No known names were found.</p>\n");
    buf_puts(b, "</section>\n");
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_EVENT, last_analysis(st));
    event_fini(&e);
    return 0;
}

/* ---- guides ---- */

struct guide_list {
    struct buf *b;
    time_t now;
    int n;
};

static int
put_guide_card(const struct guide_info *g, void *arg)
{
    struct guide_list *gl = arg;
    struct buf *b = gl->b;

    buf_puts(b, "<article class=\"card\">\n<h2><a href=\"/guides/");
    render_text(b, g->slug);
    buf_puts(b, "\">");
    render_text(b, g->title);
    buf_puts(b, "</a></h2>\n<p>");
    render_text(b, g->summary);
    buf_puts(b, "</p>\n<p class=\"stats\">");
    put_plural(b, g->events, "event", "events");
    if (g->newest > 0) {
        buf_puts(b, " · latest ");
        render_time(b, gl->now, g->newest);
    }
    buf_puts(b, "</p>\n</article>\n");
    gl->n++;
    return 0;
}

int
web_page_guides(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct store *st;
    struct buf cards = BUF_INIT(WEB_MAX_BODY);
    struct guide_list gl = { .b = &cards, .now = web_now(ctx) };

    (void)req;
    if ((st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL);
    if (store_list_guides(st, put_guide_card, &gl) != ALM_OK) {
        buf_free(&cards);
        return fail(ctx, resp, 500, NULL);
    }
    render_page_begin(b, ctx, &(struct render_page){
        .title = "Guides",
        .nav = "guides",
        .description = "Curated guides to the main threads of AI news, with their events.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Guides</h1>\n<p class=\"sub\">");
    put_plural(b, gl.n, "curated guide", "curated guides");
    buf_puts(b, " to the threads that run through AI news, each with its events.</p>\n"
                "</div>\n");
    if (gl.n == 0)
        buf_puts(b, "<div class=\"empty\"><p>No guides yet: run <code>almanac analyze</code>."
                    "</p></div>\n");
    else
        buf_printf(b, "<div class=\"cards\">\n%s</div>\n", buf_cstr(&cards));
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_GUIDE, last_analysis(st));
    buf_free(&cards);
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

static void
put_short_date(struct buf *b, time_t t)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    buf_printf(b, "%s %d", months[tm.tm_mon], tm.tm_mday);
}

/* An SVG bar chart of counts per week, drawn here: no script, styled by the sheet. */
static void
put_week_chart(struct buf *b, const char *what, time_t first, const int *counts, int n)
{
    const int left = 30, bw = 16, gap = 5, top = 10, h = 100, bottom = 22;
    const int width = left + n * (bw + gap), height = top + h + bottom;
    int max = 1, total = 0, busiest = 0;
    char iso[21];

    for (int i = 0; i < n; i++) {
        total += counts[i];
        if (counts[i] > max)
            max = counts[i];
        if (counts[i] > counts[busiest])
            busiest = i;
    }
    buf_puts(b, "<figure class=\"chart\">\n<figcaption>Events per week, last ");
    buf_printf(b, "%d weeks</figcaption>\n", n);
    buf_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", width, height);
    buf_puts(b, "Bar chart of ");
    render_text(b, what);
    buf_printf(b, " per week over the last %d weeks: %d in all", n, total);
    if (total > 0) {
        timefmt_rfc3339(first + (time_t)busiest * 604800, iso);
        buf_printf(b, ", the busiest the week of %.10s with %d", iso, counts[busiest]);
    }
    buf_puts(b, ".\">\n");
    buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
               top + h, width, top + h);
    buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left, top,
               width, top);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", left - 6, top + 4,
               max);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", left - 6, top + h + 4);
    for (int i = 0; i < n; i++) {
        int x = left + i * (bw + gap) + gap / 2;
        int bh = counts[i] * h / max;
        if (counts[i] > 0 && bh < 2)
            bh = 2;
        timefmt_rfc3339(first + (time_t)i * 604800, iso);
        if (counts[i] == 0)
            buf_printf(b, "<rect class=\"zero\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"2\">",
                       x, top + h - 2, bw);
        else
            buf_printf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                          " rx=\"2\">", x, top + h - bh, bw, bh);
        buf_printf(b, "<title>Week of %.10s: %d event%s</title></rect>\n", iso, counts[i],
                   counts[i] == 1 ? "" : "s");
    }
    for (int i = 0; i < n; i += n / 4 > 0 ? n / 4 : 1) {
        if (i + n / 8 >= n && i != 0)
            break;
        buf_printf(b, "<text x=\"%d\" y=\"%d\">", left + i * (bw + gap) + gap / 2, height - 5);
        put_short_date(b, first + (time_t)i * 604800);
        buf_puts(b, "</text>\n");
    }
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">This week</text>\n", width,
               height - 5);
    buf_puts(b, "</svg>\n</figure>\n");
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
    struct store *st;
    time_t now = web_now(ctx), first;
    int64_t total = 0, pages;
    int counts[CHART_WEEKS], rc;
    char path[96];
    char *fq;

    if (one_prologue(ctx, req, slug, &f, &st, resp) ||
        lookup_failed(ctx, resp, store_get_guide(st, slug, &g),
                      "There is no guide with this name."))
        return 0;
    /* The chart shows the whole guide; the reader's filters narrow the
     * timeline (and its pages keep them). The slug is the path's. */
    render_filter_query(&(struct web_filter){ .guide = g.slug, .period = "all" }, now, &q);
    first = render_week_start(now) - (time_t)(CHART_WEEKS - 1) * 604800;
    if (store_events_per_week(st, &q, first, CHART_WEEKS, counts) != ALM_OK) {
        guide_info_fini(&g);
        return fail(ctx, resp, 500, NULL);
    }
    f.guide = g.slug;
    render_filter_query(&f, now, &q);
    f.guide = NULL;
    if (store_count_matching(st, &q, &total) != ALM_OK) {
        guide_info_fini(&g);
        return fail(ctx, resp, 500, NULL);
    }
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages) {
        guide_info_fini(&g);
        return fail(ctx, resp, 404, "There is no such page of this guide's events.");
    }
    snprintf(path, sizeof(path), "/guides/%s", g.slug);
    fq = feed_qs(&(struct web_filter){ .guide = g.slug, .period = "all" });
    render_page_begin(b, ctx, &(struct render_page){
        .title = g.title, .nav = "guides", .feed_qs = fq, .description = g.summary,
    });
    buf_puts(b, "<a class=\"back\" href=\"/guides\">← Guides</a>\n"
                "<div class=\"page-head\">\n<h1>");
    render_text(b, g.title);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    put_plural(b, total, "event", "events");
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
        put_week_chart(b, "this guide's events", first, counts, CHART_WEEKS);
        if (g.body && *g.body) {
            buf_puts(b, "<section class=\"prose\" aria-label=\"The guide\">\n");
            put_markdown(b, g.body);
            buf_puts(b, "</section>\n");
        }
    }
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">"
                "Timeline <span class=\"count\">(");
    put_count(b, total);
    buf_puts(b, ")</span></h2>\n<div class=\"timeline\">\n");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
    struct timeline tl = { .b = b, .now = now, .year = -1, .month = -1 };
    rc = store_list_events(st, &q, put_timeline_row, &tl);
    buf_puts(b, "</div>\n");
    if (tl.n == 0)
        buf_puts(b, "<p class=\"none\">No event has joined this guide yet.</p>\n");
    buf_puts(b, "</section>\n");
    pager_for(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_GUIDE, last_analysis(st));
    free(fq);
    guide_info_fini(&g);
    return rc == ALM_OK ? 0 : fail(ctx, resp, 500, NULL);
}

/* ---- sources ---- */

/* The health of a source as a small badge. */
static void
put_status(struct buf *b, const struct source_info *s)
{
    if (s->last_fetch == 0)
        buf_puts(b, "<span class=\"status none\">not fetched</span>");
    else if (s->failures > 0 || s->last_error)
        buf_puts(b, "<span class=\"status bad\">failing</span>");
    else
        buf_puts(b, "<span class=\"status ok\">ok</span>");
}

/* At most n bytes of s, cut at a character boundary, escaped. */
static void
put_cut(struct buf *b, const char *s, size_t n)
{
    size_t len = strlen(s);

    if (len <= n) {
        render_text(b, s);
        return;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    {
        char *cut = xstrndup(s, n);
        render_text(b, cut);
        free(cut);
    }
    buf_puts(b, "…");
}

struct source_rows {
    struct buf *b;
    time_t now;
    int n, failing, never;
};

static int
put_source_row(const struct source_info *s, void *arg)
{
    struct source_rows *sr = arg;
    struct buf *b = sr->b;

    buf_puts(b, "<tr><td><a class=\"name\" href=\"/sources/");
    render_text(b, s->slug);
    buf_puts(b, "\">");
    render_text(b, s->name);
    buf_puts(b, "</a>");
    if (render_author_differs(s->name, s->author)) {
        buf_puts(b, "<span class=\"sub\">");
        render_text(b, s->author);
        buf_puts(b, "</span>");
    }
    buf_puts(b, "<span class=\"sub links\">");
    if (render_is_http(s->feed_url)) {
        buf_puts(b, "<a href=\"");
        render_text(b, s->feed_url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">feed</a>");
    }
    if (render_is_http(s->site_url)) {
        buf_puts(b, render_is_http(s->feed_url) ? " · " : "");
        buf_puts(b, "<a href=\"");
        render_text(b, s->site_url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">site</a>");
    }
    buf_printf(b, "</span></td><td class=\"num\" data-label=\"Tier\">%d</td>"
                  "<td data-label=\"Kind\">", s->tier);
    render_text(b, s->kind);
    buf_puts(b, "</td><td class=\"num\" data-label=\"Items\">");
    put_count(b, s->items);
    buf_puts(b, "</td><td data-label=\"Fetched\">");
    if (s->last_fetch > 0)
        render_time(b, sr->now, s->last_fetch);
    else
        buf_puts(b, "<span class=\"sub\">—</span>");
    buf_puts(b, "</td><td class=\"st\">");
    put_status(b, s);
    if (s->last_status > 0)
        buf_printf(b, " <span class=\"sub\">HTTP %ld</span>", s->last_status);
    if (s->last_error) {
        buf_puts(b, "<span class=\"error-text\">");
        put_cut(b, s->last_error, 160);
        buf_puts(b, "</span>");
    }
    buf_printf(b, "</td><td class=\"num\" data-label=\"Fails\">%d</td></tr>\n", s->failures);
    sr->n++;
    if (s->last_fetch == 0)
        sr->never++;
    else if (s->failures > 0 || s->last_error)
        sr->failing++;
    return 0;
}

int
web_page_sources(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct buf rows = BUF_INIT(WEB_MAX_BODY);
    struct source_rows sr = { .b = &rows, .now = web_now(ctx) };
    struct store *st;
    time_t analyzed = 0, fetched = 0;

    (void)req;
    if ((st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL);
    if (store_list_source_info(st, put_source_row, &sr) != ALM_OK) {
        buf_free(&rows);
        return fail(ctx, resp, 500, NULL);
    }
    store_last_change(st, &analyzed, &fetched);
    render_page_begin(b, ctx, &(struct render_page){
        .title = "Sources", .nav = "sources",
        .description = "The sources Almanac follows, with the health of their feeds.",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Sources</h1>\n<p class=\"sub\">");
    put_plural(b, sr.n, "source", "sources");
    if (sr.failing)
        buf_printf(b, " · %d failing", sr.failing);
    else if (sr.n > sr.never)
        buf_puts(b, " · every fetched one healthy");
    if (sr.never)
        buf_printf(b, " · %d not fetched yet", sr.never);
    buf_puts(b, ". Tier 1 is primary, 2 expert and press, 3 community.</p>\n</div>\n");
    if (sr.n == 0) {
        buf_puts(b, "<div class=\"empty\"><p>No sources yet: run <code>almanac ingest</code>."
                    "</p></div>\n");
    } else {
        buf_puts(b, "<div class=\"table-wrap\">\n<table class=\"sources\">\n"
                    "<caption class=\"vh\">Sources and their health</caption>\n<thead><tr><th scope=\"col\">Source</th>"
                    "<th scope=\"col\" class=\"num\">Tier</th><th scope=\"col\">Kind</th>"
                    "<th scope=\"col\" class=\"num\">Items</th><th scope=\"col\">Fetched</th>"
                    "<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">"
                    "<abbr title=\"Consecutive failures\">Fails</abbr></th></tr></thead>\n"
                    "<tbody>\n");
        buf_append(b, buf_cstr(&rows), rows.len);
        buf_puts(b, "</tbody>\n</table>\n</div>\n");
    }
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, fetched > analyzed ? fetched : analyzed);
    buf_free(&rows);
    return 0;
}

static void
put_fact_time(struct buf *b, const char *label, time_t now, time_t t, const char *none)
{
    buf_printf(b, "<dt>%s</dt><dd>", label);
    if (t > 0) {
        char utc[24];
        render_time(b, now, t);
        render_utc(t, utc);
        buf_printf(b, " <span class=\"hint\">(%s)</span>", utc);
    } else {
        buf_puts(b, none);
    }
    buf_puts(b, "</dd>\n");
}

static void
put_fact_link(struct buf *b, const char *label, const char *url)
{
    if (url == NULL || *url == '\0')
        return;
    buf_printf(b, "<dt>%s</dt><dd>", label);
    if (render_is_http(url)) {
        buf_puts(b, "<a href=\"");
        render_text(b, url);
        buf_puts(b, "\" rel=\"noopener noreferrer nofollow\">");
        render_text(b, url);
        buf_puts(b, "</a>");
    } else {
        render_text(b, url);
    }
    buf_puts(b, "</dd>\n");
}

int
web_page_source(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    const char *slug = req->path + strlen("/sources/");
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct source_info s;
    struct store *st;
    time_t now = web_now(ctx), analyzed = 0, fetched = 0;
    int64_t total = 0, pages;
    char path[96];
    char *fq;
    int rc;

    if (one_prologue(ctx, req, slug, &f, &st, resp) ||
        lookup_failed(ctx, resp, store_get_source_info(st, slug, &s),
                      "There is no source with this name."))
        return 0;
    /* The reader's filters narrow the list (and its pages keep them); the
     * source is the path's. */
    f.source = s.slug;
    render_filter_query(&f, now, &q);
    f.source = NULL;
    if (store_count_matching(st, &q, &total) != ALM_OK) {
        source_info_fini(&s);
        return fail(ctx, resp, 500, NULL);
    }
    pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
    if (f.page > 1 && f.page > pages) {
        source_info_fini(&s);
        return fail(ctx, resp, 404, "There is no such page of this source's events.");
    }
    snprintf(path, sizeof(path), "/sources/%s", s.slug);
    fq = feed_qs(&(struct web_filter){ .source = s.slug, .period = "all" });
    render_page_begin(b, ctx, &(struct render_page){
        .title = s.name, .nav = "sources", .feed_qs = fq,
    });
    buf_puts(b, "<a class=\"back\" href=\"/sources\">← Sources</a>\n<div class=\"page-head\">\n"
                "<h1>");
    render_text(b, s.name);
    buf_puts(b, "</h1>\n<p class=\"sub\">");
    if (render_author_differs(s.name, s.author)) {
        render_text(b, s.author);
        buf_puts(b, " · ");
    }
    buf_printf(b, "tier %d · ", s.tier);
    render_text(b, s.kind);
    buf_puts(b, " · ");
    put_status(b, &s);
    buf_puts(b, "</p>\n</div>\n<dl class=\"facts\">\n");
    put_fact_link(b, "Feed", s.feed_url);
    put_fact_link(b, "Site", s.site_url);
    buf_puts(b, "<dt>Items</dt><dd>");
    put_count(b, s.items);
    buf_puts(b, " stored, ");
    put_count(b, s.events);
    buf_puts(b, " analysed</dd>\n");
    put_fact_time(b, "Newest item", now, s.newest, "none yet");
    put_fact_time(b, "Last fetch", now, s.last_fetch, "never");
    put_fact_time(b, "Last success", now, s.last_success, "never");
    buf_puts(b, "<dt>Last status</dt><dd>");
    if (s.last_status > 0)
        buf_printf(b, "HTTP %ld", s.last_status);
    else
        buf_puts(b, "none");
    buf_printf(b, "</dd>\n<dt>Failures</dt><dd>%d in a row</dd>\n", s.failures);
    if (s.last_error) {
        buf_puts(b, "<dt>Last error</dt><dd class=\"error-text\">");
        render_text(b, s.last_error);
        buf_puts(b, "</dd>\n");
    }
    if (!s.enabled)
        buf_puts(b, "<dt>Fetching</dt><dd>disabled</dd>\n");
    buf_puts(b, "</dl>\n");
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"latest\">\n<h2 id=\"latest\">"
                "Latest events <span class=\"count\">(");
    put_count(b, total);
    buf_puts(b, ")</span></h2>\n");
    q.limit = RENDER_PAGE_SIZE;
    q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
    struct rows r = { .b = b, .now = now, .opts = { .heading = 3 } };
    rc = store_list_events(st, &q, put_row, &r);
    if (r.n == 0)
        buf_puts(b, "<p class=\"none\">No events from this source yet.</p>\n");
    buf_puts(b, "</section>\n");
    pager_for(b, path, &f, NULL, pages);
    render_page_end(b, ctx);
    store_last_change(st, &analyzed, &fetched);
    page_ok(resp, MAX_AGE_LIST, fetched > analyzed ? fetched : analyzed);
    free(fq);
    source_info_fini(&s);
    return rc == ALM_OK ? 0 : fail(ctx, resp, 500, NULL);
}

/* ---- search ---- */

/* Code points in the n bytes at s (valid UTF-8: the server checks every parameter). */
static size_t
utf8_chars(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int
web_search_query(const char *text, char **out)
{
    struct buf b = BUF_INIT(8 * SEARCH_MAX + 64);
    const char *p = text;
    int words = 0, prefixes = 0;

    while (*p) {
        size_t n;
        int prefix = 0;
        p += strspn(p, " \t\r\n\f\v");
        n = strcspn(p, " \t\r\n\f\v");
        if (n == 0)
            break;
        if (++words > SEARCH_MAX_WORDS) {
            buf_free(&b);
            return ALM_ETOOBIG;
        }
        /* "agent*" keeps its meaning as a prefix search; other syntax is text.
         * A short prefix expands to thousands of terms (and several of them
         * multiply), so a prefix needs SEARCH_MIN_PREFIX characters and a
         * query at most SEARCH_MAX_PREFIXES of them. */
        if (n > 1 && p[n - 1] == '*') {
            if (utf8_chars(p, n - 1) < SEARCH_MIN_PREFIX || ++prefixes > SEARCH_MAX_PREFIXES) {
                buf_free(&b);
                return ALM_EDENIED;
            }
            prefix = 1;
        }
        if (b.len)
            buf_putc(&b, ' ');
        buf_putc(&b, '"');
        for (size_t i = 0; i < n - (size_t)prefix; i++) {
            if (p[i] == '"')
                buf_putc(&b, '"');
            buf_putc(&b, p[i]);
        }
        buf_putc(&b, '"');
        if (prefix)
            buf_putc(&b, '*');
        p += n;
    }
    if (b.len == 0) {
        buf_free(&b);
        return ALM_EINVAL;
    }
    *out = buf_take(&b);
    return ALM_OK;
}

struct hits {
    struct buf *b;
    time_t now;
    int n;
};

/* Whether the snippet, without its marks, says nothing the title does not. */
static int
snippet_in_title(const char *snippet, const char *title)
{
    struct buf plain = BUF_INIT(1 << 16);
    int in;

    for (const char *p = snippet; *p; p++)
        if (*p != '\x01' && *p != '\x02')
            buf_putc(&plain, *p);
    in = plain.len == 0 || (title && strstr(title, buf_cstr(&plain)) != NULL);
    buf_free(&plain);
    return in;
}

static int
put_hit(const struct event *e, const char *title, const char *snippet, void *arg)
{
    struct hits *h = arg;

    /* Items whose text is their title would show it twice: show the summary. */
    if (snippet && snippet_in_title(snippet, e->item.title))
        snippet = NULL;
    render_event_row(h->b, e, h->now, &(struct render_row){
        .heading = 2,
        .title_marked = title && *title ? title : NULL,
        .snippet_marked = snippet,
    });
    h->n++;
    return 0;
}

static void
search_form(struct buf *b, const char *q)
{
    buf_puts(b, "<form class=\"big\" role=\"search\" action=\"/search\" method=\"get\">"
                "<label class=\"vh\" for=\"q\">Search events</label>"
                "<input id=\"q\" type=\"search\" name=\"q\" maxlength=\"200\" value=\"");
    render_text(b, q);
    buf_puts(b, "\" placeholder=\"Claude, export controls, open weights…\">"
                "<button type=\"submit\">Search</button></form>\n");
}

int
web_page_search(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    struct buf *b = &resp->body;
    const char *text = web_param(req, "q");
    struct web_filter f;
    struct event_query q;
    struct store *st;
    const char *why;
    char *match = NULL;
    time_t now = web_now(ctx);
    int64_t total = 0, pages = 0;
    int rc, status = 200;
    const char *problem = NULL;

    if (render_filter_read(req, "all", &f, &why) != ALM_OK)
        return fail(ctx, resp, 400, why);
    if ((st = web_store(ctx)) == NULL)
        return fail(ctx, resp, 500, NULL);
    if (text == NULL)
        text = "";
    /* Characters, as the form's maxlength and the message count; the
     * server let only UTF-8 through, so -1 is a caller's mistake. */
    long chars = web_utf8_chars(text);
    if (chars < 0 || chars > SEARCH_MAX) {
        status = 400;
        problem = "That search is too long: keep it under 200 characters.";
    } else {
        rc = web_search_query(text, &match);
        if (rc == ALM_ETOOBIG) {
            status = 400;
            problem = "That search has too many words: try a few distinctive ones.";
        } else if (rc == ALM_EDENIED) {
            status = 400;
            problem = "A word ending in * needs at least 3 letters before the *, and a search"
                      " may have at most 3 such words.";
        }
    }
    render_filter_query(&f, now, &q);
    q.match = match;
    if (match) {
        rc = store_count_matching(st, &q, &total);
        if (rc == ALM_EINVAL) {
            free(match);
            match = NULL;
            q.match = NULL;
            problem = "That search could not be understood; try plain words.";
        } else if (rc != ALM_OK) {
            free(match);
            return fail(ctx, resp, 500, NULL);
        }
        pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
        /* A page past the last is a 404 (docs/api.md), found by the count
         * alone: the ranked query is not run for it. */
        if (match && f.page > (pages > 0 ? pages : 1)) {
            free(match);
            return fail(ctx, resp, 404, NULL);
        }
    }

    render_page_begin(b, ctx, &(struct render_page){
        .title = *text && !problem ? text : "Search", .nav = "search",
    });
    buf_puts(b, "<div class=\"page-head\">\n<h1>Search</h1>\n</div>\n");
    search_form(b, problem ? "" : text);
    if (problem) {
        buf_puts(b, "<div class=\"empty\" role=\"alert\"><p>");
        render_text(b, problem);
        buf_puts(b, "</p></div>\n");
    } else if (match == NULL) {
        buf_puts(b, "<p class=\"hint\">Search titles and text of every event. Every word must"
                    " appear; end a word with * to match its beginning (<code>regulat*</code>)."
                    "</p>\n");
    } else {
        buf_puts(b, "<p class=\"sub hint\" role=\"status\">");
        put_plural(b, total, "result", "results");
        buf_puts(b, " for “");
        render_text(b, text);
        buf_puts(b, "”, best match first</p>\n<div class=\"events\">\n");
        q.limit = RENDER_PAGE_SIZE;
        q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
        struct hits h = { .b = b, .now = now };
        rc = total > 0 ? store_search_events(st, &q, "\x01", "\x02", put_hit, &h) : ALM_OK;
        buf_puts(b, "</div>\n");
        if (rc != ALM_OK) {
            free(match);
            return fail(ctx, resp, 500, NULL);
        }
        if (h.n == 0)
            buf_puts(b, "<div class=\"empty\"><p>Nothing found. Try fewer or other words.</p>"
                        "</div>\n");
        pager_for(b, "/search", &f, text, pages);
    }
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, last_analysis(st));
    resp->status = status;
    free(match);
    return 0;
}
