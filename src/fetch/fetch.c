/*
 * fetch.c - the libcurl multi loop behind fetch.h.
 *
 * One multi handle per fetch_run(). Requests wait in the caller's array and
 * are started when a slot is free and their host is under its limit, so a
 * long list for one host does not block every other host. Each transfer
 * collects its body in a bounded buf; the header callback sees every status
 * line, one per redirect hop, which is how we know whether all hops were
 * permanent. The SSRF guard lives in the open-socket callback: curl calls
 * it with the resolved address of every connection, so what we check is
 * what we connect to.
 */
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define FETCH_UA_DEFAULT "almanac/0.1"
#define HEADER_MAX 1024                  /* longest validator we keep or send */
#define RETRY_AFTER_MAX (30L * 24 * 3600) /* a hostile server cannot park us for years */
#define POLL_MS 1000
#define SCAN_MAX 1024                    /* waiting requests looked at per start_more */

/* One started transfer. */
struct xfer {
    size_t index;            /* into run.reqs */
    CURL *easy;
    struct curl_slist *headers;
    struct buf body;
    const char *host;        /* borrowed from run.hosts: the per-host key */
    int allow_local;
    int is_file;
    int too_big;
    long last_code;          /* status of the latest final response seen, 0 before */
    int hops;                /* final responses before the latest: redirects followed */
    int all_permanent;       /* every such hop was 301 or 308 */
    char refused[128];       /* the first SSRF refusal, "" when none */
    char errbuf[CURL_ERROR_SIZE];
};

/* What a request looks like before it starts, worked out once. */
struct plan {
    char *host;              /* lower-case host, NULL for file:// and bad URLs */
    int is_file;
    char *early_error;       /* set when the request fails without a transfer */
    int started;
};

struct run {
    const struct fetch_opts *o;
    const struct fetch_req *reqs;
    size_t n;
    struct plan *plans;
    size_t next;             /* no request before this one is waiting */
    size_t finished;
    struct xfer **active;    /* o->concurrency slots */
    size_t nactive;
    CURLM *multi;
    /* Returns nonzero when it kept r (then run does not free it). */
    int (*take)(struct fetch_result *r, void *arg);
    void *arg;
};

void
fetch_opts_default(struct fetch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->user_agent = FETCH_UA_DEFAULT;
    o->concurrency = 8;
    o->per_host = 2;
    o->connect_timeout = 10;
    o->timeout = 30;
    o->low_speed_time = 15;
    o->max_bytes = (size_t)16 << 20;
    o->max_redirects = 5;
    o->allow_local_all = 0;
}

int
fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ALM_OK : ALM_EFETCH;
}

void
fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

void
fetch_result_free(struct fetch_result *r)
{
    if (r == NULL)
        return;
    free(r->body);
    free(r->etag);
    free(r->last_modified);
    free(r->content_type);
    free(r->effective_url);
    free(r->permanent_url);
    free(r->error);
    free(r);
}

/* ---- address classification ---- */

/* Why an IPv4 address (host byte order) is not public, or NULL when it is. */
static const char *
v4_reason(uint32_t a)
{
    if (a == 0xa9fea9feu)
        return "the cloud metadata address";
    if ((a >> 24) == 0)
        return "a 'this network' address";
    if ((a >> 24) == 10)
        return "a private address";
    if ((a >> 24) == 127)
        return "a loopback address";
    if ((a & 0xffc00000u) == 0x64400000u)
        return "a shared (CGNAT) address";
    if ((a & 0xffff0000u) == 0xa9fe0000u)
        return "a link-local address";
    if ((a & 0xfff00000u) == 0xac100000u)
        return "a private address";
    if ((a & 0xffff0000u) == 0xc0a80000u)
        return "a private address";
    if (a == 0xffffffffu)
        return "a broadcast address";
    if ((a & 0xf0000000u) == 0xe0000000u)
        return "a multicast address";
    if ((a & 0xf0000000u) == 0xf0000000u)
        return "a reserved address";
    return NULL;
}

