/*
 * api_write.c - the API's writes (docs/api.md, "Writes"): sources and
 * alert rules added, changed and removed, a fetch of one source, an OPML
 * import. The server has checked the token, the method and the body's size.
 *
 * What the API adds lives in the store (api_defs), each source or rule as
 * the text of its configuration section, read with the configuration
 * file's own parser (config_parse_fragment): the same fields, the same
 * checks, the same messages. The file's sections stay authoritative for
 * their names: a write to one of them is a 409. Every command that reads
 * sources or rules (ingest, fetch, run, sources, alerts) sees both
 * (cli_defs).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "parse/opml.h"
#include "store/store.h"
#include "store/store_alerts.h"
#include "store/store_ingest.h"
#include "web/api.h"
#include "web/api_common.h"

static const char *const json_type = "application/json; charset=utf-8";

#define SOURCE_FIELDS "slug name feed url site author tier kind local enabled interval fulltext"
#define RULE_FIELDS "name min_score guide entity source kind quiet_hours max_age attempts" \
                    " webhook secret_env email local"

/* One field of a request body: its configuration key and how it is typed. */
enum ftype { F_TEXT, F_INT, F_BOOL };

struct field {
    const char *json, *key;
    enum ftype type;
};

static const struct field source_fields[] = {
    { "name", "name", F_TEXT },   { "feed", "feed", F_TEXT },
    { "url", "feed", F_TEXT },    { "site", "site", F_TEXT },
    { "author", "author", F_TEXT }, { "tier", "tier", F_INT },
    { "kind", "kind", F_TEXT },   { "local", "local", F_BOOL },
    { "enabled", "enabled", F_BOOL }, { "interval", "interval", F_INT },
    { "fulltext", "fulltext", F_BOOL },
};

static const struct field rule_fields[] = {
    { "min_score", "min_score", F_INT }, { "guide", "guide", F_TEXT },
    { "entity", "entity", F_TEXT },      { "source", "source", F_TEXT },
    { "kind", "kind", F_TEXT },          { "quiet_hours", "quiet_hours", F_TEXT },
    { "max_age", "max_age", F_INT },     { "attempts", "attempts", F_INT },
    { "webhook", "webhook", F_TEXT },    { "secret_env", "secret_env", F_TEXT },
    { "email", "email", F_TEXT },        { "local", "local", F_BOOL },
};

#define NFIELDS 16

/* The values of a section being written: key -> configuration text. */
struct section {
    const char *key[NFIELDS];
    char *value[NFIELDS];
    size_t n;
};

static void
section_set(struct section *s, const char *key, const char *value)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->key[i], key) == 0) {
            free(s->value[i]);
            s->value[i] = value ? xstrdup(value) : NULL;
            return;
        }
    }
    if (value == NULL || s->n == NFIELDS)
        return;
    s->key[s->n] = key;
    s->value[s->n++] = xstrdup(value);
}

static void
section_fini(struct section *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->value[i]);
    s->n = 0;
}

static int
json_answer(struct web_response *resp, int status, struct buf *b)
{
    resp->status = status;
    resp->content_type = json_type;
    resp->max_age = -1;
    resp->last_modified = 0;
    buf_reset(&resp->body);
    buf_append(&resp->body, b->data ? b->data : "", b->len);
    buf_fini(b);
    return 0;
}

static int
bad(struct web_response *resp, const char *fmt, const char *a, const char *b)
{
    char msg[512];

    snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
    return api_error(resp, 400, msg);
}

/* The request's body as a JSON object: *out, or 1 after answering 400. */
static int
body_object(const struct web_request *req, struct web_response *resp, cJSON **out)
{
    cJSON *j = req->body ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;

    if (j == NULL || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        api_error(resp, 400, "the body must be a JSON object (Content-Type: application/json)");
        return 1;
    }
    *out = j;
    return 0;
}

/* A text value that a configuration line holds as given. */
static const char *
text_problem(const char *v)
{
    size_t n = strlen(v);

    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "control characters (newlines, tabs) are not allowed";
    if (n > 0 && (v[0] == ' ' || v[n - 1] == ' '))
        return "leading or trailing spaces are not allowed";
    if (strstr(v, " ;") != NULL || strstr(v, " #") != NULL)
        return "' ;' and ' #' are not allowed (the configuration reads them as a comment)";
    if (n + 16 > CONFIG_LINE_MAX)
        return "too long for a configuration line";
    return NULL;
}

