/*
 * conns.h - the server's record of its open connections: deadlines and
 * fair shares under abuse.
 *
 * libmicrohttpd's own connection timeout counts only silence, so a client
 * that sends one header byte every few seconds keeps its connection
 * forever, and a few hundred such clients fill an address's (or the
 * server's) share of connections. This record gives every connection
 *
 *   - a header deadline: a complete request header within header_ms of
 *     being accepted, or of its previous answer (a kept-alive connection);
 *   - a request deadline: the answer sent within request_ms of that same
 *     start (a client that reads its answer very slowly);
 *   - a place in a queue: when a new connection would exceed the total or
 *     its address's limit, the oldest connection of that scope that has
 *     no request in progress (still sending its header, or kept alive
 *     between requests) is closed to make room. Only when every one of
 *     them is busy answering is the new connection itself refused.
 *
 * So trickling connections from one address cost others nothing but a
 * little latency, and a new client always gets in while someone is idle.
 *
 * "Closing" is the server's closer callback, called with the connection's
 * socket while the record's lock is held: the server shuts the socket
 * down, libmicrohttpd sees the end and closes it, and tells us (remove)
 * before it closes the descriptor, so the descriptor is never a stale one.
 * All functions are thread-safe.
 */
#ifndef ALMANAC_CONNS_H
#define ALMANAC_CONNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define WEB_MAX_CONNS 1024          /* open connections at most */
#define WEB_MAX_PER_ADDRESS 256     /* from one client address at most */
#define WEB_HEADER_TIMEOUT 10       /* seconds to a complete request header */
#define WEB_REQUEST_TIMEOUT 60      /* seconds to the answer sent */

struct web_conn_limits {
    unsigned max_conns;         /* 0: WEB_MAX_CONNS */
    unsigned max_per_address;   /* 0: WEB_MAX_PER_ADDRESS; at most max_conns */
    unsigned header_ms;         /* 0: WEB_HEADER_TIMEOUT seconds */
    unsigned request_ms;        /* 0: WEB_REQUEST_TIMEOUT seconds */
};

/* Why the record closed a connection. */
enum web_conn_end {
    WEB_END_HEADER_TIMEOUT,     /* no complete header in time */
    WEB_END_REQUEST_TIMEOUT,    /* the answer was not sent in time */
    WEB_END_EVICTED,            /* idle, closed to make room for a new one */
    WEB_END_REFUSED,            /* new, and no room could be made */
    WEB_NENDS
};

struct web_conns_stats {
    size_t open;                /* connections not yet closed by the record */
    size_t waiting;             /* of which without a request in progress */
    unsigned long long ended[WEB_NENDS];
};

struct web_conns;
struct web_conn;

/* Closes the connection of socket fd (the server: shutdown(2)). */
typedef void web_conn_closer(int fd, void *cls);

/* A record with these limits (0s are the defaults). */
struct web_conns *web_conns_new(const struct web_conn_limits *limits, web_conn_closer *closer,
                                void *cls);
/* The limits in effect, defaults filled in. */
void web_conns_limits(const struct web_conns *c, struct web_conn_limits *out);
/* Frees the record and whatever connections are still in it. */
void web_conns_free(struct web_conns *c);

/*
 * A connection was accepted at now_ms (monotonic): records it, waiting
 * for its header, and makes room for it as above, which may close it
 * right away. Returns its record entry, never NULL.
 */
struct web_conn *web_conns_add(struct web_conns *c, int fd, const struct sockaddr *addr,
                               int64_t now_ms);
/* The connection is gone (libmicrohttpd closes it): forgets it. Accepts NULL. */
void web_conns_remove(struct web_conns *c, struct web_conn *k);
/* Its request header is complete: the request deadline applies. Accepts NULL. */
void web_conns_busy(struct web_conns *c, struct web_conn *k);
/* Its answer is sent: waiting for the next header, from now_ms. Accepts NULL. */
void web_conns_idle(struct web_conns *c, struct web_conn *k, int64_t now_ms);
/* Closes every connection past its deadline at now_ms. */
void web_conns_expire(struct web_conns *c, int64_t now_ms);
void web_conns_stats(struct web_conns *c, struct web_conns_stats *out);

#endif