static uint32_t
v4_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *
v6_reason(const unsigned char *b)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
    static const unsigned char zero[12];

    /* Forms that carry an IPv4 address are judged by that address. */
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
        return v4_reason(v4_at(b + 12));
    if (b[0] == 0x20 && b[1] == 0x02)   /* 6to4 */
        return v4_reason(v4_at(b + 2));
    if (memcmp(b, zero, 12) == 0) {
        uint32_t low = v4_at(b + 12);
        if (low == 0)
            return "the unspecified address";
        if (low == 1)
            return "a loopback address";
        return "an IPv4-compatible address";
    }
    if ((b[0] & 0xfe) == 0xfc)
        return "a private address";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "a link-local address";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return "a site-local address";
    if (b[0] == 0xff)
        return "a multicast address";
    return NULL;
}

/* Copies rather than casts: sa may be less aligned than the real struct. */
static const char *
addr_reason(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof(in));
        return v4_reason(ntohl(in.sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof(in6));
        return v6_reason(in6.sin6_addr.s6_addr);
    }
    return "not an internet address";
}

int
fetch_addr_is_public(const struct sockaddr *sa)
{
    return sa != NULL && addr_reason(sa) == NULL;
}

static void
addr_text(const struct sockaddr *sa, char *out, size_t size)
{
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    const void *p = NULL;

    if (sa->sa_family == AF_INET) {
        memcpy(&in, sa, sizeof(in));
        p = &in.sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        memcpy(&in6, sa, sizeof(in6));
        p = &in6.sin6_addr;
    }
    if (p == NULL || inet_ntop(sa->sa_family, p, out, (socklen_t)size) == NULL)
        snprintf(out, size, "address of family %d", sa->sa_family);
}

/* ---- curl callbacks ---- */

/*
 * curl calls this for every connection, after resolving and on every hop,
 * so a name that resolves to 127.0.0.1 or a redirect to 10.0.0.1 is caught
 * here, not by looking at URLs.
 */
static curl_socket_t
on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = clientp;
    const char *why;
    int type = a->socktype;

    (void)purpose;
    if (!x->allow_local && (why = addr_reason(&a->addr)) != NULL) {
        if (x->refused[0] == '\0') {
            char ip[INET6_ADDRSTRLEN + 16];
            addr_text(&a->addr, ip, sizeof(ip));
            snprintf(x->refused, sizeof(x->refused), "refused: %s is %s", ip, why);
        }
        return CURL_SOCKET_BAD;
    }
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;
#endif
    return socket(a->family, type, a->protocol);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    /* Returning short makes curl stop, so an endless body ends here. */
    if (buf_append(&x->body, p, n) != ALM_OK) {
        x->too_big = 1;
        return 0;
    }
    return n;
}

/* Reads the code of a status line "HTTP/1.1 301 Moved"; 0 when it is not one. */
static long
status_code(const char *p, size_t n)
{
    size_t i = 5;
    long code = 0;
    int digits = 0;

    if (n < 5 || memcmp(p, "HTTP/", 5) != 0)
        return 0;
    while (i < n && p[i] != ' ')
        i++;
    while (i < n && p[i] == ' ')
        i++;
    while (i < n && digits < 3 && p[i] >= '0' && p[i] <= '9') {
        code = code * 10 + (p[i++] - '0');
        digits++;
    }
    return digits == 3 ? code : 0;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    long code = status_code(p, n);

    /* A 1xx is interim, not a hop; anything else starts a new response. */
    if (code >= 200) {
        if (x->last_code != 0) {
            x->hops++;
            if (x->last_code != 301 && x->last_code != 308)
                x->all_permanent = 0;
        }
        x->last_code = code;
        buf_reset(&x->body);
        x->too_big = 0;
    }
    return n;
}