/*
 * Takes the members of body into s (allowed: the names for the 400),
 * skipping skip (the name member, checked by the caller). 0, or 1 after
 * answering 400 naming the member.
 */
static int
take_fields(const cJSON *body, const struct field *f, size_t nf, const char *skip,
            const char *allowed, struct section *s, struct web_response *resp)
{
    const cJSON *m;

    cJSON_ArrayForEach(m, body) {
        const struct field *hit = NULL;
        char num[32];
        const char *why;

        if (strcmp(m->string, skip) == 0)
            continue;
        for (size_t i = 0; i < nf && hit == NULL; i++)
            if (strcmp(f[i].json, m->string) == 0)
                hit = &f[i];
        if (hit == NULL)
            return bad(resp, "unknown field '%.64s'; this takes: %s", m->string, allowed), 1;
        if (cJSON_IsNull(m)) {
            section_set(s, hit->key, NULL);
            continue;
        }
        switch (hit->type) {
        case F_TEXT:
            if (!cJSON_IsString(m))
                return bad(resp, "field '%s': expected a string", hit->json, NULL), 1;
            if ((why = text_problem(m->valuestring)) != NULL)
                return bad(resp, "field '%s': %s", hit->json, why), 1;
            section_set(s, hit->key, m->valuestring);
            break;
        case F_INT:
            if (!cJSON_IsNumber(m) || m->valuedouble != (double)(long long)m->valuedouble ||
                m->valuedouble < -1e9 || m->valuedouble > 1e9)
                return bad(resp, "field '%s': expected a whole number", hit->json, NULL), 1;
            snprintf(num, sizeof(num), "%lld", (long long)m->valuedouble);
            section_set(s, hit->key, num);
            break;
        case F_BOOL:
            if (!cJSON_IsBool(m))
                return bad(resp, "field '%s': expected true or false", hit->json, NULL), 1;
            section_set(s, hit->key, cJSON_IsTrue(m) ? "yes" : "no");
            break;
        }
    }
    return 0;
}

/* The section's text: [source "slug"] or [alert name], then its keys. */
static void
render_section(struct buf *out, const char *what, const char *name, const struct section *s)
{
    if (strcmp(what, "source") == 0)
        buf_printf(out, "[source \"%s\"]\n", name);
    else
        buf_printf(out, "[alert %s]\n", name);
    for (size_t i = 0; i < s->n; i++)
        if (s->value[i])
            buf_printf(out, "%s = %s\n", s->key[i], s->value[i]);
}

/* text parsed as one section: *out, or 1 after answering 400 with the
 * configuration's reason. */
static int
parse_section(const struct buf *text, struct config **out, struct web_response *resp)
{
    char err[300], msg[400];

    if (config_parse_fragment(text->data, text->len, out, err, sizeof(err)) != ALM_OK) {
        snprintf(msg, sizeof(msg), "invalid: %s", err);
        api_error(resp, 400, msg);
        return 1;
    }
    return 0;
}

/* The store, read-write, for one write; NULL after answering 500. */
static struct store *
open_rw(const struct web_ctx *ctx, struct web_response *resp)
{
    struct store *st = NULL;
    char err[256];

    if (store_open(ctx->db_path, &st, err, sizeof(err)) != ALM_OK) {
        api_error(resp, 500, "the store cannot be opened for writing");
        return NULL;
    }
    return st;
}

/* Starts the write's transaction (SQLite: BEGIN IMMEDIATE, so two writes
 * of one name are one after the other); 1 after answering 500. */
static int
begin(struct store *st, int *open, struct web_response *resp)
{
    if (store_begin(st) != ALM_OK) {
        api_error(resp, 500, "the store failed");
        return 1;
    }
    *open = 1;
    return 0;
}

/* Commits; 1 after answering 500. */
static int
commit(struct store *st, int *open, struct web_response *resp)
{
    *open = 0;
    if (store_commit(st) != ALM_OK) {
        store_rollback(st);
        api_error(resp, 500, "the store failed");
        return 1;
    }
    return 0;
}

/* The API's definitions (NULL: none), or 1 after answering 500. */
static int
load_defs(struct store *st, struct config **defs, struct web_response *resp)
{
    char err[256];

    if (store_defs_config(st, defs, NULL, err, sizeof(err)) != ALM_OK) {
        api_error(resp, 500, "the store failed");
        return 1;
    }
    return 0;
}

