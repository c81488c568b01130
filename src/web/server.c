/*
 * server.c - the HTTP server: libmicrohttpd with a pool of epoll threads.
 *
 * A request goes through these steps, all on one server thread:
 *   on_uri        the raw request target arrives: a struct request is made
 *                 (it becomes MHD's per-request pointer) and counted in flight
 *   on_request #1 method and body checks; otherwise nothing is queued yet,
 *                 because answering on the first call makes libmicrohttpd
 *                 close every connection (~48k -> ~7k req/s, DESIGN.md)
 *   on_request #2 path and query checks, /healthz, /metrics, or the response
 *                 cache (cache.c) and on a miss the handler of routes.c;
 *                 then conditional requests, gzip, headers, metrics and the
 *                 access log
 *   on_completed  the request is freed
 * Rejections (405, 400, 414) are queued on the first call: the connection
 * closing after them is wanted.
 *
 * The cache keeps rendered 200s by request target (a handler sees nothing
 * else), for their max-age and at most CACHE_TTL seconds, since pages say
 * "5m ago". It is emptied when the store changes: at most every
 * CACHE_CHECK_MS a request reads the store's change token, which differs
 * when anything was committed (an ingest, in this process or not).
 * A page rendered from the old data is never put after that (generations).
 * While one thread renders a missing page, requests for it on the other
 * threads wait, suspended, and are answered from the cache when it is in:
 * after a change every thread would otherwise render the same pages and
 * keep all their connections waiting meanwhile (bench/web's load test).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#define ZLIB_CONST
#include <zlib.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/logfmt.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/access_log.h"
#include "web/cache.h"
#include "web/conns.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "web/status.h"

#define GZIP_MIN 1024           /* smaller bodies are sent as they are */
#define DRAIN_MS 3000           /* how long stopping waits for requests in flight */
#define LOG_TARGET_MAX 1024     /* bytes of the request target kept in a log line */
#define CACHE_MB 16             /* the response cache's default bound */
#define CACHE_ENTRY_MAX ((size_t)1 << 20) /* bigger bodies are not cached */
#define CACHE_ENTRIES 4096
#define CACHE_TTL 60            /* seconds an entry lives at most: pages say "5m ago" */
/* How often a change of the store is looked for. An ingest commits once per
 * feed, and each change seen empties the cache: at 250 ms a page was
 * rendered again up to four times a second while an ingest ran, and the
 * p99 of a mixed load rose 3.9x (bench/web load); at 1 s, 2.8x. */
#define CACHE_CHECK_MS 1000
#define IDLE_TIMEOUT 15         /* seconds of silence that close a connection */
/* How far libmicrohttpd's connection limits are above ours (conns.h). */
#define CONN_SLACK 64
/* A connection's memory for its request: twice WEB_MAX_HEADER, so that
 * most oversized headers reach on_request and get our 431 with the site's
 * headers, not libmicrohttpd's bare one. */
#define HEADER_MEMORY (2 * WEB_MAX_HEADER)

static const char *const security_headers[][2] = {
    { "Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' https: "
                                 "data:; base-uri 'none'; form-action 'self'; "
                                 "frame-ancestors 'none'" },
    { "X-Content-Type-Options", "nosniff" },
    { "Referrer-Policy", "no-referrer" },
    { "X-Frame-Options", "DENY" },
    { "Cross-Origin-Opener-Policy", "same-origin" },
    { "Permissions-Policy", "interest-cohort=()" },
};

struct web_server {
    struct web_ctx ctx;
    char base_url[128];
    char url[136];
    struct MHD_Daemon *d;
    int fd;                     /* the listen socket */
    FILE *log;
    struct access_log *alog;    /* batches lines to log's file descriptor */
    struct web_status status;   /* counters, in flight, stopping: /metrics' */
    struct web_cache *cache;    /* NULL: none */
    pthread_mutex_t watch_lock; /* guards the three below */
    struct store *watch;        /* reads the store's change token */
    struct store_change version;
    int have_version;
    atomic_llong next_check;    /* monotonic ms of the next look at the token */
    pthread_mutex_t flights_lock; /* guards the flights and the render gate */
    struct flight *flights;     /* renders in progress */
    int grounded;               /* stopping: no request waits for a render */
    unsigned slots, rendering;  /* the render gate: renders allowed and running */
    struct waiter *gate_head, *gate_tail; /* suspended for a slot, oldest first */
    struct web_conns *conns;    /* deadlines and shares of connections */
    pthread_t reaper;           /* closes connections past their deadline */
    pthread_mutex_t reaper_lock; /* guards reaper_quit, with reaper_wake */
    pthread_cond_t reaper_wake;
    int reaper_quit;
};

/* One request, from its request line to its completion. */
struct request {
    struct web_server *srv;
    struct timespec start;
    char *target;               /* the raw request target: "/path?query" */
    int called;                 /* the access handler ran once */
    int body;                   /* a request body arrived */
    int waited;                 /* it waited for another thread's render once */
    int has_slot;               /* holds one of the render gate's slots */
    web_handler *write;         /* an authorized write: its handler (routes.c) */
    const char *allow;          /* a write's path: its Allow for a 405 (routes.c) */
    size_t body_max;            /* a write that takes a body: at most this many bytes */
    struct buf upload;          /* the body of such a write, as it arrives */
    int too_big;                /* its body passed body_max: 413 */
};

/* A connection waiting, suspended, for another thread's render or for a
 * slot of the render gate (then rq is its request). */
struct waiter {
    struct MHD_Connection *conn;
    struct request *rq;
    struct waiter *next;
};

/* A render in progress: requests for the same target wait for it. */
struct flight {
    const char *key;            /* the rendering request's target */
    struct waiter *waiters;
    struct flight *next;
};

/* ---- parsing ---- */

/*
 * Decodes n bytes of %-escaped text into out (outlen bytes, NUL-terminated);
 * plus: '+' is a space (query strings). Returns the decoded length, -1 for
 * a bad escape or a NUL, -2 when out is too small.
 */
static long
pct_decode(const char *s, size_t n, int plus, char *out, size_t outlen)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return -1;
            hi = hex_digit((unsigned char)s[i + 1]);
            lo = hex_digit((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (c == 0)
            return -1;
        if (o + 1 >= outlen)
            return -2;
        out[o++] = (char)c;
    }
    if (o >= outlen)
        return -2;
    out[o] = '\0';
    return (long)o;
}

