/*
 * api_map.c - the map's JSON: /api/v1/entities (every entity with events),
 * /api/v1/entities/SLUG (what its page shows, and its events with the
 * list filters and slice) and /api/v1/stories/ID (the story's reports,
 * each source's first appearance and what it adds, coverage by tier),
 * /api/v1/learn and /api/v1/learn/SLUG (learning paths with their steps).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "present/json.h"
#include "store/store_web.h"
#include "web/api.h"
#include "web/api_common.h"
#include "web/entity_view.h"
#include "web/learn_view.h"
#include "web/render.h"
#include "web/story_view.h"

#define MAX_AGE_ENTITY 3600
#define MAX_AGE_STORY 300

static void
put_page_url(struct buf *b, const struct web_ctx *ctx, const char *prefix, const char *slug)
{
    struct buf u = BUF_INIT(4096);

    render_absolute(&u, ctx, prefix);
    buf_puts(&u, slug);
    buf_append_json(b, buf_cstr(&u));
    buf_fini(&u);
}

static void
put_entity_head(struct buf *b, const struct web_ctx *ctx, const struct entity_info *e)
{
    buf_puts(b, "\"slug\":");
    buf_append_json(b, e->slug);
    buf_puts(b, ",\"name\":");
    buf_append_json(b, e->name);
    buf_puts(b, ",\"kind\":");
    buf_append_json(b, e->kind);
    buf_puts(b, ",\"aliases\":[");
    for (size_t i = 0; i < e->aliases.n; i++) {
        if (i > 0)
            buf_putc(b, ',');
        buf_append_json(b, e->aliases.v[i]);
    }
    buf_printf(b, "],\"salience\":%d,\"events\":%lld,\"url\":", e->salience,
               (long long)e->events);
    put_page_url(b, ctx, "/entities/", e->slug);
}

struct entities {
    struct buf *b;
    const struct web_ctx *ctx;
    int n;
};

static int
put_entity_item(const struct entity_info *e, void *arg)
{
    struct entities *l = arg;

    if (l->n++)
        buf_putc(l->b, ',');
    buf_putc(l->b, '{');
    put_entity_head(l->b, l->ctx, e);
    buf_putc(l->b, '}');
    return 0;
}

int
web_api_entities(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct entities l = { .b = b, .ctx = ctx };
    struct store *st;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    buf_puts(b, "{\"entities\":[");
    if (store_list_entities(st, put_entity_item, &l) != ALM_OK)
        return api_error(resp, 500, "the store failed");
    buf_puts(b, "]}\n");
    api_ok(resp, MAX_AGE_ENTITY, st);
    return 0;
}

static void
put_entity_body(struct buf *b, const struct web_ctx *ctx, const struct entity_page *p)
{
    const struct entity_info *e = &p->e;
    struct buf desc = BUF_INIT(8192);

    put_entity_head(b, ctx, e);
    buf_puts(b, ",\"description\":");
    buf_append_json(b, e->description);
    entity_view_describe(&desc, p);
    buf_puts(b, ",\"generated_description\":");
    buf_append_json(b, buf_cstr(&desc));
    buf_fini(&desc);
    buf_puts(b, ",\"first_event\":");
    json_time(b, e->first);
    buf_puts(b, ",\"latest_event\":");
    json_time(b, e->last);
    buf_puts(b, ",\"family\":");
    if (p->nfamily > 0 && p->family_name) {
        buf_puts(b, "{\"name\":");
        buf_append_json(b, p->family_name);
        buf_puts(b, ",\"members\":[");
        for (int i = 0; i < p->nfamily; i++) {
            buf_puts(b, i ? ",{\"slug\":" : "{\"slug\":");
            buf_append_json(b, p->family[i].slug);
            buf_puts(b, ",\"name\":");
            buf_append_json(b, p->family[i].name);
            buf_puts(b, ",\"first_event\":");
            json_time(b, p->family[i].first);
            buf_printf(b, ",\"self\":%s}", i == p->self_index ? "true" : "false");
        }
        buf_puts(b, "]}");
    } else {
        buf_puts(b, "null");
    }
    buf_puts(b, ",\"named_with\":[");
    for (int i = 0; i < p->nnb; i++) {
        buf_puts(b, i ? ",{\"slug\":" : "{\"slug\":");
        buf_append_json(b, p->nb[i].slug);
        buf_puts(b, ",\"name\":");
        buf_append_json(b, p->nb[i].name);
        buf_puts(b, ",\"kind\":");
        buf_append_json(b, p->nb[i].kind);
        buf_printf(b, ",\"events\":%lld}", (long long)p->nb[i].n);
    }
    buf_puts(b, "],\"guides\":[");
    for (int i = 0; i < p->ngd; i++) {
        buf_puts(b, i ? ",{\"slug\":" : "{\"slug\":");
        buf_append_json(b, p->gd[i].slug);
        buf_puts(b, ",\"title\":");
        buf_append_json(b, p->gd[i].title);
        buf_printf(b, ",\"events\":%lld}", (long long)p->gd[i].n);
    }
    buf_puts(b, "],\"weeks\":[");
    for (int i = 0; i < ENTITY_CHART_WEEKS; i++) {
        char iso[21];
        timefmt_rfc3339(p->first_week + (time_t)i * 604800, iso);
        buf_printf(b, "%s{\"week\":\"%.10s\",\"events\":%d}", i ? "," : "", iso, p->counts[i]);
    }
    buf_puts(b, "]");
}

int
web_api_entity(const struct web_ctx *ctx, const struct web_request *req,
               struct web_response *resp)
{
    const char *slug = req->path + strlen("/api/v1/entities/");
    struct buf *b = &resp->body;
    struct web_filter f;
    struct event_query q;
    struct entity_page *p;
    struct store *st;
    int limit, offset, rc;
    time_t now = web_now(ctx);
    char path[96];

    if (api_one_prologue(ctx, req, slug, "no such entity",
                         "min guide source tier kind period page limit offset", &f, &limit,
                         &offset, &st, resp))
        return 0;
    p = xcalloc(1, sizeof(*p));
    rc = entity_gather(st, slug, &f, now, limit, NULL, NULL, p);
    if (api_lookup_failed(resp, rc, "no such entity")) {
        entity_page_free(p);
        return 0;
    }
    buf_printf(b, "{\"total\":%lld,\"entity\":{", (long long)p->total);
    put_entity_body(b, ctx, p);
    buf_puts(b, "}");
    snprintf(path, sizeof(path), "/api/v1/entities/%s", p->e.slug);
    render_filter_query(&f, now, &q);
    q.entity = p->e.name;
    rc = api_events_page(b, ctx, st, &q, path, &f, limit, offset);
    entity_page_free(p);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_ENTITY, st);
    return 0;
}

int
web_api_story(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    const char *p = req->path + strlen("/api/v1/stories/");
    struct buf *b = &resp->body;
    struct story_view v;
    struct store *st;
    int64_t id = 0;
    int digits = 0, rc;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    for (; *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
        id = id * 10 + (*p - '0');
    if (digits == 0 || *p != '\0' || id <= 0)
        return api_error(resp, 404, "no such story");
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    rc = story_gather(st, id, &v);
    if (api_lookup_failed(resp, rc, "no such story")) {
        story_view_fini(&v);
        return 0;
    }
    buf_printf(b, "{\"story\":{\"id\":%lld,\"url\":", (long long)v.s.id);
    {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)v.s.id);
        put_page_url(b, ctx, "/stories/", num);
    }
    buf_puts(b, ",\"title\":");
    buf_append_json(b, v.r[0].e.item.title);
    buf_printf(b, ",\"first_event\":%lld,\"events\":%d,\"sources\":%d,\"tiers\":[",
               (long long)v.s.first_event, v.s.events, v.nsources);
    for (int t = 1, k = 0; t <= 3; t++)
        if (v.tiers[t] > 0)
            buf_printf(b, "%s%d", k++ ? "," : "", t);
    buf_printf(b, "],\"complete\":%s,\"first_seen\":", v.truncated ? "false" : "true");
    json_time(b, v.s.first_seen);
    buf_puts(b, ",\"last_seen\":");
    json_time(b, v.s.last_seen);
    buf_puts(b, ",\"contributions\":[");
    for (int i = 0, k = 0; i < v.n; i++) {
        const struct story_report *r = &v.r[i];
        if (!r->first_of_source)
            continue;
        buf_printf(b, "%s{\"event\":%lld,\"source\":", k++ ? "," : "", (long long)r->e.item.id);
        buf_append_json(b, r->e.item.source_slug);
        buf_printf(b, ",\"tier\":%d,\"published\":", r->e.item.tier);
        json_time(b, r->e.item.published);
        buf_puts(b, ",\"adds\":");
        buf_append_json(b, r->adds);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"coverage\":[");
    {
        int cum[4] = { 0 };
        for (int i = 0; i < v.nbuckets; i++) {
            char iso[21];
            for (int t = 0; t < 4; t++)
                cum[t] += v.added[i][t];
            timefmt_rfc3339(v.bucket0 + (time_t)i * v.bucket_secs, iso);
            buf_printf(b, "%s{\"from\":\"%s\",\"tier1\":%d,\"tier2\":%d,\"tier3\":%d}",
                       i ? "," : "", iso, cum[1], cum[2], cum[3]);
        }
    }
    buf_puts(b, "]},\"events\":[");
    for (int i = 0; i < v.n; i++) {
        buf_puts(b, i ? ",{" : "{");
        api_event_fields(b, ctx, &v.r[i].e);
        buf_printf(b, ",\"first_report\":%s}",
                   v.r[i].e.item.id == v.s.first_event ? "true" : "false");
    }
    buf_puts(b, "]}\n");
    story_view_fini(&v);
    api_ok(resp, MAX_AGE_STORY, st);
    return 0;
}

/* ---- learning paths ---- */