/* ---- a source's JSON ---- */

static void
source_json(struct buf *b, const struct source *s, const char *origin)
{
    buf_puts(b, "{\"slug\":");
    buf_append_json(b, s->slug);
    buf_puts(b, ",\"name\":");
    buf_append_json(b, s->name ? s->name : "");
    buf_puts(b, ",\"feed\":");
    buf_append_json(b, s->feed_url ? s->feed_url : "");
    buf_puts(b, ",\"site\":");
    if (s->site_url)
        buf_append_json(b, s->site_url);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"author\":");
    if (s->author)
        buf_append_json(b, s->author);
    else
        buf_puts(b, "null");
    buf_printf(b, ",\"tier\":%d,\"kind\":", s->tier);
    buf_append_json(b, s->kind ? s->kind : "");
    buf_printf(b, ",\"local\":%s,\"enabled\":%s,\"interval\":%d,\"fulltext\":%s,\"origin\":\"%s\"}",
               s->local ? "true" : "false", s->enabled ? "true" : "false", s->interval,
               s->fulltext ? "true" : "false", origin);
}

/* The section of an existing source, for a PATCH. */
static void
section_of_source(struct section *sec, const struct source *s)
{
    char num[32];

    section_set(sec, "name", s->name);
    section_set(sec, "feed", s->feed_url);
    section_set(sec, "site", s->site_url);
    section_set(sec, "author", s->author);
    snprintf(num, sizeof(num), "%d", s->tier);
    section_set(sec, "tier", num);
    section_set(sec, "kind", s->kind);
    section_set(sec, "local", s->local ? "yes" : "no");
    section_set(sec, "enabled", s->enabled ? "yes" : "no");
    snprintf(num, sizeof(num), "%d", s->interval);
    section_set(sec, "interval", num);
    section_set(sec, "fulltext", s->fulltext ? "yes" : "no");
}

/* The slug after prefix in the path, up to the next '/', into out. */
static int
path_name(const char *path, const char *prefix, char *out, size_t len)
{
    size_t n = strlen(prefix), w;

    if (strncmp(path, prefix, n) != 0)
        return 0;
    w = strcspn(path + n, "/");
    if (w == 0 || w >= len)
        return 0;
    memcpy(out, path + n, w);
    out[w] = '\0';
    return 1;
}

static int
defined_in_file(struct web_response *resp, const char *what, const char *name)
{
    char msg[300];

    snprintf(msg, sizeof(msg), "%s '%s' is defined in the configuration file; change it there",
             what, name);
    return api_error(resp, 409, msg);
}

/*
 * Adds (create) or replaces (PUT) or changes (PATCH) the source slug. name
 * is the path's slug, or NULL for a POST (the body's slug).
 */