int
web_decode_path(const char *target, char *out, size_t outlen)
{
    size_t n = strcspn(target, "?");
    long len;
    const char *seg;

    if (target[0] != '/')
        return 400;
    if (n > WEB_MAX_PATH)
        return 414;
    len = pct_decode(target, n, 0, out, outlen);
    if (len == -2)
        return 414;
    /* Handlers echo the path into HTML and JSON, which must be UTF-8. */
    if (len < 0 || !web_utf8_valid(out, (size_t)len))
        return 400;
    /* A ".." segment (also one that was %2e%2e or had %2f around it) is
     * refused outright: no handler has a use for it. */
    for (seg = out; seg; seg = strchr(seg + 1, '/')) {
        const char *s = seg + 1;
        if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0'))
            return 400;
    }
    return 200;
}

/*
 * Decodes one query name or value of n bytes at s into store at *used,
 * and points *out at it. Returns 200, or 400 for a bad escape, a NUL, more
 * than WEB_MAX_VALUE bytes, or text that is not UTF-8: handlers echo
 * values into HTML and JSON, so what is not text never reaches them.
 */
static int
query_text(const char *s, size_t n, char *store, size_t storelen, size_t *used,
           const char **out)
{
    long len = pct_decode(s, n, 1, store + *used, storelen - *used);

    if (len < 0 || len > WEB_MAX_VALUE || !web_utf8_valid(store + *used, (size_t)len))
        return 400;
    *out = store + *used;
    *used += (size_t)len + 1;
    return 200;
}

int
web_parse_query(const char *target, struct web_request *r, char *store, size_t storelen)
{
    const char *q = strchr(target, '?');
    size_t used = 0;

    r->nparams = 0;
    if (q == NULL)
        return 200;
    for (q++; *q;) {
        size_t seg = strcspn(q, "&");
        const char *eq = memchr(q, '=', seg);
        size_t nlen = eq ? (size_t)(eq - q) : seg;
        struct web_param *p;

        if (seg == 0) {
            q++;
            continue;
        }
        if (r->nparams >= WEB_MAX_PARAMS)
            return 400;
        p = &r->params[r->nparams];
        if (query_text(q, nlen, store, storelen, &used, &p->name) != 200)
            return 400;
        p->value = "";
        if (eq && query_text(eq + 1, seg - nlen - 1, store, storelen, &used, &p->value) != 200)
            return 400;
        r->nparams++;
        q += seg;
        if (*q == '&')
            q++;
    }
    return 200;
}

/* Skips optional white space. */
static const char *
skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Whether the parameters of one Accept-Encoding element (";q=0.5") give q > 0. */
static int
q_positive(const char *p, const char *end)
{
    for (;;) {
        p = memchr(p, ';', (size_t)(end - p));
        if (p == NULL)
            return 1;
        p = skip_ows(p + 1);
        if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            p += 2;
            /* q is 0, 0., 0.0, 0.00 or 0.000 to refuse, anything else accepts. */
            if (*p != '0')
                return 1;
            for (p++; p < end && (*p == '.' || *p == '0'); p++)
                ;
            p = skip_ows(p);
            return !(p >= end || *p == ';');
        }
    }
}

int
web_accepts_gzip(const char *ae)
{
    int star = 0;

    if (ae == NULL)
        return 0;
    while (*ae) {
        size_t n = strcspn(ae, ",");
        const char *end = ae + n;
        const char *tok = skip_ows(ae);
        size_t tlen = strcspn(tok, " \t;,");

        if (tok < end) {
            if ((tlen == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
                (tlen == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
                return q_positive(tok, end);
            if (tlen == 1 && tok[0] == '*')
                star = q_positive(tok, end);
        }
        ae = *end ? end + 1 : end;
    }
    return star;
}

int
web_etag_match(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);

    if (inm == NULL)
        return 0;
    while (*inm) {
        const char *end = inm + strcspn(inm, ",");
        const char *tok = skip_ows(inm);
        size_t tlen = (size_t)(end - tok);

        while (tlen > 0 && (tok[tlen - 1] == ' ' || tok[tlen - 1] == '\t'))
            tlen--;
        if (tlen == 1 && tok[0] == '*')
            return 1;
        if (tlen > 2 && tok[0] == 'W' && tok[1] == '/') {
            tok += 2;
            tlen -= 2;
        }
        if (tlen == elen && memcmp(tok, etag, elen) == 0)
            return 1;
        inm = *end ? end + 1 : end;
    }
    return 0;
}

int
web_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port)
{
    const char *colon, *h = listen;
    size_t hlen;
    char *end;
    unsigned long p;

    if (listen == NULL || *listen == '\0')
        return ALM_EINVAL;
    if (listen[0] == '[') {
        const char *rb = strchr(listen, ']');
        if (rb == NULL || rb[1] != ':')
            return ALM_EINVAL;
        h = listen + 1;
        hlen = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(listen, ':');
        if (colon == NULL || memchr(listen, ':', (size_t)(colon - listen)))
            return ALM_EINVAL; /* an IPv6 address needs brackets */
        hlen = (size_t)(colon - listen);
    }
    if (hlen == 0 || hlen >= hostlen)
        return ALM_EINVAL;
    if (colon[1] < '0' || colon[1] > '9')
        return ALM_EINVAL;
    errno = 0;
    p = strtoul(colon + 1, &end, 10);
    if (errno || *end || p > 65535)
        return ALM_EINVAL;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (unsigned)p;
    return ALM_OK;
}

/* ---- responses ---- */

static int
is_text(const char *ctype)
{
    return strncmp(ctype, "text/", 5) == 0 || strstr(ctype, "json") || strstr(ctype, "xml") ||
           strstr(ctype, "javascript");
}

/* gzip of n bytes into a new buffer; ALM_EIO when zlib refuses. */
static int
gzip_body(const char *in, size_t n, char **out, size_t *outn)
{
    z_stream z;
    size_t cap;
    char *b;

    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ALM_EIO;
    cap = deflateBound(&z, (uLong)n);
    b = xmalloc(cap);
    z.next_in = (const Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)b;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(b);
        return ALM_EIO;
    }
    *outn = z.total_out;
    deflateEnd(&z);
    *out = b;
    return ALM_OK;
}