/* ---- results ---- */

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* A header of the final response, copied, or NULL when absent or too long. */
static char *
final_header(CURL *easy, const char *name)
{
    struct curl_header *h = NULL;

    if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == NULL)
        return NULL;
    if (h->value == NULL || strlen(h->value) > HEADER_MAX)
        return NULL;
    return xstrdup(h->value);
}

/* Retry-After is delta-seconds or an HTTP date (RFC 9110 10.2.3). */
static long
retry_after_seconds(const char *v)
{
    long secs = 0;
    const char *p = v;

    while (*p == ' ' || *p == '\t')
        p++;
    if (isdigit((unsigned char)*p)) {
        while (isdigit((unsigned char)*p)) {
            secs = secs * 10 + (*p++ - '0');
            if (secs > RETRY_AFTER_MAX)
                return RETRY_AFTER_MAX;
        }
    } else {
        time_t when = curl_getdate(p, NULL);
        time_t now = time(NULL);
        if (when == (time_t)-1 || when <= now)
            return 0;
        if (when - now > RETRY_AFTER_MAX)
            return RETRY_AFTER_MAX;
        secs = (long)(when - now);
    }
    return secs;
}

static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
    struct buf b = BUF_INIT(4096);
    va_list ap;

    va_start(ap, f);
    if (buf_vprintf(&b, f, ap) != ALM_OK)
        buf_puts(&b, "(message too long)");
    va_end(ap);
    return buf_take(&b);
}

static char *
describe_failure(const struct run *r, const struct xfer *x, CURLcode cc)
{
    const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);
    curl_off_t connect_us = 0;

    if (x->refused[0])
        return xstrdup(x->refused);
    if (cc == CURLE_FILESIZE_EXCEEDED || (cc == CURLE_WRITE_ERROR && x->too_big))
        return fmt("body too large (> %zu bytes)", r->o->max_bytes);
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        if (strncmp(x->errbuf, "Operation too slow", 18) == 0)
            return fmt("too slow: under 1 byte/s for %ld s", r->o->low_speed_time);
        curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
        if (connect_us == 0 && !x->is_file)
            return fmt("connect timeout after %ld s", r->o->connect_timeout);
        return fmt("timeout after %ld s", r->o->timeout);
    case CURLE_TOO_MANY_REDIRECTS:
        return fmt("too many redirects (> %d)", r->o->max_redirects);
    case CURLE_UNSUPPORTED_PROTOCOL:
        return fmt("refused: protocol not allowed (%s)", detail);
    default:
        break;
    }
    return xstrdup(detail);
}

long
fetch_retry_after(const char *v)
{
    return v ? retry_after_seconds(v) : 0;
}

const char *
fetch_addr_reason(const struct sockaddr *sa)
{
    return sa ? addr_reason(sa) : "no address";
}

static struct fetch_result *
xfer_result(const struct run *r, struct xfer *x, CURLcode cc)
{
    struct fetch_result *res = xcalloc(1, sizeof(*res));
    const char *url = NULL, *ctype = NULL;
    curl_off_t total_us = 0;
    long redirects = 0;

    res->user = r->reqs[x->index].user;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &res->status);
    if (x->is_file)
        res->status = cc == CURLE_OK ? 200 : 0;
    if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK)
        res->effective_url = dup_or_null(url);
    if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK)
        res->content_type = dup_or_null(ctype);
    if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK)
        res->duration = (double)total_us / 1e6;
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);

    if (!x->is_file && res->status != 0) {
        res->etag = final_header(x->easy, "ETag");
        res->last_modified = final_header(x->easy, "Last-Modified");
        if (res->status == 429 || res->status == 503) {
            char *ra = final_header(x->easy, "Retry-After");
            if (ra != NULL)
                res->retry_after = retry_after_seconds(ra);
            free(ra);
        }
    }

    if (cc != CURLE_OK) {
        res->error = describe_failure(r, x, cc);
        buf_fini(&x->body);
    } else if (res->status == 200 || res->status == 304) {
        res->ok = 1;
        res->not_modified = res->status == 304;
        if (redirects > 0 && x->hops == redirects && x->all_permanent)
            res->permanent_url = dup_or_null(res->effective_url);
    } else {
        /* The error page stays in body: it sometimes says why. */
        res->error = fmt("HTTP %ld", res->status);
    }
    res->len = x->body.len;
    res->body = buf_take(&x->body);
    return res;
}

