/*
 * api.c - the JSON API: events (with the pages' filters), one event with
 * everything the event page shows, guides, sources and search.
 *
 * Strings go through buf_append_json(); an event's reasons (typed, from
 * the store) are printed with cJSON, their points rounded to hundredths.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/calendar.h"
#include "base/config.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "present/json.h"
#include "web/api.h"
#include "web/api_common.h"
#include "web/http.h"
#include "web/milestones.h"
#include "store/store.h"
#include "store/store_web.h"
#include "store/store_alerts.h"
#include "web/search_query.h"
#include "web/render.h"

#include "openapi.inc"          /* openapi_json: docs/openapi.json (scripts/gen-openapi) */

#define MAX_AGE_LIST 60
#define MAX_AGE_EVENT 300
#define MAX_AGE_GUIDE 3600
#define CHART_WEEKS 26
#define STORY_MAX 50

static const char *const json_type = "application/json; charset=utf-8";

/* The message of an error no handler wrote (the server's refusals, a path
 * nobody answers). */
static const char *
default_message(int status)
{
    switch (status) {
    case 400: return "bad request: a malformed path or query string";
    case 401: return "this needs the configuration's token: Authorization: Bearer TOKEN";
    case 403: return "writes are refused: the configuration has no token, or the request"
                     " did not come from this machine (use a TLS proxy on it)";
    case 404: return "no such resource; the API is described at /api/v1/openapi.json";
    case 405: return "method not allowed: the Allow header lists this path's methods";
    case 413: return "the request body is too large (64 KiB of JSON, 4 MiB of OPML)";
    case 414: return "the request target is longer than 2048 bytes";
    case 431: return "the request's header is too large";
    case 503: return "the server is busy or stopping; try again later";
    default: return status >= 500 ? "the server failed to answer" : "the request was refused";
    }
}

void
web_api_error(struct web_response *resp, int status, const char *message)
{
    if (message == NULL)
        message = default_message(status);
    if ((status = web_error_status(status)) == 503 && strcmp(message, default_message(503)))
        message = "the request needs more work than one request is given; narrow it"
                  " (fewer or longer words, a smaller offset, a filter)";
    resp->status = status;
    resp->content_type = json_type;
    resp->max_age = status == 404 ? 60 : -1;
    resp->last_modified = 0;
    buf_reset(&resp->body);
    buf_printf(&resp->body, "{\"error\":{\"status\":%d,\"message\":", status);
    buf_append_json(&resp->body, message);
    buf_puts(&resp->body, "}}\n");
}

int
api_error(struct web_response *resp, int status, const char *message)
{
    web_api_error(resp, status, message);
    return 0;
}

/*
 * Every parameter of the request is one the endpoint takes (allowed, a
 * space-separated list; NULL or "": none): 0, or 1 after answering 400
 * with the first unknown one and the list.
 */
int
api_unknown_param(const struct web_request *req, const char *allowed, struct web_response *resp)
{
    for (size_t i = 0; i < req->nparams; i++) {
        const char *name = req->params[i].name, *p = allowed ? allowed : "";
        size_t n = strlen(name);
        int found = 0;
        while (*p && !found) {
            size_t w = strcspn(p, " ");
            found = w == n && strncmp(p, name, n) == 0;
            p += w + (p[w] == ' ');
        }
        if (!found) {
            char msg[512];
            if (allowed && *allowed)
                snprintf(msg, sizeof(msg), "unknown parameter '%.64s'; this endpoint takes: %s",
                         name, allowed);
            else
                snprintf(msg, sizeof(msg), "unknown parameter '%.64s'; this endpoint takes none",
                         name);
            api_error(resp, 400, msg);
            return 1;
        }
    }
    return 0;
}

/* A filter's value is wrong: why names it and what it takes. */
static int
bad_filter(struct web_response *resp, const char *why)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "bad parameter: %s", why);
    return api_error(resp, 400, msg);
}

#define P_FILTERS "min guide source tier kind period"
#define P_SLICE "page limit offset"

void
api_ok(struct web_response *resp, int max_age, struct store *st)
{
    time_t analyzed = 0;

    store_last_change(st, &analyzed, NULL);
    resp->status = 200;
    resp->content_type = json_type;
    resp->max_age = max_age;
    resp->last_modified = analyzed;
}