static double
elapsed(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The time of a line: RFC 3339, formatted once a second per thread. */
static const char *
log_time(void)
{
    static _Thread_local time_t last = -1;
    static _Thread_local char when[21];
    time_t now = time(NULL);

    if (now != last) {
        timefmt_rfc3339(now, when);
        last = now;
    }
    return when;
}

/* The client's address, numeric, into out (at least INET6_ADDRSTRLEN). */
static void
log_addr(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    const void *a = NULL;

    snprintf(out, n, "-");
    if (sa && sa->sa_family == AF_INET)
        a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (a && inet_ntop(sa->sa_family, a, out, (socklen_t)n) == NULL)
        snprintf(out, n, "-");
}

/* Counts the request and writes its access-log line. */
static void
account(struct web_server *s, struct MHD_Connection *conn, const struct request *rq,
        const char *method, int status, size_t bytes, int group)
{
    double d = elapsed(&rq->start);

    web_status_count(&s->status, (enum web_group)group, status, d, bytes);
    if (s->alog) {
        /* ts=... level=info msg="request" addr=127.0.0.1 method=GET path=/x
         * status=200 bytes=1234 ms=0.123 (logfmt.h) */
        struct logfmt l;
        char addr[INET6_ADDRSTRLEN + 1];
        size_t n;

        log_addr(conn, addr, sizeof(addr));
        logfmt_begin(&l, log_time(), status >= 500 ? "error" : "info", "request");
        logfmt_str(&l, "addr", addr, 0);
        logfmt_str(&l, "method", method, 16);
        logfmt_str(&l, "path", rq->target, LOG_TARGET_MAX);
        logfmt_uint(&l, "status", (unsigned long long)status);
        logfmt_uint(&l, "bytes", bytes);
        logfmt_ms(&l, "ms", (unsigned long long)(d * 1e6));
        n = logfmt_end(&l);
        access_log_add(s->alog, l.v, n);
    }
}

static void
add_header(struct MHD_Response *r, const char *name, const char *value)
{
    /* libmicrohttpd refuses values with CR or LF, so a handler's Location
     * cannot split the response. */
    MHD_add_response_header(r, name, value);
}

/* What a response says besides its body. */
struct head {
    int status;
    const char *ctype;
    int text;                   /* a text type: Vary, and gzip allowed */
    int gz;                     /* the body sent is the gzip form */
    char etag[40];              /* "" for none */
    time_t last_modified;       /* 0: none */
    int max_age;                /* -1: no-store */
    const char *location;       /* for redirects, or NULL */
};

/* The strong ETag of a body with this hash, or of its gzip form. */
static void
make_etag(char etag[40], uint64_t hash, int gz)
{
    snprintf(etag, 40, "\"%016llx%s\"", (unsigned long long)hash, gz ? "-gz" : "");
}

struct header_count {
    const char *name;
    unsigned n;
};

static enum MHD_Result
count_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct header_count *c = cls;

    (void)kind;
    (void)value;
    if (key && strcasecmp(key, c->name) == 0)
        c->n++;
    return MHD_YES;
}

/* How many lines of the request's header have this field name
 * (libmicrohttpd's lookup only finds the first). */
static unsigned
header_count(struct MHD_Connection *conn, const char *name)
{
    struct header_count c = { name, 0 };

    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_one, &c);
    return c.n;
}

/*
 * The time an If-Modified-Since asks about: 0 and *t set, or -1 when the
 * request has none to obey. RFC 9110 13.1.3: one that is not exactly an
 * HTTP-date, or that is given more than once, is ignored.
 */
static int
if_modified_since(struct web_server *s, struct MHD_Connection *conn, time_t *t)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
    char date[64];
    size_t n;

    if (v == NULL || header_count(conn, MHD_HTTP_HEADER_IF_MODIFIED_SINCE) != 1)
        return -1;
    /* The field's surrounding white space is not part of its value. */
    v = skip_ows(v);
    n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= sizeof(date))
        return -1;
    memcpy(date, v, n);
    date[n] = '\0';
    return web_http_date(date, web_now(&s->ctx), t);
}

/*
 * For a 200 body with this hash: whether the request wants its gzip form
 * (of a text body over GZIP_MIN bytes), the ETag of the form it gets, and
 * 304 when its conditions match, else 200.
 */
static int
conditional(struct web_server *s, struct MHD_Connection *conn, struct head *h, uint64_t hash,
            size_t len)
{
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_IF_NONE_MATCH);
    char plain[40], zipped[40];
    time_t t;

    make_etag(plain, hash, 0);
    make_etag(zipped, hash, 1);
    h->gz = h->text && len > GZIP_MIN &&
            web_accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_ACCEPT_ENCODING));
    /* Each encoding is its own representation with its own strong tag;
     * either one revalidates. */
    memcpy(h->etag, h->gz ? zipped : plain, sizeof(h->etag));
    if (inm)
        return web_etag_match(inm, plain) || web_etag_match(inm, zipped) ? 304 : 200;
    if (h->last_modified > 0 && if_modified_since(s, conn, &t) == 0 && h->last_modified <= t)
        return 304;
    return 200;
}

/*
 * Adds h's headers to r, queues it and accounts the request; r is
 * destroyed (libmicrohttpd keeps it while it sends). len: body bytes sent.
 */
static enum MHD_Result
queue(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
      const char *method, struct MHD_Response *r, const struct head *h, size_t len, int group)
{
    int status = h->status, head = strcmp(method, "HEAD") == 0;
    char lm[30], cc[48];
    enum MHD_Result ok;

    if (status != 304)
        add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, h->ctype);
    if (h->etag[0])
        add_header(r, MHD_HTTP_HEADER_ETAG, h->etag);
    if (h->last_modified > 0) {
        timefmt_http(h->last_modified, lm);
        add_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
    }
    if (h->gz && status != 304)
        add_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (h->text)
        add_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (h->max_age >= 0 && status < 500)
        snprintf(cc, sizeof(cc), "public, max-age=%d", h->max_age);
    else
        snprintf(cc, sizeof(cc), "no-store");
    add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
    if (status >= 300 && status < 400 && status != 304 && h->location && h->location[0])
        add_header(r, MHD_HTTP_HEADER_LOCATION, h->location);
    if (status == 405)
        add_header(r, MHD_HTTP_HEADER_ALLOW, rq && rq->allow ? rq->allow : "GET, HEAD");
    if (status == 401)
        add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"almanac\"");
    for (size_t i = 0; i < LEN(security_headers); i++)
        add_header(r, security_headers[i][0], security_headers[i][1]);
    if (atomic_load_explicit(&s->status.stopping, memory_order_relaxed))
        add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    account(s, conn, rq, method, status, head || status == 304 ? 0 : len, group);
    return ok;
}