/* A result for a request that never reached curl. */
static struct fetch_result *
early_result(const struct run *r, size_t i, const char *error)
{
    struct fetch_result *res = xcalloc(1, sizeof(*res));

    res->user = r->reqs[i].user;
    res->body = xstrdup("");
    res->error = xstrdup(error);
    return res;
}

static void
deliver(struct run *r, struct fetch_result *res)
{
    r->finished++;
    if (!r->take(res, r->arg))
        fetch_result_free(res);
}

/* ---- planning and starting ---- */

static void
plan_request(const struct fetch_opts *o, const struct fetch_req *req, struct plan *p)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    CURLUcode uc;

    if (u == NULL) {
        p->early_error = xstrdup("out of memory in curl_url");
        return;
    }
    if (req->url == NULL) {
        p->early_error = xstrdup("bad URL: none given");
        goto out;
    }
    uc = curl_url_set(u, CURLUPART_URL, req->url, 0);
    if (uc != CURLUE_OK) {
        p->early_error = fmt("bad URL: %s", curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        p->early_error = xstrdup("bad URL: no scheme");
        goto out;
    }
    if (strcmp(scheme, "file") == 0) {
        p->is_file = 1;
        if (!req->allow_local && !o->allow_local_all)
            p->early_error = xstrdup("refused: file:// is only for local sources");
        goto out;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        p->early_error = fmt("refused: unsupported scheme %s", scheme);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        p->early_error = xstrdup("bad URL: no host");
        goto out;
    }
    p->host = xstrdup(host);
    for (char *c = p->host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
}

static void
xfer_free(struct xfer *x)
{
    if (x == NULL)
        return;
    curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    buf_fini(&x->body);
    free(x);
}

/* Validators come from a server, so one with a line break is not sent. */
static int
header_safe(const char *v)
{
    return v != NULL && *v != '\0' && strlen(v) <= HEADER_MAX && strpbrk(v, "\r\n") == NULL;
}

static int
add_header(struct curl_slist **list, const char *name, const char *value)
{
    char *line;
    struct curl_slist *l;

    if (!header_safe(value))
        return ALM_OK;
    line = fmt("%s: %s", name, value);
    l = curl_slist_append(*list, line);
    free(line);
    if (l == NULL)
        return ALM_EFETCH;
    *list = l;
    return ALM_OK;
}

/* Makes the easy handle for request i; NULL when curl refused a setting. */
static struct xfer *
xfer_new(const struct run *r, size_t i)
{
    const struct fetch_opts *o = r->o;
    const struct fetch_req *req = &r->reqs[i];
    struct xfer *x = xcalloc(1, sizeof(*x));
    int bad = 0;
    CURL *e;

    x->index = i;
    x->host = r->plans[i].host;
    x->is_file = r->plans[i].is_file;
    x->allow_local = req->allow_local || o->allow_local_all;
    x->all_permanent = 1;
    /* buf keeps len < max, so max_bytes itself still fits. */
    buf_init(&x->body, o->max_bytes + 1);
    x->easy = e = curl_easy_init();
    if (e == NULL) {
        free(x);
        return NULL;
    }
    bad |= add_header(&x->headers, "If-None-Match", req->etag) != ALM_OK;
    bad |= add_header(&x->headers, "If-Modified-Since", req->last_modified) != ALM_OK;

    bad |= curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USERAGENT,
                            o->user_agent ? o->user_agent : FETCH_UA_DEFAULT) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
                            x->allow_local ? "http,https,file" : "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)o->max_redirects) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK;
    /* Through a proxy the guard would check the proxy, not the destination. */
    bad |= curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK;
    if (x->headers != NULL)
        bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers) != CURLE_OK;
    /*
     * A connection a local request opened to a private address must not
     * go back into the pool, where a guarded request could reuse it without
     * a new socket (and so without a check).
     */
    if (req->allow_local && !o->allow_local_all)
        bad |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK;
    if (bad) {
        xfer_free(x);
        return NULL;
    }
    return x;
}