static void
put_path(struct buf *b, const struct web_ctx *ctx, const struct path_view *v)
{
    buf_puts(b, "{\"slug\":");
    buf_append_json(b, v->p.slug);
    buf_puts(b, ",\"title\":");
    buf_append_json(b, v->p.title);
    buf_puts(b, ",\"level\":");
    buf_append_json(b, v->p.level);
    buf_puts(b, ",\"summary\":");
    buf_append_json(b, v->p.summary);
    buf_printf(b, ",\"minutes\":%d,\"url\":", v->minutes);
    put_page_url(b, ctx, "/learn/", v->p.slug);
    buf_puts(b, ",\"steps\":[");
    for (int i = 0; i < v->n; i++) {
        const struct step *s = &v->steps[i];
        buf_printf(b, "%s{\"type\":\"%s\",\"slug\":", i ? "," : "",
                   s->entity ? "entity" : "guide");
        buf_append_json(b, s->slug);
        buf_puts(b, ",\"title\":");
        buf_append_json(b, s->title);
        buf_puts(b, ",\"why\":");
        buf_append_json(b, s->why);
        buf_printf(b, ",\"minutes\":%d,\"url\":", s->minutes);
        if (s->title)
            put_page_url(b, ctx, s->entity ? "/entities/" : "/guides/", s->slug);
        else
            buf_puts(b, "null");
        buf_putc(b, '}');
    }
    buf_puts(b, "]}");
}