/* An empty body, for 304 and bodiless answers. */
static struct MHD_Response *
empty_response(void)
{
    /* libmicrohttpd 0.9.75 adds "Content-Length: 0" even to a 304 and
     * cannot be kept from it; clients ignore it there. */
    return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
}

/*
 * Queues resp, which is not cached: conditional requests, gzip, caching
 * and security headers, then accounting. The body buffer is taken (or
 * freed).
 */
static enum MHD_Result
send_response(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
              const char *method, struct web_response *resp, int group)
{
    struct head h = {
        .status = resp->status,
        .ctype = resp->content_type ? resp->content_type : "application/octet-stream",
        .last_modified = resp->status == 200 ? resp->last_modified : 0,
        .max_age = resp->max_age,
        .location = resp->location,
    };
    struct MHD_Response *r;
    char *body = NULL;
    size_t len = 0;
    uint64_t hash = 0;

    h.text = is_text(h.ctype);
    if (h.status == 200) {
        hash = fnv1a64(buf_cstr(&resp->body), resp->body.len);
        h.status = conditional(s, conn, &h, hash, resp->body.len);
    }
    if (h.status != 304 && resp->body.len > 0) {
        if (h.gz && gzip_body(resp->body.data, resp->body.len, &body, &len) == ALM_OK &&
            len < resp->body.len) {
            buf_fini(&resp->body);
        } else {
            free(body);
            if (h.gz)
                make_etag(h.etag, hash, 0);
            h.gz = 0;
            len = resp->body.len;
            body = buf_take(&resp->body);
        }
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (r == NULL)
            free(body);
    } else {
        h.gz = 0;
        buf_fini(&resp->body);
        r = empty_response();
    }
    if (r == NULL)
        return MHD_NO;
    return queue(s, conn, rq, method, r, &h, len, group);
}

static void
release_entry(void *cls)
{
    web_cached_release(cls);
}

/*
 * Queues a cached 200 (or its 304): the same headers as send_response()
 * gives the body it was made from. The gzip form is made on the first
 * request that wants it. Takes the caller's reference to e.
 */
static enum MHD_Result
send_entry(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
           const char *method, struct web_cached *e, int group)
{
    struct head h = {
        .status = 200,
        .ctype = e->content_type,
        .text = is_text(e->content_type),
        .last_modified = e->last_modified,
        .max_age = e->max_age,
    };
    struct MHD_Response *r;
    char *body = e->body; /* only read: libmicrohttpd wants it non-const */
    size_t len = e->len;

    h.status = conditional(s, conn, &h, e->hash, e->len);
    if (h.status == 304) {
        web_cached_release(e);
        h.gz = 0;
        r = empty_response();
        len = 0;
    } else {
        if (h.gz && !atomic_load_explicit(&e->gz_made, memory_order_acquire)) {
            char *z = NULL;
            size_t zlen = 0;
            if (gzip_body(e->body, e->len, &z, &zlen) != ALM_OK || zlen >= e->len) {
                free(z);
                z = NULL;
            }
            web_cached_set_gzip(s->cache, e, z, zlen);
        }
        if (h.gz && e->gz) {
            body = e->gz;
            len = e->gzlen;
        } else if (h.gz) {
            h.gz = 0;
            make_etag(h.etag, e->hash, 0);
        }
        /* The entry stays alive until libmicrohttpd is done sending it. */
        r = MHD_create_response_from_buffer_with_free_callback_cls(len, body, release_entry, e);
        if (r == NULL)
            web_cached_release(e);
    }
    if (r == NULL)
        return MHD_NO;
    return queue(s, conn, rq, method, r, &h, len, group);
}

static void
response_init(struct web_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    resp->status = 200;
    resp->content_type = "text/html; charset=utf-8";
    buf_init(&resp->body, WEB_MAX_BODY);
    resp->max_age = 0;
}

