/*
 * status.c - /healthz and /metrics from the server's counters (status.h).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "store/store_admin.h"
#include "web/cache.h"
#include "web/conns.h"
#include "web/status.h"

static const char *const group_names[WEB_NGROUPS] = {
    "pages", "api", "feeds", "healthz", "metrics", "other",
};

/* Upper bounds of the duration histogram, seconds. */
static const double bucket_le[WEB_STATUS_NBUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

void
web_status_init(struct web_status *st, time_t started, struct web_conns *conns,
                struct web_cache *cache)
{
    memset(st, 0, sizeof(*st));
    st->started = started;
    st->conns = conns;
    st->cache = cache;
}

void
web_status_count(struct web_status *st, enum web_group group, int status, double d,
                 size_t bytes)
{
    int cls = status / 100;
    size_t k = 0;

    if (cls < 2 || cls > 5)
        cls = 5; /* nothing else is sent; a stray one counts as a server error */
    atomic_fetch_add_explicit(&st->requests[group][cls], 1, memory_order_relaxed);
    while (k < WEB_STATUS_NBUCKETS && d > bucket_le[k])
        k++;
    atomic_fetch_add_explicit(&st->buckets[k], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->duration_us, (unsigned long long)(d * 1e6),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&st->bytes, bytes, memory_order_relaxed);
}

/*
 * /healthz: from the process's own state, never the store. A load
 * balancer asks often and kills what does not answer; a store that is
 * slow or locked must cost it a slow page, not the whole server. The
 * store's state is /metrics' almanac_store_up.
 */
int
web_status_healthz(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp)
{
    const struct web_status *s = ctx->status;

    (void)req;
    resp->content_type = "text/plain; charset=utf-8";
    resp->max_age = -1;
    if (s && atomic_load_explicit(&s->stopping, memory_order_relaxed)) {
        resp->status = 503; /* draining: send new requests elsewhere */
        buf_puts(&resp->body, "stopping\n");
    } else {
        buf_puts(&resp->body, "ok\n");
    }
    return 0;
}

static void
metric_head(struct buf *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The connection gauges and what the connection record closed. */
static void
metrics_conns(struct web_status *s, struct buf *b)
{
    static const char *const reasons[WEB_NENDS] = {
        [WEB_END_HEADER_TIMEOUT] = "header_timeout",
        [WEB_END_REQUEST_TIMEOUT] = "request_timeout",
        [WEB_END_EVICTED] = "evicted",
        [WEB_END_REFUSED] = "refused",
    };
    struct web_conns_stats cs;

    web_conns_stats(s->conns, &cs);
    metric_head(b, "almanac_http_connections", "gauge", "Open client connections.");
    buf_printf(b, "almanac_http_connections %zu\n", cs.open);
    metric_head(b, "almanac_http_connections_waiting", "gauge",
                "Open connections without a request in progress.");
    buf_printf(b, "almanac_http_connections_waiting %zu\n", cs.waiting);
    metric_head(b, "almanac_http_connections_closed_total", "counter",
                "Connections the server closed: past a deadline, or to make room.");
    for (int i = 0; i < WEB_NENDS; i++)
        buf_printf(b, "almanac_http_connections_closed_total{reason=\"%s\"} %llu\n",
                   reasons[i], cs.ended[i]);
}

int
web_status_metrics(const struct web_ctx *ctx, const struct web_request *req, struct web_response *resp)
{
    struct web_status *s = ctx->status;
    struct buf *b = &resp->body;
    struct store *st;
    unsigned long long cum = 0;

    (void)req;
    if (s == NULL) {
        resp->status = 404; /* no server counts anything */
        return 0;
    }
    st = web_store(ctx);
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    resp->max_age = -1;
    metric_head(b, "almanac_http_requests_total", "counter",
                "HTTP requests answered, by route group and status class.");
    for (int g = 0; g < WEB_NGROUPS; g++) {
        for (int c = 2; c <= 5; c++)
            buf_printf(b, "almanac_http_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n",
                       group_names[g], c,
                       atomic_load_explicit(&s->requests[g][c], memory_order_relaxed));
    }
    metric_head(b, "almanac_http_request_duration_seconds", "histogram",
                "Time from the request line to the queued response.");
    for (size_t k = 0; k <= WEB_STATUS_NBUCKETS; k++) {
        cum += atomic_load_explicit(&s->buckets[k], memory_order_relaxed);
        if (k < WEB_STATUS_NBUCKETS)
            buf_printf(b, "almanac_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                       bucket_le[k], cum);
        else
            buf_printf(b, "almanac_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                       cum);
    }
    buf_printf(b, "almanac_http_request_duration_seconds_sum %.6f\n",
               (double)atomic_load_explicit(&s->duration_us, memory_order_relaxed) / 1e6);
    buf_printf(b, "almanac_http_request_duration_seconds_count %llu\n", cum);
    metric_head(b, "almanac_http_response_bytes_total", "counter", "Response body bytes sent.");
    buf_printf(b, "almanac_http_response_bytes_total %llu\n",
               atomic_load_explicit(&s->bytes, memory_order_relaxed));
    metric_head(b, "almanac_http_requests_in_flight", "gauge", "Requests being answered.");
    buf_printf(b, "almanac_http_requests_in_flight %d\n", atomic_load(&s->inflight));
    metrics_conns(s, b);
    if (s->cache) {
        struct web_cache_stats cs;
        web_cache_stats(s->cache, &cs);
        metric_head(b, "almanac_http_cache_hits_total", "counter",
                    "Requests answered from the response cache.");
        buf_printf(b, "almanac_http_cache_hits_total %llu\n", cs.hits);
        metric_head(b, "almanac_http_cache_misses_total", "counter",
                    "Requests the response cache could not answer.");
        buf_printf(b, "almanac_http_cache_misses_total %llu\n", cs.misses);
        metric_head(b, "almanac_http_cache_clears_total", "counter",
                    "Times the response cache was emptied because the store changed.");
        buf_printf(b, "almanac_http_cache_clears_total %llu\n", cs.clears);
        metric_head(b, "almanac_http_cache_entries", "gauge", "Responses in the cache.");
        buf_printf(b, "almanac_http_cache_entries %zu\n", cs.entries);
        metric_head(b, "almanac_http_cache_bytes", "gauge", "Bytes the cache holds.");
        buf_printf(b, "almanac_http_cache_bytes %zu\n", cs.bytes);
    }
    metric_head(b, "almanac_store_up", "gauge", "Whether the store could be read.");
    buf_printf(b, "almanac_store_up %d\n", st ? 1 : 0);
    if (st) {
        int64_t items = -1, events = -1, errors = -1;
        if (store_count_items(st, 0, &items) != ALM_OK)
            items = -1;
        if (store_count_events(st, &events) != ALM_OK)
            events = -1;
        if (store_count_fetch_errors(st, &errors) != ALM_OK)
            errors = -1;
        if (items >= 0) {
            metric_head(b, "almanac_items_total", "gauge", "Items in the store.");
            buf_printf(b, "almanac_items_total %lld\n", (long long)items);
        }
        if (events >= 0) {
            metric_head(b, "almanac_events_total", "gauge", "Analysed events in the store.");
            buf_printf(b, "almanac_events_total %lld\n", (long long)events);
        }
        if (errors >= 0) {
            metric_head(b, "almanac_fetch_errors_total", "counter",
                        "Failed fetch attempts in the fetch log.");
            buf_printf(b, "almanac_fetch_errors_total %lld\n", (long long)errors);
        }
    }
    metric_head(b, "process_start_time_seconds", "gauge",
                "Start time of the process since the Unix epoch, in seconds.");
    buf_printf(b, "process_start_time_seconds %lld\n", (long long)s->started);
    return 0;
}