static int
write_source(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp,
             const char *name)
{
    const int patch = strcmp(req->method, "PATCH") == 0;
    cJSON *body = NULL;
    const cJSON *js;
    struct section sec = { 0 };
    struct store *st = NULL;
    struct config *defs = NULL, *one = NULL;
    const struct source *old = NULL;
    struct buf text = BUF_INIT((size_t)64 << 10), out = BUF_INIT((size_t)64 << 10);
    char slug[CONFIG_SLUG_MAX + 1];
    int64_t id;
    int tx = 0;

    if (api_unknown_param(req, NULL, resp) || body_object(req, resp, &body))
        goto done;
    js = cJSON_GetObjectItemCaseSensitive(body, "slug");
    if (name == NULL) {
        if (!cJSON_IsString(js) || js->valuestring[0] == '\0') {
            bad(resp, "field 'slug': required, a string of a-z, 0-9 and - (the source's name"
                      " in URLs)", NULL, NULL);
            goto done;
        }
        snprintf(slug, sizeof(slug), "%s", js->valuestring);
        if (strlen(js->valuestring) > CONFIG_SLUG_MAX) {
            bad(resp, "field 'slug': at most 64 characters", NULL, NULL);
            goto done;
        }
    } else {
        snprintf(slug, sizeof(slug), "%s", name);
        if (js && !(cJSON_IsString(js) && strcmp(js->valuestring, name) == 0)) {
            bad(resp, "field 'slug': a source's slug cannot change (it is '%s'); add a new"
                      " source and delete this one", name, NULL);
            goto done;
        }
    }
    if (text_problem(slug) != NULL || strchr(slug, '"') || strchr(slug, ']')) {
        bad(resp, "field 'slug': '%.64s' is not a slug (a-z, 0-9 and -)", slug, NULL);
        goto done;
    }
    if (config_find(ctx->cfg, slug) != NULL) {
        defined_in_file(resp, "source", slug);
        goto done;
    }
    if ((st = open_rw(ctx, resp)) == NULL || begin(st, &tx, resp) || load_defs(st, &defs, resp))
        goto done;
    old = defs ? config_find(defs, slug) : NULL;
    if (name == NULL && old != NULL) {
        char msg[300];
        snprintf(msg, sizeof(msg), "source '%s' exists; PUT or PATCH /api/v1/sources/%s"
                                   " changes it", slug, slug);
        api_error(resp, 409, msg);
        goto done;
    }
    if (name != NULL && old == NULL && patch) {
        api_error(resp, 404, "no such source added through the API; POST /api/v1/sources"
                             " adds one");
        goto done;
    }
    if (patch && old)
        section_of_source(&sec, old);
    if (take_fields(body, source_fields, LEN(source_fields), "slug", SOURCE_FIELDS, &sec, resp))
        goto done;
    render_section(&text, "source", slug, &sec);
    if (parse_section(&text, &one, resp))
        goto done;
    if (one->nsources != 1) {
        api_error(resp, 400, "invalid: not one source");
        goto done;
    }
    if (store_defs_put(st, "source", slug, text.data, web_now(ctx)) != ALM_OK ||
        store_sync_source(st, &one->sources[0], &id) != ALM_OK) {
        api_error(resp, 500, "the store failed");
        goto done;
    }
    if (commit(st, &tx, resp))
        goto done;
    buf_puts(&out, "{\"source\":");
    source_json(&out, &one->sources[0], "api");
    buf_puts(&out, "}\n");
    json_answer(resp, old ? 200 : 201, &out);
done:
    if (tx)
        store_rollback(st);
    buf_fini(&text);
    buf_fini(&out);
    section_fini(&sec);
    config_free(one);
    config_free(defs);
    if (st)
        store_close(st);
    cJSON_Delete(body);
    return 0;
}

int
web_api_source_add(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp)
{
    return write_source(ctx, req, resp, NULL);
}

int
web_api_source_put(const struct web_ctx *ctx, const struct web_request *req,
                   struct web_response *resp)
{
    char name[CONFIG_SLUG_MAX + 1];

    if (!path_name(req->path, "/api/v1/sources/", name, sizeof(name)))
        return api_error(resp, 404, "no such source");
    return write_source(ctx, req, resp, name);
}

int
web_api_source_delete(const struct web_ctx *ctx, const struct web_request *req,
                      struct web_response *resp)
{
    char name[CONFIG_SLUG_MAX + 1];
    struct store *st = NULL;
    struct config *defs = NULL;
    const struct source *s;
    struct buf out = BUF_INIT(4096);
    int found = 0, tx = 0;

    if (!path_name(req->path, "/api/v1/sources/", name, sizeof(name)))
        return api_error(resp, 404, "no such source");
    if (api_unknown_param(req, NULL, resp))
        return 0;
    if (config_find(ctx->cfg, name) != NULL)
        return defined_in_file(resp, "source", name);
    if ((st = open_rw(ctx, resp)) == NULL)
        return 0;
    if (begin(st, &tx, resp) || load_defs(st, &defs, resp))
        goto done;
    if ((s = defs ? config_find(defs, name) : NULL) == NULL) {
        api_error(resp, 404, "no such source added through the API");
        goto done;
    }
    if (store_defs_delete(st, "source", name, &found) != ALM_OK) {
        api_error(resp, 500, "the store failed");
        goto done;
    }
    {
        /* Its items stay (stories, guides and event pages cite them): the
         * store's row stays too, disabled, as for a section taken out of
         * the file. */
        struct source off = *s;
        int64_t id;
        off.enabled = 0;
        if (store_sync_source(st, &off, &id) != ALM_OK) {
            api_error(resp, 500, "the store failed");
            goto done;
        }
    }
    if (commit(st, &tx, resp))
        goto done;
    buf_puts(&out, "{\"deleted\":");
    buf_append_json(&out, name);
    buf_puts(&out, ",\"items\":\"kept\",\"message\":\"the source is no longer fetched; its items"
                   " and the events made of them stay\"}\n");
    json_answer(resp, 200, &out);
done:
    if (tx)
        store_rollback(st);
    buf_fini(&out);
    config_free(defs);
    store_close(st);
    return 0;
}