/* Answers with the site's error page, never cached. */
static enum MHD_Result
reject(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
       const char *method, int status)
{
    struct web_response resp;

    response_init(&resp);
    web_error_page(&s->ctx, rq->target, status, &resp);
    resp.status = status;
    resp.max_age = -1;
    return send_response(s, conn, rq, method, &resp, WEB_G_OTHER);
}

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Empties the cache when the store changed. At most every CACHE_CHECK_MS
 * one thread reads the store's change token through the watch connection
 * (which only reads); it differs once anything was committed (an ingest in
 * another process, or run's own). When it cannot be read, nothing cached
 * is kept.
 */
static void
watch_store(struct web_server *s, int64_t now)
{
    char err[256];
    struct store_change v;

    if (now < atomic_load_explicit(&s->next_check, memory_order_relaxed) ||
        pthread_mutex_trylock(&s->watch_lock) != 0)
        return;
    if (now >= atomic_load_explicit(&s->next_check, memory_order_relaxed)) {
        atomic_store_explicit(&s->next_check, now + CACHE_CHECK_MS, memory_order_relaxed);
        if (s->watch == NULL &&
            store_open_readonly(s->ctx.db_path, &s->watch, err, sizeof(err)) != ALM_OK)
            s->watch = NULL;
        if (s->watch && store_change_token(s->watch, &v) == ALM_OK) {
            if (!s->have_version || !store_change_equal(&v, &s->version))
                web_cache_clear(s->cache);
            s->version = v;
            s->have_version = 1;
        } else {
            web_cache_clear(s->cache);
            store_close(s->watch);
            s->watch = NULL;
            s->have_version = 0;
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
}

/* Runs handler h (NULL: the 404 page) into resp. */
static void
render(struct web_server *s, const struct web_request *req, web_handler *h,
       struct web_response *resp)
{
    if (h == NULL) {
        web_error_page(&s->ctx, req->path, 404, resp);
    } else if (h(&s->ctx, req, resp) != 0 || resp->status < 100 || resp->status > 599 ||
               buf_cut(&resp->body)) {
        /* Whatever the handler wrote stays private; a body past
         * WEB_MAX_BODY was cut, and a cut page is an error, not a page. */
        buf_reset(&resp->body);
        web_error_page(&s->ctx, req->path, 500, resp);
    } else if (resp->status >= 400 && resp->body.len == 0) {
        web_error_page(&s->ctx, req->path, resp->status, resp);
    } else if (resp->status < 400 && web_error_status(500) == 503) {
        /* A query stopped by the budget under a handler that went on without
         * it: the page is incomplete, and must not be cached or shown. */
        buf_reset(&resp->body);
        web_error_page(&s->ctx, req->path, 503, resp);
    }
}

/*
 * A rendered 200 as a cache entry, added to the cache when it may be kept:
 * a positive max-age (its time to live, CACHE_TTL at most) and a body of
 * at most CACHE_ENTRY_MAX bytes. NULL when it is not to be cached.
 */
static struct web_cached *
keep(struct web_server *s, const struct request *rq, struct web_response *resp, uint64_t gen,
     int64_t now)
{
    struct web_cached *e;
    size_t len = resp->body.len;

    if (s->cache == NULL || resp->status != 200 || resp->max_age <= 0 || len == 0 ||
        len > CACHE_ENTRY_MAX)
        return NULL;
    /* Exactly the body's size: the bound counts what entries really hold. */
    e = web_cached_new(rq->target, xrealloc(buf_take(&resp->body), len + 1), len);
    e->hash = fnv1a64(e->body, len);
    e->content_type = resp->content_type ? resp->content_type : "application/octet-stream";
    e->last_modified = resp->last_modified;
    e->max_age = resp->max_age;
    web_cache_put(s->cache, e, gen, resp->max_age < CACHE_TTL ? resp->max_age : CACHE_TTL, now);
    return e;
}

/*
 * Either joins a render of rq's target in progress on another thread (the
 * connection is suspended until it lands; returns 1), or records f as that
 * render (returns 0; the caller renders, puts and calls land()). A request
 * that waited once renders itself: the page it waited for was not kept.
 */
static int
take_off_or_wait(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
                 struct flight *f)
{
    struct flight *o;
    int wait = 0;

    memset(f, 0, sizeof(*f));
    if (rq->waited)
        return 0;
    pthread_mutex_lock(&s->flights_lock);
    for (o = s->flights; o && strcmp(o->key, rq->target) != 0; o = o->next)
        ;
    if (o && !s->grounded) {
        struct waiter *w = xmalloc(sizeof(*w));
        w->conn = conn;
        w->rq = NULL;
        w->next = o->waiters;
        o->waiters = w;
        rq->waited = 1;
        /* Under the lock: land() cannot resume it before it is suspended. */
        MHD_suspend_connection(conn);
        wait = 1;
    } else if (o == NULL) {
        f->key = rq->target;
        f->next = s->flights;
        s->flights = f;
    }
    pthread_mutex_unlock(&s->flights_lock);
    return wait;
}

/*
 * The render gate. A page that is not in the cache is rendered on the
 * thread that took its connection, and libmicrohttpd serves every other
 * connection of that thread only when it is done; a handful of slow
 * renders (a search at the edge of its budget) could so hold every thread,
 * and /healthz, a cached page or a static file would wait behind them. At
 * most slots renders run at once, one thread fewer than the pool has; a
 * request over that is suspended (its thread goes on serving others) and
 * resumed, holding the slot, when a render ends.
 *
 * Returns 1 with a slot (rq->has_slot), or 0 when the connection was
 * suspended for one.
 */
static int
gate_enter(struct web_server *s, struct MHD_Connection *conn, struct request *rq)
{
    int ok = 1;

    if (rq->has_slot)
        return 1;
    pthread_mutex_lock(&s->flights_lock);
    if (s->rendering < s->slots || s->grounded) {
        s->rendering++;
        rq->has_slot = 1;
    } else {
        struct waiter *w = xmalloc(sizeof(*w));
        w->conn = conn;
        w->rq = rq;
        w->next = NULL;
        if (s->gate_tail)
            s->gate_tail->next = w;
        else
            s->gate_head = w;
        s->gate_tail = w;
        /* Under the lock: gate_leave() cannot resume it before it is suspended. */
        MHD_suspend_connection(conn);
        ok = 0;
    }
    pthread_mutex_unlock(&s->flights_lock);
    return ok;
}

/* Gives rq's slot to the oldest waiter (resumed, it finds the slot its own),
 * or back to the gate. */
static void
gate_leave(struct web_server *s, struct request *rq)
{
    struct waiter *w;

    if (!rq->has_slot)
        return;
    rq->has_slot = 0;
    pthread_mutex_lock(&s->flights_lock);
    if ((w = s->gate_head) != NULL) {
        s->gate_head = w->next;
        if (s->gate_head == NULL)
            s->gate_tail = NULL;
        w->rq->has_slot = 1; /* the slot passes on: rendering stays the same */
        MHD_resume_connection(w->conn);
        free(w);
    } else {
        s->rendering--;
    }
    pthread_mutex_unlock(&s->flights_lock);
}

/* Under flights_lock: wakes every connection waiting for f's render. */
static void
resume_waiters(struct flight *f)
{
    while (f->waiters) {
        struct waiter *w = f->waiters;
        f->waiters = w->next;
        MHD_resume_connection(w->conn);
        free(w);
    }
}

/* Resumes the connections waiting for f; they find the page in the cache. */
static void
land(struct web_server *s, struct flight *f)
{
    struct flight **p;

    if (f->key == NULL)
        return;
    pthread_mutex_lock(&s->flights_lock);
    for (p = &s->flights; *p && *p != f; p = &(*p)->next)
        ;
    if (*p)
        *p = f->next;
    resume_waiters(f);
    pthread_mutex_unlock(&s->flights_lock);
}

/* Resumes every waiting connection and lets none wait any more (stopping). */
static void
ground(struct web_server *s)
{
    pthread_mutex_lock(&s->flights_lock);
    s->grounded = 1;
    for (struct flight *f = s->flights; f; f = f->next)
        resume_waiters(f);
    while (s->gate_head) { /* resumed, they render without a slot */
        struct waiter *w = s->gate_head;
        s->gate_head = w->next;
        MHD_resume_connection(w->conn);
        free(w);
    }
    s->gate_tail = NULL;
    pthread_mutex_unlock(&s->flights_lock);
}

/*
 * The second call: the request is complete; route it and answer, from the
 * cache when it has the request target. A target differs from a cached one
 * in nothing a handler sees (method and headers are not theirs), and the
 * checks below depend on the target only.
 */
/* An authorized write: no cache, no render gate (writes are few and
 * quick), never kept. */
static enum MHD_Result
answer_write(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
             const char *method)
{
    struct web_request req;
    struct web_response resp;
    char path[WEB_MAX_PATH + 1];
    size_t qlen = strlen(rq->target) + 1;
    char *qstore;
    int status;
    enum MHD_Result ok;

    status = web_decode_path(rq->target, path, sizeof(path));
    if (status != 200)
        return reject(s, conn, rq, method, status);
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    req.body = rq->upload.data ? rq->upload.data : "";
    req.body_len = rq->upload.len;
    qstore = xmalloc(qlen);
    status = web_parse_query(rq->target, &req, qstore, qlen);
    if (status != 200) {
        free(qstore);
        return reject(s, conn, rq, method, status);
    }
    response_init(&resp);
    web_request_begin(&rq->start);
    render(s, &req, rq->write, &resp);
    web_request_end();
    resp.max_age = -1;
    ok = send_response(s, conn, rq, method, &resp, WEB_G_API);
    buf_fini(&resp.body);
    free(qstore);
    return ok;
}

static enum MHD_Result
answer(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
       const char *method)
{
    struct web_request req;
    struct web_response resp;
    struct web_cached *e;
    struct flight f = { 0 };
    char path[WEB_MAX_PATH + 1];
    size_t qlen = strlen(rq->target) + 1;
    char *qstore;
    struct web_route route;
    int status, content;
    int64_t now = mono_ms();
    uint64_t gen = 0;
    enum MHD_Result ok;

    status = web_decode_path(rq->target, path, sizeof(path));
    if (status != 200)
        return reject(s, conn, rq, method, status);
    /* A live route (/healthz, /metrics) skips the cache and the gate. */
    route = web_route(path);
    content = !route.live;
    if (content && s->cache) {
        watch_store(s, now);
        if ((e = web_cache_get(s->cache, rq->target, now)) != NULL) {
            gate_leave(s, rq); /* resumed with a slot it no longer needs */
            return send_entry(s, conn, rq, method, e, route.group);
        }
    }
    if (content && !gate_enter(s, conn, rq))
        return MHD_YES; /* suspended until a render ends */
    if (content && s->cache) {
        if (take_off_or_wait(s, conn, rq, &f)) {
            gate_leave(s, rq);
            return MHD_YES;
        }
        /* Read before rendering: a clear meanwhile keeps the page out. */
        gen = web_cache_generation(s->cache);
    }
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = path;
    qstore = xmalloc(qlen);
    status = web_parse_query(rq->target, &req, qstore, qlen);
    if (status != 200) {
        free(qstore);
        land(s, &f);
        gate_leave(s, rq);
        return reject(s, conn, rq, method, status);
    }

    response_init(&resp);
    web_request_begin(&rq->start);
    render(s, &req, route.fn, &resp);
    web_request_end();
    e = content ? keep(s, rq, &resp, gen, now) : NULL;
    land(s, &f);
    gate_leave(s, rq);
    if (e)
        ok = send_entry(s, conn, rq, method, e, route.group);
    else
        ok = send_response(s, conn, rq, method, &resp, route.group);
    buf_fini(&resp.body);
    free(qstore);
    return ok;
}

static int
has_body(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_TRANSFER_ENCODING);

    if (te)
        return 1;
    if (cl == NULL)
        return 0;
    while (*cl == '0')
        cl++;
    return *cl != '\0';
}

/* The connection record's entry of conn (NULL if it has none). */
static struct web_conn *
conn_entry(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

/*
 * RFC 9112 3.2: a server must answer 400 to an HTTP/1.1 request without
 * a Host, and to any request with more than one or an invalid one.
 * (libmicrohttpd passes HTTP/1.2-1.9 on as 1.1, and answers other
 * versions itself.)
 */
static int
host_ok(struct MHD_Connection *conn, const char *version)
{
    unsigned n = header_count(conn, MHD_HTTP_HEADER_HOST);

    if (n == 0)
        return strcmp(version, MHD_HTTP_VERSION_1_0) == 0;
    return n == 1 && web_host_valid(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                                MHD_HTTP_HEADER_HOST));
}

/* The request line and header are over WEB_MAX_HEADER bytes. Bigger
 * ones than libmicrohttpd's memory holds it answers itself. */
static int
header_too_big(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);

    return ci && ci->header_size > WEB_MAX_HEADER;
}

/* The peer is this machine (127.0.0.0/8, ::1, or v4-mapped 127.x). */
static int
peer_is_loopback(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 0;
}

/*
 * A write's credential: 200 when the request has exactly one
 * "Authorization: Bearer TOKEN" and TOKEN is the configuration's (compared
 * in constant time, never copied or logged), 401 otherwise, 403 when the
 * configuration has no token (writes are off) or the peer is not on this
 * machine (the token would cross the network in clear).
 */
static int
authorized(struct web_server *s, struct MHD_Connection *conn)
{
    const char *secret = s->ctx.cfg ? s->ctx.cfg->token : NULL, *h;

    if (secret == NULL || *secret == '\0')
        return 403;
    /* The token travels in clear over plain HTTP: only from this machine
     * (a TLS proxy in front, or a local client). docs/security.md */
    if (!peer_is_loopback(conn))
        return 403;
    if (header_count(conn, MHD_HTTP_HEADER_AUTHORIZATION) != 1)
        return 401;
    h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return 401;
    for (h += 7; *h == ' '; h++)
        ;
    return web_token_equal(h, secret) ? 200 : 401;
}

/* The write route of the request's path and method (NULL: none), and in
 * *allow the methods of a path that has writes (NULL: none). */
static web_handler *
write_of(const struct request *rq, const char *method, const char **allow, size_t *body_max)
{
    char path[WEB_MAX_PATH + 1];

    *allow = NULL;
    if (web_decode_path(rq->target, path, sizeof(path)) != 200)
        return NULL;
    return web_write_route(path, method, allow, body_max);
}

/* The target's path has a public read route. */
static int
has_read_route(const char *target)
{
    char path[WEB_MAX_PATH + 1];

    return web_decode_path(target, path, sizeof(path)) == 200 && web_route(path).fn != NULL;
}

/* The request's Content-Length is over max (a chunked body is counted as
 * it arrives). */
static int
length_over(struct MHD_Connection *conn, size_t max)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long n;
    char *end;

    if (cl == NULL)
        return 0;
    errno = 0;
    n = strtoull(cl, &end, 10);
    return errno != 0 || n > max;
}