int
web_api_learn(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    struct buf *b = &resp->body;
    struct learn_paths ps = { 0 };
    struct store *st;
    int rc;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    rc = learn_gather_all(st, &ps);
    if (rc == ALM_OK) {
        buf_puts(b, "{\"paths\":[");
        for (int i = 0; i < ps.n; i++) {
            if (i)
                buf_putc(b, ',');
            put_path(b, ctx, &ps.v[i]);
        }
        buf_puts(b, "]}\n");
    }
    learn_paths_fini(&ps);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_ENTITY, st);
    return 0;
}

int
web_api_learn_path(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp)
{
    const char *slug = req->path + strlen("/api/v1/learn/");
    struct path_view v = { 0 };
    struct path_info p;
    struct store *st;
    int rc;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if (!render_valid_slug(slug))
        return api_error(resp, 404, "no such learning path");
    if ((st = web_store(ctx)) == NULL)
        return api_error(resp, 500, "the store is not available");
    if (api_lookup_failed(resp, store_get_path(st, slug, &p), "no such learning path"))
        return 0;
    rc = learn_path_gather(st, &p, &v);
    if (rc == ALM_OK) {
        buf_puts(&resp->body, "{\"path\":");
        put_path(&resp->body, ctx, &v);
        buf_puts(&resp->body, "}\n");
    }
    learn_path_fini(&v);
    if (rc != ALM_OK)
        return api_error(resp, 500, "the store failed");
    api_ok(resp, MAX_AGE_ENTITY, st);
    return 0;
}