int
web_api_source_fetch(const struct web_ctx *ctx, const struct web_request *req,
                     struct web_response *resp)
{
    char name[CONFIG_SLUG_MAX + 1];
    struct store *st = NULL;
    struct config *defs = NULL;
    struct buf out = BUF_INIT(4096);
    int known;

    if (!path_name(req->path, "/api/v1/sources/", name, sizeof(name)))
        return api_error(resp, 404, "no such source");
    if (api_unknown_param(req, NULL, resp))
        return 0;
    known = config_find(ctx->cfg, name) != NULL;
    if (!known) {
        if ((st = open_rw(ctx, resp)) == NULL)
            return 0;
        if (load_defs(st, &defs, resp)) {
            store_close(st);
            return 0;
        }
        known = defs && config_find(defs, name) != NULL;
        config_free(defs);
        store_close(st);
    }
    if (!known)
        return api_error(resp, 404, "no such source");
    if (ctx->ingest_source == NULL)
        return api_error(resp, 409, "this server does not ingest (almanac serve): use almanac"
                                    " run, or run almanac fetch SOURCE beside it");
    ctx->ingest_source(name);
    buf_puts(&out, "{\"status\":\"accepted\",\"source\":");
    buf_append_json(&out, name);
    buf_puts(&out, ",\"message\":\"a fetch of this source starts now; GET /api/v1/sources/");
    buf_puts(&out, name);
    buf_puts(&out, " shows its result\"}\n");
    return json_answer(resp, 202, &out);
}

/* ---- OPML ---- */

static const char *
verdict_name(enum opml_verdict v)
{
    return v == OPML_ADD ? "added" : v == OPML_DUPLICATE ? "duplicate" : "rejected";
}

int
web_api_opml(const struct web_ctx *ctx, const struct web_request *req,
             struct web_response *resp)
{
    struct opml_outline *o = NULL;
    struct opml_import *v = NULL;
    size_t n = 0, added = 0, dup = 0, rej = 0;
    struct store *st = NULL;
    struct config *defs = NULL, *view = NULL;
    struct buf out = BUF_INIT((size_t)32 << 20);
    int rc, tx = 0;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    rc = opml_read(req->body ? req->body : "", req->body_len, &o, &n);
    if (rc == ALM_ETOOBIG)
        return api_error(resp, 413, "the OPML list has too many outlines");
    if (rc != ALM_OK)
        return api_error(resp, 400, "the body is not an OPML subscription list (OPML 1.0 or"
                                    " 2.0, no entity declarations)");
    if ((st = open_rw(ctx, resp)) == NULL || begin(st, &tx, resp) || load_defs(st, &defs, resp))
        goto done;
    view = config_merge(ctx->cfg, defs);
    if (opml_plan_import(view, o, n, &v) != ALM_OK) {
        api_error(resp, 500, "the import failed");
        goto done;
    }
    buf_puts(&out, "{\"outlines\":[");
    for (size_t i = 0; i < n; i++) {
        struct buf text = BUF_INIT((size_t)64 << 10);
        struct config *one = NULL;
        char err[256];
        int64_t id;

        if (v[i].verdict == OPML_ADD) {
            if (opml_import_render(&v[i], 1, &text) != ALM_OK ||
                config_parse_fragment(text.data, text.len, &one, err, sizeof(err)) != ALM_OK ||
                one->nsources != 1) {
                v[i].verdict = OPML_REJECT;
                snprintf(v[i].note, sizeof(v[i].note), "cannot be a source");
            } else if (store_defs_put(st, "source", v[i].slug, text.data, web_now(ctx)) !=
                           ALM_OK ||
                       store_sync_source(st, &one->sources[0], &id) != ALM_OK) {
                buf_fini(&text);
                config_free(one);
                api_error(resp, 500, "the store failed");
                goto done;
            }
        }
        buf_fini(&text);
        config_free(one);
        added += v[i].verdict == OPML_ADD;
        dup += v[i].verdict == OPML_DUPLICATE;
        rej += v[i].verdict == OPML_REJECT;
        buf_puts(&out, i ? ",{\"feed\":" : "{\"feed\":");
        buf_append_json(&out, v[i].feed);
        buf_printf(&out, ",\"result\":\"%s\",\"slug\":", verdict_name(v[i].verdict));
        if (v[i].verdict == OPML_ADD)
            buf_append_json(&out, v[i].slug);
        else
            buf_puts(&out, "null");
        buf_puts(&out, ",\"note\":");
        buf_append_json(&out, v[i].note);
        buf_puts(&out, "}");
    }
    buf_printf(&out, "],\"added\":%zu,\"duplicates\":%zu,\"rejected\":%zu}\n", added, dup, rej);
    if (commit(st, &tx, resp))
        goto done;
    json_answer(resp, 200, &out);
done:
    if (tx)
        store_rollback(st);
    buf_fini(&out);
    opml_import_free(v, n);
    opml_outlines_free(o, n);
    config_free(view);
    config_free(defs);
    store_close(st);
    return 0;
}