/* The first call, the header complete: the checks that need no target
 * but a write's (its method, its token). */
static enum MHD_Result
check_header(struct web_server *s, struct MHD_Connection *conn, struct request *rq,
             const char *method, const char *version)
{
    web_handler *w;
    const char *allow;
    size_t body_max = 0;
    int auth;

    web_conns_busy(s->conns, conn_entry(conn));
    if (header_too_big(conn))
        return reject(s, conn, rq, method, 431);
    if (!host_ok(conn, version))
        return reject(s, conn, rq, method, 400);
    w = write_of(rq, method, &allow, &body_max);
    if (w != NULL) {
        rq->allow = allow;
        if (body_max == 0 && has_body(conn))
            return reject(s, conn, rq, method, 400);
        if ((auth = authorized(s, conn)) != 200)
            return reject(s, conn, rq, method, auth);
        if (body_max > 0 && length_over(conn, body_max))
            return reject(s, conn, rq, method, 413);
        rq->write = w;
        rq->body_max = body_max;
        return MHD_YES;
    }
    if (allow != NULL) {
        /* a path with writes: reads of it are the public routes' */
        rq->allow = allow;
        if ((strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) ||
            !has_read_route(rq->target))
            return reject(s, conn, rq, method, 405);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reject(s, conn, rq, method, 405);
    if (has_body(conn))
        return reject(s, conn, rq, method, 400);
    return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct web_server *s = cls;
    struct request *rq = *con_cls;

    (void)url;
    if (rq == NULL)
        return MHD_NO; /* on_uri always runs first */
    if (!rq->called) {
        rq->called = 1;
        return check_header(s, conn, rq, method, version);
    }
    if (*upload_size > 0) {
        if (rq->write && rq->body_max > 0) {
            if (!rq->too_big && rq->upload.len + *upload_size <= rq->body_max) {
                if (rq->upload.max == 0)
                    buf_init(&rq->upload, rq->body_max + 1);
                buf_append(&rq->upload, upload, *upload_size);
            } else {
                rq->too_big = 1;
            }
        } else {
            rq->body = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_big)
        return reject(s, conn, rq, method, 413);
    if (rq->body)
        return reject(s, conn, rq, method, 400);
    if (rq->write)
        return answer_write(s, conn, rq, method);
    return answer(s, conn, rq, method);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct web_server *s = cls;
    struct request *rq = xcalloc(1, sizeof(*rq));

    (void)conn;
    rq->srv = s;
    rq->target = xstrdup(uri ? uri : "");
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    atomic_fetch_add(&s->status.inflight, 1);
    return rq;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct web_server *s = cls;
    struct request *rq = *con_cls;

    (void)toe;
    /* A kept-alive connection waits for its next header from now. */
    web_conns_idle(s->conns, conn_entry(conn), mono_ms());
    if (rq == NULL)
        return;
    gate_leave(s, rq); /* a connection that ended holding a slot passes it on */
    buf_fini(&rq->upload);
    free(rq->target);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&s->status.inflight, 1);
}

/* Tracks each connection from its accept to its close (conns.h). */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    struct web_server *s = cls;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *addr =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (fd)
            *socket_context = web_conns_add(s->conns, fd->connect_fd,
                                            addr ? addr->client_addr : NULL, mono_ms());
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        /* Before libmicrohttpd closes the descriptor: see conns.h. */
        web_conns_remove(s->conns, *socket_context);
        *socket_context = NULL;
    }
}

