/*
 * status.h - the server's own state as handlers: /healthz and /metrics,
 * and the counters they read.
 *
 * The server (server.c) owns one struct web_status, counts every answer
 * into it (web_status_count) and hands it to handlers as ctx->status; the
 * router (routes.c) sends /healthz and /metrics here like any other path.
 * Neither reads the response cache nor waits for a render: /healthz never
 * touches the store, /metrics only counts its rows.
 */
#ifndef ALMANAC_WEB_STATUS_H
#define ALMANAC_WEB_STATUS_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "web/request.h"

struct web_conns;
struct web_cache;

/* Route groups, the first label of the request counter. */
enum web_group {
    WEB_G_PAGES, WEB_G_API, WEB_G_FEEDS, WEB_G_HEALTH, WEB_G_METRICS, WEB_G_OTHER, WEB_NGROUPS
};

/* Upper bounds of the duration histogram, seconds. */
#define WEB_STATUS_NBUCKETS 14

struct web_status {
    atomic_ullong requests[WEB_NGROUPS][6]; /* by group and status class (status / 100) */
    atomic_ullong buckets[WEB_STATUS_NBUCKETS + 1]; /* not cumulative; the last is +Inf */
    atomic_ullong duration_us;
    atomic_ullong bytes;
    atomic_int inflight;        /* requests being answered */
    atomic_int stopping;        /* draining: /healthz says so, answers close */
    time_t started;             /* the process's start, for process_start_time_seconds */
    struct web_conns *conns;    /* the connection record (borrowed) */
    struct web_cache *cache;    /* the response cache (borrowed), NULL: none */
};

/* Zeroes st and sets what it reads from (borrowed; cache may be NULL). */
void web_status_init(struct web_status *st, time_t started, struct web_conns *conns,
                     struct web_cache *cache);
/* Counts one answer: its group, status, seconds taken and body bytes sent. */
void web_status_count(struct web_status *st, enum web_group group, int status, double seconds,
                      size_t bytes);

/* "/healthz": "ok", or 503 "stopping" while the server drains. */
int web_status_healthz(const struct web_ctx *ctx, const struct web_request *req,
                       struct web_response *resp);
/* "/metrics": Prometheus' text format. */
int web_status_metrics(const struct web_ctx *ctx, const struct web_request *req,
                       struct web_response *resp);

#endif