/* ---- alert rules ---- */

static void
opt_str(struct buf *b, const char *key, const char *v)
{
    buf_printf(b, ",\"%s\":", key);
    if (v)
        buf_append_json(b, v);
    else
        buf_puts(b, "null");
}

static void
rule_json(struct buf *b, const struct alert_rule *a, const char *origin)
{
    buf_puts(b, "{\"name\":");
    buf_append_json(b, a->name);
    buf_printf(b, ",\"min_score\":%d", a->min_score);
    opt_str(b, "guide", a->guide);
    opt_str(b, "entity", a->entity);
    opt_str(b, "source", a->source);
    opt_str(b, "kind", a->kind);
    if (a->quiet_start >= 0)
        buf_printf(b, ",\"quiet_hours\":\"%02d:%02d-%02d:%02d\"", a->quiet_start / 60,
                   a->quiet_start % 60, a->quiet_end / 60, a->quiet_end % 60);
    else
        buf_puts(b, ",\"quiet_hours\":null");
    buf_printf(b, ",\"max_age\":%d,\"attempts\":%d", a->max_age, a->attempts);
    opt_str(b, "webhook", a->webhook);
    opt_str(b, "secret_env", a->secret_env);
    opt_str(b, "email", a->email);
    buf_printf(b, ",\"local\":%s,\"origin\":\"%s\"}", a->local ? "true" : "false", origin);
}

int
web_api_rules(const struct web_ctx *ctx, const struct web_request *req,
              struct web_response *resp)
{
    struct store *st;
    struct config *defs = NULL;
    struct buf out = BUF_INIT((size_t)8 << 20);
    int first = 1;

    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((st = open_rw(ctx, resp)) == NULL)
        return 0;
    if (load_defs(st, &defs, resp)) {
        store_close(st);
        return 0;
    }
    store_close(st);
    buf_puts(&out, "{\"rules\":[");
    for (size_t i = 0; ctx->cfg && i < ctx->cfg->nalerts; i++, first = 0) {
        if (!first)
            buf_putc(&out, ',');
        rule_json(&out, &ctx->cfg->alerts[i], "config");
    }
    for (size_t i = 0; defs && i < defs->nalerts; i++) {
        if (config_find_alert(ctx->cfg, defs->alerts[i].name))
            continue; /* the file's wins */
        if (!first)
            buf_putc(&out, ',');
        first = 0;
        rule_json(&out, &defs->alerts[i], "api");
    }
    buf_puts(&out, "]}\n");
    config_free(defs);
    return json_answer(resp, 200, &out);
}

int
web_api_rule(const struct web_ctx *ctx, const struct web_request *req,
             struct web_response *resp)
{
    char name[CONFIG_SLUG_MAX + 1];
    const struct alert_rule *a;
    struct store *st;
    struct config *defs = NULL;
    struct buf out = BUF_INIT(65536);

    if (!path_name(req->path, "/api/v1/alerts/rules/", name, sizeof(name)))
        return api_error(resp, 404, "no such rule");
    if (api_unknown_param(req, NULL, resp))
        return 0;
    if ((a = config_find_alert(ctx->cfg, name)) != NULL) {
        buf_puts(&out, "{\"rule\":");
        rule_json(&out, a, "config");
        buf_puts(&out, "}\n");
        return json_answer(resp, 200, &out);
    }
    if ((st = open_rw(ctx, resp)) == NULL)
        return 0;
    if (load_defs(st, &defs, resp)) {
        store_close(st);
        return 0;
    }
    store_close(st);
    if ((a = defs ? config_find_alert(defs, name) : NULL) == NULL) {
        config_free(defs);
        return api_error(resp, 404, "no such rule");
    }
    buf_puts(&out, "{\"rule\":");
    rule_json(&out, a, "api");
    buf_puts(&out, "}\n");
    config_free(defs);
    return json_answer(resp, 200, &out);
}