/*
 * Ends a connection from outside its thread. shutdown(2), not close(2):
 * the descriptor stays libmicrohttpd's until it sees the end and closes
 * it, so it is never closed twice nor reused under it. A client that
 * sent part of a header gets no answer: whatever it read could be taken
 * for the answer to a request it sends meanwhile.
 */
static void
close_conn(int fd, void *cls)
{
    (void)cls;
    shutdown(fd, SHUT_RDWR);
}

#define REAPER_MS 250           /* how often deadlines are looked at */

/* The thread that closes connections past their deadline (conns.h). */
static void *
reaper_main(void *arg)
{
    struct web_server *s = arg;

    pthread_mutex_lock(&s->reaper_lock);
    while (!s->reaper_quit) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += REAPER_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->reaper_wake, &s->reaper_lock, &until);
        pthread_mutex_unlock(&s->reaper_lock);
        web_conns_expire(s->conns, mono_ms());
        pthread_mutex_lock(&s->reaper_lock);
    }
    pthread_mutex_unlock(&s->reaper_lock);
    return NULL;
}

/* The reaper's condition waits on the monotonic clock, as deadlines do. */
static int
start_reaper(struct web_server *s)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&s->reaper_lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->reaper_wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->reaper, NULL, reaper_main, s) != 0) {
        pthread_cond_destroy(&s->reaper_wake);
        pthread_mutex_destroy(&s->reaper_lock);
        return ALM_EIO;
    }
    return ALM_OK;
}

static void
stop_reaper(struct web_server *s)
{
    pthread_mutex_lock(&s->reaper_lock);
    s->reaper_quit = 1;
    pthread_cond_signal(&s->reaper_wake);
    pthread_mutex_unlock(&s->reaper_lock);
    pthread_join(s->reaper, NULL);
    pthread_cond_destroy(&s->reaper_wake);
    pthread_mutex_destroy(&s->reaper_lock);
}

/* ---- start and stop ---- */

static int
listen_socket(struct web_server *s, const char *addr, char *err, size_t errlen)
{
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof(ss);
    char host[256], port[8], bound[80], bport[8];
    unsigned p;
    int fd, one = 1, rc;

    if (web_parse_listen(addr, host, sizeof(host), &p) != ALM_OK) {
        snprintf(err, errlen, "bad listen address '%s' (want HOST:PORT or [IPV6]:PORT)",
                 addr);
        return ALM_EINVAL;
    }
    snprintf(port, sizeof(port), "%u", p);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "listen address '%s': %s", addr, gai_strerror(rc));
        return ALM_EINVAL;
    }
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        freeaddrinfo(ai);
        return ALM_EIO;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0 ||
        getnameinfo((struct sockaddr *)&ss, sslen, bound, sizeof(bound), bport, sizeof(bport),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(errno));
        close(fd);
        freeaddrinfo(ai);
        return ALM_EIO;
    }
    if (ss.ss_family == AF_INET6)
        snprintf(s->base_url, sizeof(s->base_url), "http://[%s]:%s", bound, bport);
    else
        snprintf(s->base_url, sizeof(s->base_url), "http://%s:%s", bound, bport);
    snprintf(s->url, sizeof(s->url), "%s/", s->base_url);
    freeaddrinfo(ai);
    s->fd = fd;
    return ALM_OK;
}