static size_t
host_active(const struct run *r, const char *host)
{
    size_t count = 0;

    for (size_t i = 0; i < r->nactive; i++)
        if (r->active[i]->host != NULL && strcmp(r->active[i]->host, host) == 0)
            count++;
    return count;
}

/*
 * Starts waiting requests while slots are free, and fails the ones that
 * cannot start. The scan is bounded so a long queue for one busy host costs
 * little; with no transfer active the first waiting request always starts.
 */
static void
start_more(struct run *r)
{
    size_t slots = (size_t)r->o->concurrency;
    size_t seen = 0;

    while (r->next < r->n && r->plans[r->next].started)
        r->next++;
    for (size_t i = r->next; i < r->n && r->nactive < slots && seen < SCAN_MAX; i++) {
        struct plan *p = &r->plans[i];
        struct xfer *x;

        if (p->started)
            continue;
        seen++;
        if (p->early_error != NULL) {
            p->started = 1;
            deliver(r, early_result(r, i, p->early_error));
            continue;
        }
        if (p->host != NULL && host_active(r, p->host) >= (size_t)r->o->per_host)
            continue;
        p->started = 1;
        x = xfer_new(r, i);
        if (x == NULL) {
            deliver(r, early_result(r, i, "curl refused the transfer settings"));
            continue;
        }
        if (curl_multi_add_handle(r->multi, x->easy) != CURLM_OK) {
            xfer_free(x);
            deliver(r, early_result(r, i, "curl refused to add the transfer"));
            continue;
        }
        r->active[r->nactive++] = x;
    }
}

static void
finish(struct run *r, struct xfer *x, CURLcode cc, const char *forced_error)
{
    struct fetch_result *res;

    for (size_t i = 0; i < r->nactive; i++) {
        if (r->active[i] == x) {
            r->active[i] = r->active[--r->nactive];
            break;
        }
    }
    curl_multi_remove_handle(r->multi, x->easy);
    res = xfer_result(r, x, cc);
    if (forced_error != NULL) {
        res->ok = 0;
        free(res->error);
        res->error = xstrdup(forced_error);
    }
    xfer_free(x);
    deliver(r, res);
}

static void
drain(struct run *r)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(r->multi, &left)) != NULL) {
        char *priv = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        if (priv != NULL)
            finish(r, (struct xfer *)(void *)priv, msg->data.result, NULL);
    }
}

/* curl itself broke: every request still open gets this error. */
static void
fail_rest(struct run *r, CURLMcode mc)
{
    char *why = fmt("curl multi: %s", curl_multi_strerror(mc));

    while (r->nactive > 0)
        finish(r, r->active[r->nactive - 1], CURLE_OK, why);
    for (size_t i = 0; i < r->n; i++) {
        if (!r->plans[i].started) {
            r->plans[i].started = 1;
            deliver(r, early_result(r, i, why));
        }
    }
    free(why);
}

static void
normalize(const struct fetch_opts *in, struct fetch_opts *o)
{
    struct fetch_opts d;

    fetch_opts_default(&d);
    *o = *in;
    if (o->concurrency < 1)
        o->concurrency = d.concurrency;
    if (o->per_host < 1)
        o->per_host = d.per_host;
    if (o->connect_timeout < 1)
        o->connect_timeout = d.connect_timeout;
    if (o->timeout < 1)
        o->timeout = d.timeout;
    if (o->low_speed_time < 1)
        o->low_speed_time = d.low_speed_time;
    if (o->max_bytes == 0)
        o->max_bytes = d.max_bytes;
    if (o->max_bytes > SIZE_MAX / 4)
        o->max_bytes = SIZE_MAX / 4;
    if (o->max_redirects < 0)
        o->max_redirects = 0;
}

