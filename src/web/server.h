/*
 * server.h - the HTTP server (libmicrohttpd) in front of the content
 * handlers of routes.h; the top of the web layer.
 *
 * web_server_start() binds the listen address, starts a pool of epoll
 * threads (one per CPU, at least two) and returns; requests are answered
 * on those threads until web_server_stop(). The server does everything
 * HTTP-generic (see request.h): request checks, /healthz and /metrics,
 * conditional requests, gzip, caching and security headers, the access
 * log, and a response cache of rendered pages that empties itself when the
 * store changes. Each thread reads the store through its own read-only
 * connection (web_store()), closed when the thread ends.
 *
 * The helpers at the end are the server's pure parsing steps, public so
 * that the unit tests can reach them.
 */
#ifndef ALMANAC_SERVER_H
#define ALMANAC_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "web/request.h"

#define WEB_DEFAULT_LISTEN "127.0.0.1:8080"
#define WEB_MAX_PATH 2048       /* longer paths get 414 */
#define WEB_MAX_VALUE 1024      /* longer query names or values get 400 */
#define WEB_MAX_HEADER 16384    /* a longer request line and header get 431 */

struct web_server;

struct web_server_opts {
    const char *listen;         /* "HOST:PORT" or "[V6]:PORT"; NULL: WEB_DEFAULT_LISTEN;
                                 * port 0 picks a free one */
    unsigned threads;           /* 0: one per CPU, at least 2 */
    FILE *access_log;           /* one line per request; NULL: none (borrowed) */
    int cache_mb;               /* bound of the response cache in MiB: 0 for 16, -1 for none */
    /* Connection bounds (conns.h); 0 for each default. */
    unsigned max_conns;         /* open connections: WEB_MAX_CONNS */
    unsigned max_per_address;   /* from one client address: WEB_MAX_PER_ADDRESS */
    unsigned header_timeout;    /* seconds to a complete header: WEB_HEADER_TIMEOUT */
    unsigned request_timeout;   /* seconds to the answer sent: WEB_REQUEST_TIMEOUT */
};

/*
 * Binds and starts serving. ctx is copied; when ctx->base_url is NULL the
 * server derives it from the bound address. Returns ALM_OK, or ALM_EINVAL
 * (bad listen address) / ALM_EIO (cannot bind or start) with the reason
 * in err.
 */
int web_server_start(const struct web_ctx *ctx, const struct web_server_opts *o,
                     struct web_server **out, char *err, size_t errlen);
/* "http://127.0.0.1:8080/": where the server listens, with the bound port. */
const char *web_server_url(const struct web_server *s);
/* The context handlers get (its base_url filled in). */
const struct web_ctx *web_server_ctx(const struct web_server *s);
/*
 * Stops accepting, lets requests in flight finish (at most a few seconds),
 * stops the threads (their store connections close) and frees s. Also
 * closes the calling thread's store connection, if web_store() opened one.
 * Accepts NULL.
 */
void web_server_stop(struct web_server *s);

/* ---- the parsing steps, for tests ---- */

/*
 * Decodes the path of a raw request target ("/a%20b?x=1" -> "/a b") into
 * out (size outlen). Returns 200, or the status to answer: 400 (not
 * starting with '/', bad %-escape, NUL, a ".." segment, not UTF-8 once
 * decoded), 414 (longer than WEB_MAX_PATH, raw or decoded).
 */
int web_decode_path(const char *target, char *out, size_t outlen);

/*
 * Splits the query of a raw request target into r->params, decoding
 * %-escapes and '+'. The names and values are written into store (at
 * least strlen(target) + 1 bytes), which must outlive r. Returns 200 or
 * 400 (more than WEB_MAX_PARAMS parameters, a name or value longer than
 * WEB_MAX_VALUE bytes, a bad escape, a NUL, or a name or value that is
 * not well-formed UTF-8 once decoded: see web_utf8_valid()).
 */
int web_parse_query(const char *target, struct web_request *r, char *store, size_t storelen);

/* Whether an Accept-Encoding header value allows gzip (q > 0). */
int web_accepts_gzip(const char *accept_encoding);

/* Whether an If-None-Match header value matches etag ("\"...\""), weakly. */
int web_etag_match(const char *if_none_match, const char *etag);

/*
 * Splits "HOST:PORT" or "[V6]:PORT" (PORT 0..65535) into host and port.
 * Returns ALM_OK or ALM_EINVAL.
 */
int web_parse_listen(const char *listen, char *host, size_t hostlen, unsigned *port);

#endif
