/*
 * llm.c - the summarize run (llm.h): the events still to summarise, the
 * cache, the requests with their rate limit, timeout and circuit breaker.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "base/err.h"
#include "base/logfmt.h"
#include "base/xalloc.h"
#include "fetch/fetch.h"
#include "llm/llm.h"
#include "store/store_analyze.h"

struct llm_client {
    const struct llm_conf *conf;
    struct fetch_opts fo;
    int allow_local;
    int failures;          /* in a row */
    double open_until;     /* monotonic seconds: no request before */
    double last_start;     /* of the last request, monotonic seconds; 0: none */
    int warned_key;
};

/* One event to summarise, copied out of the store's walk. */
struct todo {
    int64_t id;
    char *title, *source, *text, *kind;
};

struct todos {
    struct todo *v;
    size_t n, cap;
};

static const char system_prompt[] =
    "You write the summary of one news item for Almanac, a record of what happens in "
    "artificial intelligence. Read the item and answer with one JSON object and nothing "
    "else: {\"summary\": string, \"kind\": string, \"entities\": [string]}. The summary is "
    "2 to 4 sentences and 45 to 90 words in plain, factual English: what happened, who did "
    "it, and why it matters. Do not repeat the title, do not address the reader, add no "
    "facts, names or numbers the item does not give. kind is one of release, research, "
    "policy, business, security, commentary, digest, tutorial, other. entities lists the "
    "organisations, products, models and people the summary names, each written exactly "
    "as the item writes it.";

static double
mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_for(double secs)
{
    struct timespec ts;

    if (secs <= 0)
        return;
    ts.tv_sec = (time_t)secs;
    ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

struct llm_client *
llm_client_new(const struct llm_conf *conf, const char *user_agent, int allow_local_all)
{
    struct llm_client *c;

    if (conf == NULL || !conf->enabled || conf->endpoint == NULL || conf->model == NULL)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->conf = conf;
    fetch_opts_default(&c->fo);
    if (user_agent)
        c->fo.user_agent = user_agent;
    c->fo.timeout = conf->timeout;
    if (c->fo.connect_timeout > conf->timeout)
        c->fo.connect_timeout = conf->timeout;
    c->fo.low_speed_time = conf->timeout;
    c->fo.allow_local_all = allow_local_all;
    c->allow_local = conf->local || config_url_is_loopback(conf->endpoint);
    return c;
}

void
llm_client_free(struct llm_client *c)
{
    free(c);
}

/* The first max bytes of s at most, cut at a UTF-8 boundary. */
static char *
cut_utf8(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return xstrndup(s, n);
}

static int
take_todo(const struct llm_todo *t, void *arg)
{
    struct todos *l = arg;
    const char *text = t->text;
    struct todo *d;

    /* The article when the feed's own text is not longer. */
    if (t->article_text && (text == NULL || strlen(t->article_text) > strlen(text)))
        text = t->article_text;
    if (text == NULL || strlen(text) < LLM_TEXT_MIN)
        return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    d = &l->v[l->n++];
    d->id = t->id;
    d->title = xstrdup(t->title ? t->title : "");
    d->source = xstrdup(t->source_name ? t->source_name : "");
    d->text = cut_utf8(text, LLM_TEXT_MAX);
    d->kind = t->kind ? xstrdup(t->kind) : NULL;
    return 0;
}

static void
todos_free(struct todos *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].title);
        free(l->v[i].source);
        free(l->v[i].text);
        free(l->v[i].kind);
    }
    free(l->v);
}

/* The cache's key: SHA-256 of the prompt's version, the model, the title
 * and the text, in hex. */