/* Frees what web_server_start() made before the daemon would have started. */
static void
unstart(struct web_server *s)
{
    close(s->fd);
    access_log_free(s->alog);
    web_cache_free(s->cache);
    store_close(s->watch);
    web_conns_free(s->conns);
    pthread_mutex_destroy(&s->watch_lock);
    pthread_mutex_destroy(&s->flights_lock);
    free(s);
}

int
web_server_start(const struct web_ctx *ctx, const struct web_server_opts *o,
                 struct web_server **out, char *err, size_t errlen)
{
    struct web_server *s;
    struct web_conn_limits lim;
    struct store *st;
    time_t started;
    unsigned threads = o && o->threads ? o->threads : 0;
    long ncpu;
    int rc;

    /* Two threads a core (at least four): renders read SQLite and wait on
     * it, and one thread more than the render gate lets render keeps
     * /healthz and cached pages answered while every render is slow. */
    if (threads == 0) {
        ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 2 ? (unsigned)ncpu * 2 : 4;
    }
    if (threads > 64)
        threads = 64;
    /* Fail now, with the reason, rather than with a 503 on every request. */
    if (ctx->db_path == NULL) {
        snprintf(err, errlen, "no database");
        return ALM_EINVAL;
    }
    if (store_open_readonly(ctx->db_path, &st, err, errlen) != ALM_OK)
        return ALM_EIO;
    store_close(st);

    s = xcalloc(1, sizeof(*s));
    s->ctx = *ctx;
    s->log = o ? o->access_log : NULL;
    started = time(NULL);
    s->fd = -1;
    rc = listen_socket(s, o && o->listen ? o->listen : WEB_DEFAULT_LISTEN, err, errlen);
    if (rc != ALM_OK) {
        free(s);
        return rc;
    }
    pthread_mutex_init(&s->watch_lock, NULL);
    pthread_mutex_init(&s->flights_lock, NULL);
    s->slots = threads > 1 ? threads - 1 : 1;
    if (!o || o->cache_mb >= 0) {
        size_t mb = o && o->cache_mb > 0 ? (size_t)o->cache_mb : CACHE_MB;
        s->cache = web_cache_new(mb << 20, CACHE_ENTRY_MAX, CACHE_ENTRIES);
        /* The version the cache starts from; without it the first request looks. */
        if (store_open_readonly(ctx->db_path, &s->watch, err, errlen) == ALM_OK &&
            store_change_token(s->watch, &s->version) == ALM_OK)
            s->have_version = 1;
        atomic_store(&s->next_check, mono_ms() + CACHE_CHECK_MS);
    }
    if (s->ctx.base_url == NULL)
        s->ctx.base_url = s->base_url;
    if (s->log) {
        fflush(s->log); /* what stdio holds goes first */
        s->alog = access_log_new(fileno(s->log)); /* NULL: no thread, no log */
    }
    s->conns = web_conns_new(&(struct web_conn_limits){
        .max_conns = o ? o->max_conns : 0,
        .max_per_address = o ? o->max_per_address : 0,
        .header_ms = o ? o->header_timeout * 1000 : 0,
        .request_ms = o ? o->request_timeout * 1000 : 0,
    }, close_conn, s);
    web_conns_limits(s->conns, &lim);
    web_status_init(&s->status, started, s->conns, s->cache);
    s->ctx.status = &s->status;
    if (start_reaper(s) != ALM_OK) {
        snprintf(err, errlen, "cannot start a thread");
        unstart(s);
        return ALM_EIO;
    }
    /*
     * The connection record (conns.h) applies the limits on number, per
     * address and in time; libmicrohttpd's own are a backstop CONN_SLACK
     * above them, so that a new connection reaches the record, which makes
     * room for it, while the ones it closed are still going. 15 s of
     * silence also closes a connection (a client that stops reading its
     * answer). Memory: a request line and header over WEB_MAX_HEADER get
     * our 431; over what HEADER_MEMORY holds, libmicrohttpd's own.
     */
    s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
                            MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
                            on_request, s,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->fd,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT,
                            MHD_OPTION_CONNECTION_LIMIT, lim.max_conns + CONN_SLACK,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                            lim.max_per_address + CONN_SLACK,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_END);
    if (s->d == NULL) {
        snprintf(err, errlen, "cannot start the HTTP server on %s", s->base_url);
        stop_reaper(s);
        unstart(s);
        return ALM_EIO;
    }
    *out = s;
    return ALM_OK;
}

const char *
web_server_url(const struct web_server *s)
{
    return s->url;
}

const struct web_ctx *
web_server_ctx(const struct web_server *s)
{
    return &s->ctx;
}

void
web_server_stop(struct web_server *s)
{
    MHD_socket fd;

    if (s == NULL)
        return;
    /* No new connections; kept-alive ones end with their next answer. */
    atomic_store(&s->status.stopping, 1);
    fd = MHD_quiesce_daemon(s->d);
    for (int i = 0; i < DRAIN_MS / 10 && atomic_load(&s->status.inflight) > 0; i++) {
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    /* libmicrohttpd must not be stopped with a connection suspended. */
    ground(s);
    stop_reaper(s);
    MHD_stop_daemon(s->d);
    /* After quiescing the listen socket is ours to close; otherwise
     * MHD_stop_daemon closed it. */
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    web_store_release();
    access_log_free(s->alog); /* no thread answers any more: write out the rest */
    s->alog = NULL;
    /* The daemon is gone, and with it every response that held an entry. */
    web_cache_free(s->cache);
    store_close(s->watch);
    web_conns_free(s->conns); /* every connection was removed as it closed */
    pthread_mutex_destroy(&s->watch_lock);
    pthread_mutex_destroy(&s->flights_lock);
    free(s);
}