int
web_api_rule_add(const struct web_ctx *ctx, const struct web_request *req,
                 struct web_response *resp)
{
    cJSON *body = NULL;
    const cJSON *jn;
    struct section sec = { 0 };
    struct store *st = NULL;
    struct config *defs = NULL, *one = NULL;
    struct buf text = BUF_INIT((size_t)64 << 10), out = BUF_INIT((size_t)64 << 10);
    const char *name;
    int tx = 0;

    if (api_unknown_param(req, NULL, resp) || body_object(req, resp, &body))
        goto done;
    jn = cJSON_GetObjectItemCaseSensitive(body, "name");
    if (!cJSON_IsString(jn) || jn->valuestring[0] == '\0' || strlen(jn->valuestring) >
        CONFIG_SLUG_MAX || text_problem(jn->valuestring) || strchr(jn->valuestring, ']') ||
        strchr(jn->valuestring, ' ')) {
        bad(resp, "field 'name': required, a slug (a-z, 0-9 and -, at most 64)", NULL, NULL);
        goto done;
    }
    name = jn->valuestring;
    if (config_find_alert(ctx->cfg, name) != NULL) {
        defined_in_file(resp, "rule", name);
        goto done;
    }
    if (take_fields(body, rule_fields, LEN(rule_fields), "name", RULE_FIELDS, &sec, resp))
        goto done;
    render_section(&text, "alert", name, &sec);
    if (parse_section(&text, &one, resp))
        goto done;
    if (one->nalerts != 1) {
        api_error(resp, 400, "invalid: not one rule");
        goto done;
    }
    if (one->alerts[0].email && (ctx->cfg == NULL || ctx->cfg->smtp.url == NULL)) {
        bad(resp, "field 'email': the configuration file has no [smtp] section; give webhook",
            NULL, NULL);
        goto done;
    }
    if ((st = open_rw(ctx, resp)) == NULL || begin(st, &tx, resp) || load_defs(st, &defs, resp))
        goto done;
    if (defs && config_find_alert(defs, name)) {
        char msg[300];
        snprintf(msg, sizeof(msg), "rule '%s' exists; DELETE /api/v1/alerts/rules/%s first",
                 name, name);
        api_error(resp, 409, msg);
        goto done;
    }
    if (store_defs_put(st, "alert", name, text.data, web_now(ctx)) != ALM_OK) {
        api_error(resp, 500, "the store failed");
        goto done;
    }
    if (commit(st, &tx, resp))
        goto done;
    buf_puts(&out, "{\"rule\":");
    rule_json(&out, &one->alerts[0], "api");
    buf_puts(&out, "}\n");
    json_answer(resp, 201, &out);
done:
    if (tx)
        store_rollback(st);
    buf_fini(&text);
    buf_fini(&out);
    section_fini(&sec);
    config_free(one);
    config_free(defs);
    store_close(st);
    cJSON_Delete(body);
    return 0;
}

int
web_api_rule_delete(const struct web_ctx *ctx, const struct web_request *req,
                    struct web_response *resp)
{
    char name[CONFIG_SLUG_MAX + 1];
    struct store *st;
    struct buf out = BUF_INIT(4096);
    int found = 0;

    if (!path_name(req->path, "/api/v1/alerts/rules/", name, sizeof(name)))
        return api_error(resp, 404, "no such rule");
    if (api_unknown_param(req, NULL, resp))
        return 0;
    if (config_find_alert(ctx->cfg, name) != NULL)
        return defined_in_file(resp, "rule", name);
    if ((st = open_rw(ctx, resp)) == NULL)
        return 0;
    if (store_defs_delete(st, "alert", name, &found) != ALM_OK) {
        store_close(st);
        return api_error(resp, 500, "the store failed");
    }
    store_close(st);
    if (!found)
        return api_error(resp, 404, "no such rule added through the API");
    buf_puts(&out, "{\"deleted\":");
    buf_append_json(&out, name);
    buf_puts(&out, ",\"message\":\"the rule alerts no more; its past deliveries stay in"
                   " almanac alerts\"}\n");
    return json_answer(resp, 200, &out);
}
