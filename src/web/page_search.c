/*
 * page_search.c - "/search?q=": ranked full-text results with highlighted
 * snippets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages.h"
#include "web/render.h"
#include "web/search_query.h"

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
    buf_fini(&plain);
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

/* ---- entities and guides named by the query, shown above the events ---- */

#define ANSWERS_MAX 5

struct answers {
    struct buf entities, guides;
    int nentities, nguides;
};

static int
take_entity(const struct entity_info *e, void *arg)
{
    struct answers *a = arg;
    struct buf *b = &a->entities;

    buf_puts(b, "<li><a href=\"/entities/");
    render_text(b, e->slug);
    buf_puts(b, "\">");
    render_text(b, e->name);
    buf_puts(b, "</a> <span class=\"kind\">");
    render_text(b, e->kind);
    buf_puts(b, "</span> <span class=\"count\">");
    page_put_plural(b, e->events, "event", "events");
    buf_puts(b, "</span></li>\n");
    a->nentities++;
    return 0;
}

static int
take_guide(const char *slug, const char *title, const char *summary, void *arg)
{
    struct answers *a = arg;
    struct buf *b = &a->guides;

    (void)summary;
    buf_puts(b, "<li><a href=\"/guides/");
    render_text(b, slug);
    buf_puts(b, "\">");
    render_text(b, title);
    buf_puts(b, "</a></li>\n");
    a->nguides++;
    return 0;
}

/* The query without the spaces around it, for matching names. */
static char *
trimmed(const char *text)
{
    size_t n;

    while (*text == ' ' || *text == '\t')
        text++;
    n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    char *s = malloc(n + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, text, n);
    s[n] = '\0';
    return s;
}

static int
answers_gather(struct store *st, const char *text, struct answers *a)
{
    char *t = trimmed(text);
    int rc;

    if (t == NULL)
        return ALM_OK;
    rc = store_find_entities(st, t, ANSWERS_MAX, take_entity, a);
    if (rc == ALM_OK)
        rc = store_find_guides(st, t, ANSWERS_MAX, take_guide, a);
    free(t);
    if (rc == ALM_OK && (buf_cut(&a->entities) || buf_cut(&a->guides)))
        rc = ALM_ETOOBIG;
    return rc;
}

static void
answers_markup(struct buf *b, const struct answers *a)
{
    if (a->nentities == 0 && a->nguides == 0)
        return;
    buf_puts(b, "<aside class=\"answers\" aria-label=\"Entities and guides by this name\">\n");
    if (a->nentities > 0) {
        buf_puts(b, "<h2>Entities</h2>\n<ul>\n");
        buf_append(b, buf_cstr(&a->entities), a->entities.len);
        buf_puts(b, "</ul>\n");
    }
    if (a->nguides > 0) {
        buf_puts(b, "<h2>Guides</h2>\n<ul>\n");
        buf_append(b, buf_cstr(&a->guides), a->guides.len);
        buf_puts(b, "</ul>\n");
    }
    buf_puts(b, "</aside>\n");
}

static void
search_form(struct buf *b, const char *q)
{
    buf_puts(b, "<form class=\"big\" role=\"search\" aria-label=\"Search the almanac\""
                " action=\"/search\" method=\"get\">"
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
    struct text_query *match = NULL;
    time_t now = web_now(ctx);
    int64_t total = 0, pages = 0;
    int rc, status = 200;
    const char *problem = NULL;
    struct answers ans = { .entities = BUF_INIT(1 << 16), .guides = BUF_INIT(1 << 16) };

    if (render_filter_read(req, "all", &f, &why) != ALM_OK)
        return page_fail(ctx, resp, 400, why);
    if ((st = web_store(ctx)) == NULL)
        return page_fail(ctx, resp, 500, NULL);
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
    q.text = match;
    if (match) {
        rc = store_count_matching(st, &q, &total);
        if (rc == ALM_EINVAL) {
            text_query_free(match);
            match = NULL;
            q.text = NULL;
            problem = "That search could not be understood; try plain words.";
        } else if (rc != ALM_OK) {
            text_query_free(match);
            return page_fail(ctx, resp, 500, NULL);
        }
        pages = (total + RENDER_PAGE_SIZE - 1) / RENDER_PAGE_SIZE;
        /* A page past the last is a 404 (docs/api.md), found by the count
         * alone: the ranked query is not run for it. */
        if (match && f.page > (pages > 0 ? pages : 1)) {
            text_query_free(match);
            return page_fail(ctx, resp, 404, NULL);
        }
    }
    /* An entity or guide of this name answers first, on the first page. */
    if (match && f.page == 1 && answers_gather(st, text, &ans) != ALM_OK) {
        text_query_free(match);
        buf_fini(&ans.entities);
        buf_fini(&ans.guides);
        return page_fail(ctx, resp, 500, NULL);
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
        page_put_plural(b, total, "result", "results");
        buf_puts(b, " for “");
        render_text(b, text);
        buf_puts(b, "”, best match first</p>\n");
        answers_markup(b, &ans);
        buf_puts(b, "<div class=\"events\">\n");
        q.limit = RENDER_PAGE_SIZE;
        q.offset = (f.page - 1) * RENDER_PAGE_SIZE;
        struct hits h = { .b = b, .now = now };
        rc = total > 0 ? store_search_events(st, &q, "\x01", "\x02", put_hit, &h) : ALM_OK;
        buf_puts(b, "</div>\n");
        if (rc != ALM_OK) {
            text_query_free(match);
            buf_fini(&ans.entities);
            buf_fini(&ans.guides);
            return page_fail(ctx, resp, 500, NULL);
        }
        if (h.n == 0)
            buf_puts(b, "<div class=\"empty\"><p>Nothing found. Try fewer or other words.</p>"
                        "</div>\n");
        page_pager(b, "/search", &f, text, pages);
    }
    render_page_end(b, ctx);
    page_ok(resp, MAX_AGE_LIST, page_last_analysis(st));
    resp->status = status;
    text_query_free(match);
    buf_fini(&ans.entities);
    buf_fini(&ans.guides);
    return 0;
}