/* An event's members (present/json.h) as the API gives them: links only
 * to http(s) URLs, unknown dates null, and the event's page here. */
void
api_event_fields(struct buf *b, const struct web_ctx *ctx, const struct event *e)
{
    struct buf page = BUF_INIT(4096);

    render_absolute(&page, ctx, "");
    render_event_path(&page, e->item.id, e->item.title);
    json_event_fields(b, e, &(struct json_event_opts){
        .link_null = !render_is_http(e->item.url),
        .unknown_date_null = 1,
        .url = buf_cstr(&page),
    });
    buf_fini(&page);
}

/* ---- event lists ---- */

struct list {
    struct buf *b;
    const struct web_ctx *ctx;
    int n, max;
    int weights;              /* related lists: add "weight" */
    int more;                 /* a row past max was seen */
    int64_t first;            /* a story's first report: mark it */
    time_t last_analyzed;     /* the last event listed: the sync cursor */
    int64_t last_id;
    int changed;              /* add "changed" (sync lists) */
};

static int
put_event(const struct event *e, void *arg)
{
    struct list *l = arg;

    if (l->max > 0 && l->n >= l->max) {
        l->more = 1;
        return 1;
    }
    if (l->n++)
        buf_putc(l->b, ',');
    buf_putc(l->b, '{');
    api_event_fields(l->b, l->ctx, e);
    if (l->weights)
        buf_printf(l->b, ",\"weight\":%.4f", e->weight);
    if (l->first)
        buf_printf(l->b, ",\"first_report\":%s", e->item.id == l->first ? "true" : "false");
    if (l->changed) {
        buf_puts(l->b, ",\"changed\":");
        json_time(l->b, e->analyzed);
    }
    buf_putc(l->b, '}');
    l->last_analyzed = e->analyzed;
    l->last_id = e->item.id;
    return 0;
}

/* limit and offset (or page), checked. */
static int
read_slice(const struct web_request *req, const struct web_filter *f, int *limit, int *offset,
           const char **why)
{
    const char *v;
    char *end;
    long n;

    *limit = API_DEFAULT_LIMIT;
    if ((v = web_param(req, "limit")) && *v) {
        n = strtol(v, &end, 10);
        if (*end || n < 1 || n > API_MAX_LIMIT)
            return *why = "limit must be a number from 1 to 200", ALM_EINVAL;
        *limit = (int)n;
    }
    *offset = (f->page - 1) * *limit;
    if ((v = web_param(req, "offset")) && *v) {
        n = strtol(v, &end, 10);
        if (*end || n < 0 || n > API_MAX_OFFSET)
            return *why = "offset must be a number from 0 to 1000000", ALM_EINVAL;
        *offset = (int)n;
    }
    return ALM_OK;
}

/* path with the filters of f, q, sort and the slice (or the cursor) as a
 * JSON string of its absolute URL. */
static void
put_url(struct buf *b, const struct web_ctx *ctx, const char *path, const struct web_filter *f,
        const char *q, int by_score, const char *slice)
{
    struct buf u = BUF_INIT(8192), abs = BUF_INIT(8192);

    render_filter_href(&u, path, f, NULL, NULL);
    buf_putc(&u, strchr(buf_cstr(&u), '?') ? '&' : '?');
    if (q) {
        buf_puts(&u, "q=");
        render_urlencode(&u, q);
        buf_putc(&u, '&');
    }
    if (by_score)
        buf_puts(&u, "sort=score&");
    buf_puts(&u, slice);
    render_absolute(&abs, ctx, buf_cstr(&u));
    buf_append_json(b, buf_cstr(&abs));
    buf_fini(&u);
    buf_fini(&abs);
}

/* "next" and "prev": the URLs of the following and the preceding slice
 * with every filter, or null (no more; the first slice). */
