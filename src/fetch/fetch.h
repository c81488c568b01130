/*
 * fetch.h - downloads many URLs at once over HTTP(S) and file://.
 *
 * A thin layer over the libcurl multi interface: it takes requests and hands
 * back results, and knows nothing of sources, the store or the parser. It
 * sends conditional GETs (If-None-Match / If-Modified-Since), follows
 * redirects and reports when every hop was permanent, lets curl decode
 * gzip/deflate/br/zstd bodies, caps the decoded size, and enforces
 * timeouts. An SSRF guard checks the address of every connection curl opens
 * (after DNS resolution, on every redirect hop) and refuses loopback,
 * private, link-local and other non-public addresses unless the request is
 * allowed to reach local addresses; file:// URLs need the same permission.
 *
 * Requests are borrowed for the duration of the call. A result handed to a
 * fetch_run() callback is borrowed for that call; fetch_one() gives its
 * result to the caller (free with fetch_result_free). A failed transfer is
 * an ordinary result (ok == 0 with the reason in error), not an error code;
 * functions return ALM_OK or a negative ALM_E* only for bad arguments or a
 * broken curl. Nothing here prints.
 */
#ifndef ALMANAC_FETCH_H
#define ALMANAC_FETCH_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/err.h"

/* How a run behaves; start from fetch_opts_default() and change fields. */
struct fetch_opts {
    const char *user_agent; /* default "almanac/0.1" */
    int concurrency;        /* transfers at once overall, default 8 */
    int per_host;           /* at once per host, default 2 */
    long connect_timeout;   /* seconds, default 10 */
    long timeout;           /* total seconds per transfer, redirects included, default 30 */
    long low_speed_time;    /* abort when below 1 byte/s for this many seconds, default 15 */
    size_t max_bytes;       /* decoded body cap, default 16 MiB; over it -> "body too large" */
    int max_redirects;      /* default 5 */
    int allow_local_all;    /* ALMANAC_ALLOW_LOCAL=1: every request may reach local addresses */
};

/* One URL to get. Every pointer is borrowed. */
struct fetch_req {
    const char *url;           /* http://, https:// or (local sources only) file:// */
    const char *etag;          /* from the last 200, may be NULL */
    const char *last_modified; /* from the last 200, may be NULL */
    int allow_local;           /* this source is marked local in the config */
    void *user;                /* caller's pointer, returned in the result */
};

/*
 * What happened to one request. Every string is owned by the result and
 * NUL-terminated; a NULL string means "absent".
 */
struct fetch_result {
    void *user;          /* the request's user pointer */
    int ok;              /* transfer completed with 200 or 304 */
    long status;         /* HTTP status, 0 when no response; file:// gives 200 */
    int not_modified;    /* 304: body is empty, keep what you had */
    char *body;          /* decoded body; never NULL ("" when there is none) */
    size_t len;          /* bytes in body, without the NUL */
    char *etag;          /* response validators of the final response */
    char *last_modified;
    char *content_type;
    char *effective_url; /* after redirects; NULL when the request never started */
    char *permanent_url; /* set when ok and every redirect hop was 301/308 (at least
                          * one): the new address to store */
    long retry_after;    /* seconds from a 429/503 Retry-After (delta or HTTP date), else 0;
                          * capped at 30 days */
    double duration;     /* seconds spent on the transfer */
    char *error;         /* why, when !ok: "HTTP 404", "timeout after 30 s",
                          * "body too large (> 16777216 bytes)",
                          * "refused: 127.0.0.1 is a loopback address", ... */
};

/* Fills o with the defaults listed in struct fetch_opts. */
void fetch_opts_default(struct fetch_opts *o);

/* Call once per process before any fetch, and cleanup once at the end. */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/*
 * Runs every request, at most o->concurrency at once and o->per_host per
 * host, and calls done(result, arg) in the calling thread as each one
 * completes, exactly once per request (order of completion, not of reqs).
 * The result is borrowed for the call only. Returns ALM_OK, or ALM_EINVAL
 * when an argument is missing (then done is never called).
 */
int fetch_run(const struct fetch_opts *o, const struct fetch_req *reqs, size_t n,
              void (*done)(const struct fetch_result *r, void *arg), void *arg);

/*
 * Fetches one URL (used by `almanac parse URL`). On ALM_OK *out holds the
 * result, successful or not (check ok); the caller frees it.
 */
int fetch_one(const struct fetch_opts *o, const struct fetch_req *req,
              struct fetch_result **out);

void fetch_result_free(struct fetch_result *r);

/*
 * 1 when sa (AF_INET or AF_INET6) is an address anyone on the internet could
 * reach; 0 for loopback, private (RFC 1918, fc00::/7), link-local (including
 * the 169.254.169.254 metadata service), CGNAT 100.64/10, multicast,
 * 0.0.0.0/8, broadcast and reserved 240/4, the IPv6 unspecified, site-local
 * and IPv4-compatible forms, and the IPv4-mapped or NAT64 forms of any
 * non-public IPv4 address. Any other family is not public.
 */
int fetch_addr_is_public(const struct sockaddr *sa);

/* Why sa may not be reached without permission ("a loopback address",
 * "a private address", ...), or NULL when it is public. */
const char *fetch_addr_reason(const struct sockaddr *sa);

/* The seconds a Retry-After value (delta-seconds or an HTTP date) asks
 * for, at most 30 days; 0 for NULL or a date in the past. */
long fetch_retry_after(const char *v);

/* ---- sending (send.c): one request at a time, never redirected ---- */

/* A POST. Every pointer is borrowed. */
struct fetch_post_req {
    const char *url;                 /* http:// or https:// */
    const char *const *headers;      /* "Name: value" lines, NULL-terminated; may be NULL */
    const char *body;
    size_t len;
    int allow_local;                 /* may reach loopback/private addresses */
    size_t max_reply;                /* bytes of the answer kept; 0: 4096 */
};

/*
 * POSTs body to req->url with o's user agent, timeouts and SSRF guard; no
 * redirect is followed (a 3xx is a failure). On ALM_OK *out holds the
 * result: ok for a 2xx, the status, retry_after (from a 429/503), the first
 * bytes of the response body, and the error when not ok. The caller frees
 * it.
 */
int fetch_post(const struct fetch_opts *o, const struct fetch_post_req *req,
               struct fetch_result **out);

/* An e-mail to send over SMTP. Every pointer is borrowed. */
struct fetch_mail_req {
    const char *url;                 /* smtp://host[:port] or smtps://host[:port] */
    const char *from;                /* the envelope sender */
    const char *const *rcpt;         /* the envelope recipients, NULL-terminated */
    const char *user, *password;     /* NULL: no AUTH */
    int tls_optional;                /* STARTTLS when offered (loopback tests); else required */
    const char *ca_file;             /* a CA bundle to verify the server with, or NULL */
    const char *message;             /* the whole message, CRLF line ends */
    size_t len;
    int allow_local;
};

/*
 * Sends one message (libcurl's SMTP: MAIL FROM, RCPT TO, DATA), with TLS
 * required (smtps://, or STARTTLS on smtp://) unless tls_optional. On ALM_OK
 * *out holds the result: ok when the server took the message, status its
 * last reply code, error the reason when not. The caller frees it.
 */
int fetch_mail(const struct fetch_opts *o, const struct fetch_mail_req *req,
               struct fetch_result **out);

/*
 * Seconds to wait before trying again after `failures` failures in a row:
 * first, doubled per further failure, at most a day; a server's Retry-After
 * (seconds) that asks for longer wins, up to a week.
 */
long fetch_backoff(long first, int failures, long retry_after);

#endif