static int
run_all(const struct fetch_opts *opts, const struct fetch_req *reqs, size_t n,
        int (*take)(struct fetch_result *r, void *arg), void *arg)
{
    struct fetch_opts o;
    struct run r;
    int mixed = 0;

    if (opts == NULL || (reqs == NULL && n > 0))
        return ALM_EINVAL;
    normalize(opts, &o);
    memset(&r, 0, sizeof(r));
    r.o = &o;
    r.reqs = reqs;
    r.n = n;
    r.take = take;
    r.arg = arg;
    r.plans = xcalloc(n ? n : 1, sizeof(*r.plans));
    r.active = xcalloc((size_t)o.concurrency, sizeof(*r.active));
    for (size_t i = 0; i < n; i++) {
        plan_request(&o, &reqs[i], &r.plans[i]);
        mixed |= reqs[i].allow_local && !o.allow_local_all;
    }

    r.multi = curl_multi_init();
    if (r.multi == NULL) {
        fail_rest(&r, CURLM_OUT_OF_MEMORY);
        goto out;
    }
    curl_multi_setopt(r.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.concurrency);
    curl_multi_setopt(r.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o.per_host);
    /*
     * HTTP/2 could multiplex a guarded request onto a connection a local
     * request opened, without a new socket; when both kinds share the run,
     * every transfer gets connections of its own.
     */
    if (mixed)
        curl_multi_setopt(r.multi, CURLMOPT_PIPELINING, CURLPIPE_NOTHING);

    start_more(&r);
    while (r.finished < r.n) {
        int running = 0;
        CURLMcode mc = curl_multi_perform(r.multi, &running);

        if (mc == CURLM_OK) {
            size_t before = r.finished;

            drain(&r);
            if (r.finished != before)
                start_more(&r);
            if (r.finished >= r.n)
                break;
            mc = curl_multi_poll(r.multi, NULL, 0, POLL_MS, NULL);
        }
        if (mc != CURLM_OK) {
            fail_rest(&r, mc);
            break;
        }
    }
out:
    curl_multi_cleanup(r.multi);
    for (size_t i = 0; i < n; i++) {
        free(r.plans[i].host);
        free(r.plans[i].early_error);
    }
    free(r.plans);
    free(r.active);
    return ALM_OK;
}

struct run_cb {
    void (*done)(const struct fetch_result *r, void *arg);
    void *arg;
};

static int
lend(struct fetch_result *res, void *arg)
{
    struct run_cb *cb = arg;

    cb->done(res, cb->arg);
    return 0;
}

int
fetch_run(const struct fetch_opts *o, const struct fetch_req *reqs, size_t n,
          void (*done)(const struct fetch_result *r, void *arg), void *arg)
{
    struct run_cb cb = { done, arg };

    if (done == NULL)
        return ALM_EINVAL;
    return run_all(o, reqs, n, lend, &cb);
}

static int
keep(struct fetch_result *res, void *arg)
{
    *(struct fetch_result **)arg = res;
    return 1;
}

int
fetch_one(const struct fetch_opts *o, const struct fetch_req *req, struct fetch_result **out)
{
    struct fetch_result *res = NULL;
    int rc;

    if (req == NULL || out == NULL)
        return ALM_EINVAL;
    rc = run_all(o, req, 1, keep, &res);
    if (rc != ALM_OK)
        return rc;
    *out = res;
    return ALM_OK;
}

long
fetch_backoff(long first, int failures, long retry_after)
{
    long d = first;

    for (int i = 1; i < failures && d < 86400; i++)
        d *= 2;
    if (d > 86400)
        d = 86400;
    if (retry_after > d)
        d = retry_after > 7 * 86400 ? 7 * 86400 : retry_after;
    return d;
}