static void
cache_key(const char *model, const struct todo *t, char out[65])
{
    EVP_MD_CTX *x = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const char *parts[] = { LLM_PROMPT_VERSION, model, t->title, t->text };

    out[0] = '\0';
    if (x == NULL)
        return;
    if (EVP_DigestInit_ex(x, EVP_sha256(), NULL) == 1) {
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
            EVP_DigestUpdate(x, parts[i], strlen(parts[i]) + 1); /* with the NUL */
        EVP_DigestFinal_ex(x, md, &n);
    }
    EVP_MD_CTX_free(x);
    for (unsigned int i = 0; i < n && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The request's JSON body. */
static char *
request_body(const struct llm_conf *conf, const struct todo *t)
{
    cJSON *r = cJSON_CreateObject(), *msgs, *m, *rf, *js, *schema, *props, *p, *req;
    static const char *const kinds[] = { "release", "research", "policy", "business",
                                         "security", "commentary", "digest", "tutorial",
                                         "other" };
    size_t ulen = strlen(t->title) + strlen(t->source) + strlen(t->text) + 64;
    char *user = xmalloc(ulen), *out;

    snprintf(user, ulen, "Title: %s\nSource: %s\n\n%s", t->title, t->source, t->text);
    cJSON_AddStringToObject(r, "model", conf->model);
    msgs = cJSON_AddArrayToObject(r, "messages");
    m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "role", "system");
    cJSON_AddStringToObject(m, "content", system_prompt);
    cJSON_AddItemToArray(msgs, m);
    m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "role", "user");
    cJSON_AddStringToObject(m, "content", user);
    cJSON_AddItemToArray(msgs, m);
    cJSON_AddNumberToObject(r, "temperature", 0.2);
    cJSON_AddNumberToObject(r, "max_tokens", 400);
    rf = cJSON_AddObjectToObject(r, "response_format");
    cJSON_AddStringToObject(rf, "type", "json_schema");
    js = cJSON_AddObjectToObject(rf, "json_schema");
    cJSON_AddStringToObject(js, "name", "event_summary");
    cJSON_AddBoolToObject(js, "strict", 1);
    schema = cJSON_AddObjectToObject(js, "schema");
    cJSON_AddStringToObject(schema, "type", "object");
    props = cJSON_AddObjectToObject(schema, "properties");
    p = cJSON_AddObjectToObject(props, "summary");
    cJSON_AddStringToObject(p, "type", "string");
    p = cJSON_AddObjectToObject(props, "kind");
    cJSON_AddStringToObject(p, "type", "string");
    cJSON_AddItemToObject(p, "enum", cJSON_CreateStringArray(kinds, 9));
    p = cJSON_AddObjectToObject(props, "entities");
    cJSON_AddStringToObject(p, "type", "array");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "items"), "type", "string");
    req = cJSON_AddArrayToObject(schema, "required");
    cJSON_AddItemToArray(req, cJSON_CreateString("summary"));
    cJSON_AddItemToArray(req, cJSON_CreateString("kind"));
    cJSON_AddItemToArray(req, cJSON_CreateString("entities"));
    cJSON_AddFalseToObject(schema, "additionalProperties");
    out = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    free(user);
    return out; /* NULL only when memory ran out */
}

static void
log_line(FILE *log, const char *level, const char *msg, const char *k1, const char *v1,
         const char *k2, const char *v2, const char *k3, const char *v3)
{
    if (log)
        logfmt_print(log, level, msg, k1, v1, k2, v2, k3, v3, (char *)NULL);
}

/* A failed request: counted; the breaker opens after conf->failures in a
 * row (logged once each time it opens), a Retry-After pauses requests. */
static void
failed(struct llm_client *c, const struct fetch_result *r, int64_t id, const char *why,
       FILE *log)
{
    char ev[24], n[16], secs[24];
    double now = mono();

    snprintf(ev, sizeof(ev), "%lld", (long long)id);
    c->failures++;
    log_line(log, "warn", "llm request failed; the extractive summary stays", "event", ev,
             "error", why, NULL, NULL);
    if (r && r->retry_after > 0 && now + (double)r->retry_after > c->open_until) {
        c->open_until = now + (double)r->retry_after;
        snprintf(secs, sizeof(secs), "%ld", r->retry_after);
        log_line(log, "warn", "llm endpoint asks to wait; no requests until then",
                 "retry_after", secs, NULL, NULL, NULL, NULL);
    }
    /* At the threshold the circuit opens; after the cool-down one request
     * is tried, and its failure opens it again (half-open). No request is
     * made while it is open, so each opening is logged once. */
    if (c->failures >= c->conf->failures) {
        if (now + c->conf->cooldown > c->open_until)
            c->open_until = now + c->conf->cooldown;
        snprintf(n, sizeof(n), "%d", c->failures);
        snprintf(secs, sizeof(secs), "%d", c->conf->cooldown);
        log_line(log, "warn", "llm circuit open: no requests for the cool-down", "failures",
                 n, "cooldown", secs, NULL, NULL);
    }
}

/* Asks the model about t: *answer is the message content (malloc'd), or
 * NULL after a failure counted by failed(). */