static void
put_next(struct buf *b, const struct web_ctx *ctx, const char *path, const struct web_filter *f,
         const char *q, int by_score, int more, int limit, int offset)
{
    char slice[64];

    buf_puts(b, ",\"next\":");
    if (more) {
        snprintf(slice, sizeof(slice), "limit=%d&offset=%d", limit, offset + limit);
        put_url(b, ctx, path, f, q, by_score, slice);
    } else {
        buf_puts(b, "null");
    }
    buf_puts(b, ",\"prev\":");
    if (offset > 0) {
        snprintf(slice, sizeof(slice), "limit=%d&offset=%d", limit,
                 offset > limit ? offset - limit : 0);
        put_url(b, ctx, path, f, q, by_score, slice);
    } else {
        buf_puts(b, "null");
    }
}

/* "2026-11-27T10:00:00Z" exactly (or with a "+00:00" zone), or a whole
 * number of seconds since 1970: ALM_OK and *t. */
static int
read_when(const char *v, time_t *t)
{
    int y, mo, d, h, mi, sec, n = 0;
    char *end;

    if (strspn(v, "0123456789") == strlen(v) && *v && strlen(v) <= 12) {
        *t = (time_t)strtoll(v, &end, 10);
        return ALM_OK;
    }
    if (strlen(v) < 20 || sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19 || (strcmp(v + 19, "Z") != 0 && strcmp(v + 19, "+00:00") != 0) || y < 1970 ||
        mo < 1 || mo > 12 || d < 1 || d > calendar_month_days(y, mo) || h > 23 || mi > 59 ||
        sec > 59 || h < 0 || mi < 0 || sec < 0)
        return ALM_EINVAL;
    *t = (time_t)(calendar_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
    return ALM_OK;
}

struct cursor {
    int on;
    time_t since;
    int64_t after;
};

/* changed_since and after_id: 0 (cur set, on when either was given), or 1
 * after answering 400. */
static int
read_cursor(const struct web_request *req, struct cursor *cur, struct web_response *resp)
{
    const char *cs = web_param(req, "changed_since"), *aid = web_param(req, "after_id");
    const char *v;

    memset(cur, 0, sizeof(*cur));
    if (cs && *cs) {
        if (read_when(cs, &cur->since) != ALM_OK)
            return api_error(resp, 400, "bad parameter: changed_since (an RFC 3339 UTC time,"
                                        " 2026-11-27T10:00:00Z, or seconds since 1970)"), 1;
        cur->on = 1;
    }
    if (aid && *aid) {
        if (strspn(aid, "0123456789") != strlen(aid) || strlen(aid) > 18)
            return api_error(resp, 400, "bad parameter: after_id (an event id, 0 or more)"), 1;
        cur->after = strtoll(aid, NULL, 10);
        cur->on = 1;
    }
    if (cur->on && (((v = web_param(req, "offset")) && *v) || ((v = web_param(req, "page")) && *v)))
        return api_error(resp, 400, "offset and page do not go with changed_since and after_id:"
                                    " follow next (the cursor) instead"), 1;
    if (cur->on && (v = web_param(req, "sort")) && *v)
        return api_error(resp, 400, "sort does not go with changed_since and after_id: a sync"
                                    " lists the oldest change first"), 1;
    return 0;
}

/* The sync list's cursor and next: where the following call starts. */
static void
put_cursor(struct buf *b, const struct web_ctx *ctx, const struct web_filter *f, int more,
           int limit, time_t since, int64_t after)
{
    char iso[21], slice[128];

    timefmt_rfc3339(since, iso);
    buf_printf(b, ",\"cursor\":{\"changed_since\":\"%s\",\"after_id\":%lld}", iso,
               (long long)after);
    buf_puts(b, ",\"next\":");
    if (more) {
        snprintf(slice, sizeof(slice), "limit=%d&changed_since=%s&after_id=%lld", limit, iso,
                 (long long)after);
        put_url(b, ctx, "/api/v1/events", f, NULL, 0, slice);
    } else {
        buf_puts(b, "null");
    }
    buf_puts(b, ",\"prev\":null");
}

int
web_api_events(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct store *st;
    const char *why = NULL, *sort = web_param(req, "sort");
    int limit, offset;
    int64_t total = 0;
    struct list l = { .b = b, .ctx = ctx };
    struct cursor cur;

    if (api_unknown_param(req, P_FILTERS " " P_SLICE " sort changed_since after_id", resp))
        return 0;
    if (render_filter_read(req, "all", &f, &why) != ALM_OK)
        return bad_filter(resp, why);
    if (read_slice(req, &f, &limit, &offset, &why) != ALM_OK)
        return api_error(resp, 400, why);
    if (sort && *sort && strcmp(sort, "score") != 0 && strcmp(sort, "date") != 0)
        return api_error(resp, 400, "bad parameter: sort (date or score)");
    if (read_cursor(req, &cur, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    render_filter_query(&f, web_now(ctx), &q);
    if (sort && strcmp(sort, "score") == 0)
        q.by_score = 1;
    if (cur.on) {
        q.sync = 1;
        q.changed_since = cur.since;
        q.after_id = cur.after;
        offset = 0;
        l.changed = 1;
    }
    if (store_count_matching(st, &q, &total) != ALM_OK)
        return api_error(resp, 500, "the store failed");
    q.limit = limit + 1;
    q.offset = offset;
    l.max = limit;
    buf_printf(b, "{\"total\":%lld,\"events\":[", (long long)total);
    if (store_list_events(st, &q, put_event, &l) != ALM_OK)
        return api_error(resp, 500, "the store failed");
    buf_putc(b, ']');
    if (cur.on)
        put_cursor(b, ctx, &f, l.more, limit, l.n ? l.last_analyzed : cur.since,
                   l.n ? l.last_id : cur.after);
    else
        put_next(b, ctx, "/api/v1/events", &f, NULL, q.by_score, l.more, limit, offset);
    buf_puts(b, "}\n");
    api_ok(resp, MAX_AGE_LIST, st);
    return 0;
}

static int
put_entity(const char *name, const char *kind, int mentions, void *arg)
{
    struct list *l = arg;

    if (l->n++)
        buf_putc(l->b, ',');
    buf_puts(l->b, "{\"name\":");
    buf_append_json(l->b, name);
    buf_puts(l->b, ",\"kind\":");
    buf_append_json(l->b, kind);
    buf_printf(l->b, ",\"mentions\":%d}", mentions);
    return 0;
}

/* The event's reasons as a JSON array, points rounded to two decimals. */
static void
put_reasons(struct buf *b, const struct event *e)
{
    cJSON *out = cJSON_CreateArray();
    char *text;

    for (size_t i = 0; i < e->nreasons; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "points", round(e->reasons[i].points * 100) / 100);
        cJSON_AddStringToObject(o, "text", e->reasons[i].text);
        cJSON_AddItemToArray(out, o);
    }
    text = cJSON_PrintUnformatted(out);
    buf_puts(b, text ? text : "[]");
    cJSON_free(text);
    cJSON_Delete(out);
}

/* A whole decimal id after prefix, or 0. */
static int64_t
id_after(const char *path, const char *prefix)
{
    const char *p = path + strlen(prefix);
    int64_t id = 0;
    int n = 0;

    for (; *p >= '0' && *p <= '9'; p++)
        if (++n > 18)
            return 0;
        else
            id = id * 10 + (*p - '0');
    return *p == '\0' ? id : 0;
}

int
web_api_event(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    struct buf *b = &resp->body;
    int64_t id = id_after(req->path, "/api/v1/events/");
    struct event_query q = { 0 };
    struct store *st;
    struct event e;
    int rc;

    if (id <= 0)
        return api_error(resp, 404, "no such event");
    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    rc = store_get_event(st, id, &e);
    if (rc == ALM_ENOTFOUND)
        return api_error(resp, 404, "no such event");
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    buf_putc(b, '{');
    api_event_fields(b, ctx, &e);
    buf_puts(b, ",\"reasons\":");
    put_reasons(b, &e);

    struct list ents = { .b = b, .ctx = ctx };
    buf_puts(b, ",\"entities\":[");
    rc = store_event_entities(st, id, put_entity, &ents);
    struct list rel = { .b = b, .ctx = ctx, .weights = 1 };
    buf_puts(b, "],\"related\":[");
    if (rc == ALM_OK)
        rc = store_related_events(st, id, put_event, &rel);
    /* "story" is the story's id (its first report's); here are its events. */
    buf_puts(b, "],\"story_events\":[");
    struct list story = { .b = b, .ctx = ctx, .max = STORY_MAX, .first = e.story_id };
    q.story = e.story_id;
    q.limit = STORY_MAX + 1;
    if (rc == ALM_OK && e.story_id > 0)
        rc = store_list_events(st, &q, put_event, &story);
    buf_puts(b, "]}\n");
    event_fini(&e);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_EVENT, st);
    return 0;
}

/* ---- guides ---- */

static void
put_guide(struct buf *b, const struct web_ctx *ctx, const struct guide_info *g)
{
    struct buf url = BUF_INIT(1024);

    buf_puts(b, "\"slug\":");
    buf_append_json(b, g->slug);
    buf_puts(b, ",\"title\":");
    buf_append_json(b, g->title);
    buf_puts(b, ",\"summary\":");
    buf_append_json(b, g->summary);
    buf_puts(b, ",\"kind\":");
    buf_append_json(b, g->kind);
    buf_printf(b, ",\"events\":%lld,\"newest\":", (long long)g->events);
    json_time(b, g->newest);
    render_absolute(&url, ctx, "/guides/");
    buf_puts(&url, g->slug);
    buf_puts(b, ",\"url\":");
    buf_append_json(b, buf_cstr(&url));
    buf_fini(&url);
}

struct guides {
    struct buf *b;
    const struct web_ctx *ctx;
    int n;
};

static int
put_guide_item(const struct guide_info *g, void *arg)
{
    struct guides *gl = arg;

    if (gl->n++)
        buf_putc(gl->b, ',');
    buf_putc(gl->b, '{');
    put_guide(gl->b, gl->ctx, g);
    buf_putc(gl->b, '}');
    return 0;
}

int
web_api_guides(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct guides gl = { .b = b, .ctx = ctx };
    struct store *st;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    buf_puts(b, "{\"guides\":[");
    if (store_list_guides(st, put_guide_item, &gl) != ALM_OK)
        return api_error(resp, 500, "the store failed");
    buf_puts(b, "]}\n");
    api_ok(resp, MAX_AGE_GUIDE, st);
    return 0;
}

/*
 * What the one-guide and one-source handlers check first: a valid slug, the
 * list filters and slice, the store. Returns 1 when an error was answered
 * (missing: the 404's message), else 0 with *f, *limit, *offset and *st set.
 */
int
api_one_prologue(const struct web_ctx *ctx, const struct web_request *req, const char *slug,
             const char *missing, const char *allowed, struct web_filter *f, int *limit,
             int *offset, struct store **st, struct web_response *resp)
{
    const char *why;

    if (!render_valid_slug(slug))
        return api_error(resp, 404, missing), 1;
    if (api_unknown_param(req, allowed, resp))
        return 1;
    if (render_filter_read(req, "all", f, &why) != ALM_OK)
        return bad_filter(resp, why), 1;
    if (read_slice(req, f, limit, offset, &why) != ALM_OK)
        return api_error(resp, 400, why), 1;
    if ((*st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available"), 1;
    return 0;
}

/* A store lookup's result: 1 when it failed and the 404 or 500 was answered. */
int
api_lookup_failed(struct web_response *resp, int rc, const char *missing)
{
    if (rc == ALM_ENOTFOUND)
        return api_error(resp, 404, missing), 1;
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed"), 1;
    return 0;
}

/*
 * The end of a one-guide or one-source answer: ',"events":[...]' (a page of
 * q from offset), the link to the next page of path, and the closing brace.
 * Returns the store's result.
 */
int
api_events_page(struct buf *b, const struct web_ctx *ctx, struct store *st,
                struct event_query *q, const char *path, const struct web_filter *f,
                int limit, int offset)
{
    struct list l = { .b = b, .ctx = ctx, .max = limit };
    int rc;

    q->limit = limit + 1; /* one more tells whether a next page exists */
    q->offset = offset;
    buf_puts(b, ",\"events\":[");
    rc = store_list_events(st, q, put_event, &l);
    buf_putc(b, ']');
    put_next(b, ctx, path, f, NULL, 0, l.more, limit, offset);
    buf_puts(b, "}\n");
    return rc;
}

/* ',"milestones":[...]': the guide's milestones (milestones.h), oldest first. */
static void
put_milestones(struct buf *b, const struct web_ctx *ctx, const struct milestones *m)
{
    buf_puts(b, ",\"milestones\":[");
    for (size_t i = 0; i < m->n; i++) {
        const struct milestone *x = &m->v[i];
        struct buf page = BUF_INIT(4096);
        struct tm tm;
        time_t t = x->published;

        gmtime_r(&t, &tm);
        render_absolute(&page, ctx, "");
        render_event_path(&page, x->id, x->title);
        buf_printf(b, "%s{\"year\":%d,\"date\":", i ? "," : "", tm.tm_year + 1900);
        json_time(b, x->published);
        buf_printf(b, ",\"id\":%lld,\"story\":", (long long)x->id);
        if (x->story)
            buf_printf(b, "%lld", (long long)x->story);
        else
            buf_puts(b, "null");
        buf_printf(b, ",\"score\":%d,\"title\":", x->score);
        buf_append_json(b, x->title);
        buf_puts(b, ",\"url\":");
        buf_append_json(b, buf_cstr(&page));
        buf_puts(b, ",\"link\":");
        if (render_is_http(x->url))
            buf_append_json(b, x->url);
        else
            buf_puts(b, "null");
        buf_puts(b, ",\"source\":{\"slug\":");
        buf_append_json(b, x->source_slug);
        buf_puts(b, ",\"name\":");
        buf_append_json(b, x->source_name);
        buf_printf(b, ",\"tier\":%d},\"line\":", x->tier);
        buf_append_json(b, x->line);
        buf_putc(b, '}');
        buf_fini(&page);
    }
    buf_putc(b, ']');
}

int
web_api_guide(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    const char *slug = req->path + strlen("/api/v1/guides/");
    struct buf *b = &resp->body;
    struct web_filter f, only;
    struct event_query q;
    struct guide_info g;
    struct milestones ms = { 0 };
    struct store *st;
    int limit, offset, counts[CHART_WEEKS], rc, thread;
    time_t now = web_now(ctx), first;
    char path[96];

    if (api_one_prologue(ctx, req, slug, "no such guide", "min source tier kind period " P_SLICE,
                     &f, &limit, &offset, &st, resp) ||
        api_lookup_failed(resp, store_get_guide(st, slug, &g), "no such guide"))
        return 0;
    only = (struct web_filter){ .guide = g.slug, .period = "all", .default_period = "all",
                                .page = 1 };
    render_filter_query(&only, now, &q);
    first = render_chart_first(now, g.newest, CHART_WEEKS);
    if (store_events_per_week(st, &q, first, CHART_WEEKS, counts) != ALM_OK) {
        guide_info_fini(&g);
        return api_error(resp, 500, "the store failed");
    }
    /* Milestones are a thread's: a topic or lab guide has null. */
    thread = strcmp(g.kind, "thread") == 0;
    if (thread && milestones_load(st, g.slug, &ms) != ALM_OK) {
        guide_info_fini(&g);
        return api_error(resp, 500, "the store failed");
    }
    buf_puts(b, "{\"guide\":{");
    put_guide(b, ctx, &g);
    buf_puts(b, ",\"body\":");
    buf_append_json(b, g.body);
    buf_puts(b, ",\"weeks\":[");
    for (int i = 0; i < CHART_WEEKS; i++) {
        char iso[21];
        timefmt_rfc3339(first + (time_t)i * 604800, iso);
        buf_printf(b, "%s{\"week\":\"%.10s\",\"events\":%d}", i ? "," : "", iso, counts[i]);
    }
    buf_putc(b, ']');
    if (thread)
        put_milestones(b, ctx, &ms);
    else
        buf_puts(b, ",\"milestones\":null");
    milestones_fini(&ms);
    buf_putc(b, '}');
    snprintf(path, sizeof(path), "/api/v1/guides/%s", g.slug);
    /* The weeks count the whole guide; the reader's filters narrow the list. */
    f.guide = g.slug;
    render_filter_query(&f, now, &q);
    f.guide = NULL;
    rc = api_events_page(b, ctx, st, &q, path, &f, limit, offset);
    guide_info_fini(&g);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_GUIDE, st);
    return 0;
}

/* ---- sources ---- */

struct sources {
    struct buf *b;
    int n;
    const struct config *cfg;
    struct buf api;           /* "\nslug\n..." of the sources added through the API */
};

static int
collect_api_slug(const char *name, const char *body, void *arg)
{
    struct buf *api = arg;

    (void)body;
    if (api->len == 0)
        buf_putc(api, '\n');
    buf_puts(api, name);
    buf_putc(api, '\n');
    return ALM_OK;
}

/* ',"origin":...': where the source is defined, "config" (the file),
 * "api" (added through the API) or null (neither any more: removed, its
 * items kept). */
static void
put_origin(struct buf *b, const struct sources *sl, const char *slug)
{
    char key[CONFIG_SLUG_MAX + 3];

    snprintf(key, sizeof(key), "\n%s\n", slug);
    if (config_find(sl->cfg, slug))
        buf_puts(b, ",\"origin\":\"config\"");
    else if (sl->api.data && strstr(sl->api.data, key))
        buf_puts(b, ",\"origin\":\"api\"");
    else
        buf_puts(b, ",\"origin\":null");
}

static int
put_source_item(const struct source_info *s, void *arg)
{
    struct sources *sl = arg;

    if (sl->n++)
        buf_putc(sl->b, ',');
    buf_putc(sl->b, '{');
    json_source_info_fields(sl->b, s);
    put_origin(sl->b, sl, s->slug);
    buf_putc(sl->b, '}');
    return 0;
}

int
web_api_sources(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct sources sl = { .b = b, .cfg = ctx->cfg, .api = BUF_INIT((size_t)4 << 20) };
    struct store *st;
    time_t analyzed = 0, fetched = 0;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    buf_puts(b, "{\"sources\":[");
    if (store_defs_list(st, "source", collect_api_slug, &sl.api) != ALM_OK ||
        store_list_source_info(st, put_source_item, &sl) != ALM_OK) {
        buf_fini(&sl.api);
        return api_error(resp, 500, "the store failed");
    }
    buf_fini(&sl.api);
    buf_puts(b, "]}\n");
    api_ok(resp, MAX_AGE_LIST, st);
    store_last_change(st, &analyzed, &fetched);
    resp->last_modified = fetched > analyzed ? fetched : analyzed;
    return 0;
}

int
web_api_source(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    const char *slug = req->path + strlen("/api/v1/sources/");
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct source_info s;
    struct store *st;
    int limit, offset, rc;
    time_t analyzed = 0, fetched = 0;
    char path[96];

    if (api_one_prologue(ctx, req, slug, "no such source", "min guide tier kind period " P_SLICE,
                     &f, &limit, &offset, &st, resp) ||
        api_lookup_failed(resp, store_get_source_info(st, slug, &s), "no such source"))
        return 0;
    /* The reader's filters narrow the list; the source is the path's. */
    f.source = s.slug;
    render_filter_query(&f, web_now(ctx), &q);
    f.source = NULL;
    buf_puts(b, "{\"source\":{");
    json_source_info_fields(b, &s);
    {
        struct sources sl = { .b = b, .cfg = ctx->cfg, .api = BUF_INIT((size_t)4 << 20) };
        if (config_find(ctx->cfg, s.slug) == NULL &&
            store_defs_list(st, "source", collect_api_slug, &sl.api) != ALM_OK) {
            buf_fini(&sl.api);
            source_info_fini(&s);
            return api_error(resp, 500, "the store failed");
        }
        put_origin(b, &sl, s.slug);
        buf_fini(&sl.api);
    }
    buf_puts(b, "}");
    snprintf(path, sizeof(path), "/api/v1/sources/%s", s.slug);
    rc = api_events_page(b, ctx, st, &q, path, &f, limit, offset);
    source_info_fini(&s);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_LIST, st);
    store_last_change(st, &analyzed, &fetched);
    resp->last_modified = fetched > analyzed ? fetched : analyzed;
    return 0;
}

/* ---- search ---- */

/* s with the search markers turned into <mark>, as an escaped HTML JSON string. */
static void
put_marked_json(struct buf *b, const char *s)
{
    struct buf h = BUF_INIT((size_t)1 << 20);

    render_marked(&h, s, '\x01', '\x02');
    buf_append_json(b, buf_cstr(&h));
    buf_fini(&h);
}

static int
put_hit(const struct event *e, const char *title, const char *snippet, void *arg)
{
    struct list *l = arg;

    if (l->max > 0 && l->n >= l->max) {
        l->more = 1;
        return 1;
    }
    if (l->n++)
        buf_putc(l->b, ',');
    buf_putc(l->b, '{');
    api_event_fields(l->b, l->ctx, e);
    buf_puts(l->b, ",\"title_html\":");
    put_marked_json(l->b, title ? title : e->item.title);
    buf_puts(l->b, ",\"snippet_html\":");
    put_marked_json(l->b, snippet ? snippet : "");
    buf_putc(l->b, '}');
    return 0;
}

int
web_api_search(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    struct buf *b = &resp->body;
    const char *text = web_param(req, "q");
    struct web_filter f;
    struct event_query q;
    struct store *st;
    const char *why;
    struct text_query *match = NULL;
    int limit, offset, rc;
    int64_t total = 0;

    if (api_unknown_param(req, "q " P_FILTERS " " P_SLICE, resp))
        return 0;
    if (text == NULL || strspn(text, " \t\r\n\f\v") == strlen(text))
        return api_error(resp, 400, "missing q, the words to search for");
    /* Characters (code points), not bytes: 200 of any script. */
    long chars = web_utf8_chars(text);
    if (chars < 0)
        return api_error(resp, 400, "q is not UTF-8");
    if (chars > 200)
        return api_error(resp, 400, "q is longer than 200 characters");
    if (render_filter_read(req, "all", &f, &why) != ALM_OK)
        return bad_filter(resp, why);
    if (read_slice(req, &f, &limit, &offset, &why) != ALM_OK)
        return api_error(resp, 400, why);
    rc = web_search_query(text, &match);
    if (rc != ALM_OK)
        return api_error(resp, 400,
                         rc == ALM_ETOOBIG   ? "q has more than 32 words"
                         : rc == ALM_EDENIED ? "q: a prefix (word*) needs at least 3 characters"
                                               " before the *, and q at most 3 prefixes"
                                             : "q has no words");
    if ((st = web_store(ctx)) == NULL) {
        text_query_free(match);
        return api_error(resp, 500, "the store is not available");
    }
    render_filter_query(&f, web_now(ctx), &q);
    q.text = match;
    rc = store_count_matching(st, &q, &total);
    if (rc != ALM_OK) {
        text_query_free(match);
        return rc == ALM_EINVAL ? api_error(resp, 400, "q could not be understood")
                                : api_error(resp, 500, "the store failed");
    }
    q.limit = limit + 1;
    q.offset = offset;
    buf_puts(b, "{\"query\":");
    buf_append_json(b, text);
    buf_printf(b, ",\"total\":%lld,\"events\":[", (long long)total);
    struct list l = { .b = b, .ctx = ctx, .max = limit };
    rc = total > offset ? store_search_events(st, &q, "\x01", "\x02", put_hit, &l) : ALM_OK;
    buf_putc(b, ']');
    put_next(b, ctx, "/api/v1/search", &f, text, 0, l.more, limit, offset);
    buf_puts(b, "}\n");
    text_query_free(match);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_LIST, st);
    return 0;
}

/* ---- the description ---- */

int
web_api_openapi(const struct web_ctx *ctx, const struct web_request *req,
                struct web_response *resp)
{
    (void)ctx;
    if (api_unknown_param(req, NULL, resp))
        return 0;
    buf_append(&resp->body, openapi_json, sizeof(openapi_json) - 1);
    resp->status = 200;
    resp->content_type = json_type;
    resp->max_age = MAX_AGE_GUIDE;
    resp->last_modified = 0;
    return 0;
}

/* ---- writes (the server has checked the token) ---- */

int
web_api_fetch(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    if (api_unknown_param(req, NULL, resp))
        return 0;
    if (ctx->ingest_now == NULL)
        return api_error(resp, 409, "this server does not ingest (almanac serve): use almanac"
                                    " run, or run almanac fetch beside it");
    ctx->ingest_now();
    resp->status = 202;
    resp->content_type = json_type;
    resp->max_age = -1;
    buf_puts(&resp->body, "{\"status\":\"accepted\",\"message\":\"a fetch of every enabled"
                          " source starts now; GET /api/v1/sources shows its progress\"}\n");
    return 0;
}