static void
ask(struct llm_client *c, const struct todo *t, const char *key, char **answer, FILE *log)
{
    size_t n = strlen(c->conf->endpoint);
    char *url = xmalloc(n + sizeof("/chat/completions"));
    char auth[1024];
    const char *headers[3] = { "Content-Type: application/json", NULL, NULL };
    char *body = request_body(c->conf, t);

    if (body == NULL) {
        *answer = NULL;
        failed(c, NULL, t->id, "out of memory", log);
        free(url);
        return;
    }
    struct fetch_post_req req = { 0 };
    struct fetch_result *r = NULL;
    double wait;

    *answer = NULL;
    memcpy(url, c->conf->endpoint, n + 1);
    while (n > 0 && url[n - 1] == '/')
        url[--n] = '\0';
    strcat(url, "/chat/completions");
    if (key && *key) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
        headers[1] = auth;
    }
    /* The rate: one request every 60/rate seconds at most. */
    wait = c->last_start + 60.0 / c->conf->rate - mono();
    if (c->last_start > 0 && wait > 0)
        sleep_for(wait);
    c->last_start = mono();
    req.url = url;
    req.headers = headers;
    req.body = body;
    req.len = strlen(body);
    req.allow_local = c->allow_local;
    req.max_reply = 1 << 20;
    if (fetch_post(&c->fo, &req, &r) != ALM_OK || r == NULL) {
        failed(c, NULL, t->id, "the request could not be made", log);
    } else if (!r->ok) {
        failed(c, r, t->id, r->error ? r->error : "failed", log);
    } else if ((*answer = llm_response_content(r->body)) == NULL) {
        failed(c, r, t->id, "no message in the response", log);
    } else {
        c->failures = 0;
    }
    explicit_bzero(auth, sizeof(auth));
    fetch_result_free(r);
    free(body);
    free(url);
}

int
llm_summarize(struct llm_client *c, struct store *st, int limit, time_t now, FILE *log,
              struct llm_stats *stats)
{
    struct todos l = { 0 };
    const char *key = NULL;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (c == NULL)
        return ALM_OK;
    if (limit < 0)
        limit = c->conf->per_run;
    if (c->conf->key_env) {
        key = getenv(c->conf->key_env);
        if ((key == NULL || *key == '\0') && !c->warned_key) {
            c->warned_key = 1;
            log_line(log, "warn", "llm key_env names an unset variable; sending no key",
                     "key_env", c->conf->key_env, NULL, NULL, NULL, NULL);
        }
    }
    if ((rc = store_llm_todo(st, LLM_TEXT_MIN, take_todo, &l)) != ALM_OK) {
        todos_free(&l);
        return rc;
    }
    stats->candidates = (int)l.n;
    for (size_t i = 0; i < l.n; i++) {
        const struct todo *t = &l.v[i];
        char hash[65], *summary = NULL, *verdict = NULL, *answer = NULL, *kind = NULL;
        const char *why;

        cache_key(c->conf->model, t, hash);
        if (hash[0] == '\0') {
            stats->skipped++;
            continue;
        }
        rc = store_llm_cache_get(st, hash, &summary, &verdict);
        if (rc == ALM_OK) {
            if (summary) {
                rc = store_set_summary(st, t->id, summary, c->conf->model);
                stats->cached++;
            } else {
                stats->cached_rejected++;
            }
            free(summary);
            free(verdict);
            if (rc != ALM_OK && rc != ALM_ENOTFOUND)
                break;
            rc = ALM_OK;
            continue;
        }
        if (rc != ALM_ENOTFOUND)
            break;
        rc = ALM_OK;
        if (stats->sent >= limit || mono() < c->open_until) {
            stats->skipped++;
            continue;
        }
        stats->sent++;
        ask(c, t, key, &answer, log);
        if (answer == NULL) {
            stats->failed++;
            continue;
        }
        why = llm_validate(answer, t->title, t->text, &summary, &kind);
        free(answer);
        if (why) {
            char ev[24];

            snprintf(ev, sizeof(ev), "%lld", (long long)t->id);
            stats->rejected++;
            log_line(log, "info", "llm answer rejected; the extractive summary stays", "event",
                     ev, "reason", why, NULL, NULL);
            rc = store_llm_cache_put(st, hash, c->conf->model, NULL, why, now);
        } else {
            stats->written++;
            if (kind && t->kind)
                (*(strcmp(kind, t->kind) == 0 ? &stats->kind_same : &stats->kind_other))++;
            rc = store_llm_cache_put(st, hash, c->conf->model, summary, "ok", now);
            if (rc == ALM_OK)
                rc = store_set_summary(st, t->id, summary, c->conf->model);
            if (rc == ALM_ENOTFOUND)
                rc = ALM_OK;
        }
        free(summary);
        free(kind);
        if (rc != ALM_OK)
            break;
    }
    todos_free(&l);
    return rc;
}
