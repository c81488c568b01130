/*
 * conns.c - deadlines and fair shares of connections (see conns.h).
 *
 * One list, oldest phase start first: a connection goes to the tail when
 * it is accepted and again when it starts waiting for its next request.
 * So the first waiting entry of a scope is the one to evict, and the
 * expiry scan and the per-address count are one walk each. Walks are
 * linear: there are at most a little over max_conns entries, and a walk
 * of a thousand is a microsecond, against an accept's system calls.
 */
#include "web/conns.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* A client address without its port. */
struct addr_key {
    int family;
    unsigned char a[16];
};

struct web_conn {
    struct web_conn *prev, *next;
    int fd;
    struct addr_key addr;
    int64_t start;              /* accepted, or the previous answer sent (ms) */
    int busy;                   /* a request header is complete, its answer not sent */
    int closing;                /* closed by us: no longer counted, nor closed again */
};

struct web_conns {
    pthread_mutex_t lock;
    struct web_conn_limits lim;
    web_conn_closer *closer;
    void *cls;
    struct web_conn *head, *tail;
    size_t open;                /* entries not closing */
    unsigned long long ended[WEB_NENDS];
};

static void
key_of(const struct sockaddr *sa, struct addr_key *k)
{
    memset(k, 0, sizeof(*k));
    if (sa == NULL)
        return;
    k->family = sa->sa_family;
    if (sa->sa_family == AF_INET)
        memcpy(k->a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    else if (sa->sa_family == AF_INET6)
        memcpy(k->a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
}

static int
same_addr(const struct addr_key *a, const struct addr_key *b)
{
    return a->family == b->family && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

static void
unlink_conn(struct web_conns *c, struct web_conn *k)
{
    if (k->prev)
        k->prev->next = k->next;
    else
        c->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        c->tail = k->prev;
    k->prev = k->next = NULL;
}

static void
append(struct web_conns *c, struct web_conn *k)
{
    k->prev = c->tail;
    k->next = NULL;
    if (c->tail)
        c->tail->next = k;
    else
        c->head = k;
    c->tail = k;
}

/* Under the lock: closes k once, for this reason. */
static void
end_conn(struct web_conns *c, struct web_conn *k, enum web_conn_end why)
{
    if (k->closing)
        return;
    k->closing = 1;
    c->open--;
    c->ended[why]++;
    c->closer(k->fd, c->cls);
}

struct web_conns *
web_conns_new(const struct web_conn_limits *limits, web_conn_closer *closer, void *cls)
{
    struct web_conns *c = xcalloc(1, sizeof(*c));

    if (limits)
        c->lim = *limits;
    if (c->lim.max_conns == 0)
        c->lim.max_conns = WEB_MAX_CONNS;
    if (c->lim.max_per_address == 0)
        c->lim.max_per_address = WEB_MAX_PER_ADDRESS;
    if (c->lim.max_per_address > c->lim.max_conns)
        c->lim.max_per_address = c->lim.max_conns;
    if (c->lim.header_ms == 0)
        c->lim.header_ms = WEB_HEADER_TIMEOUT * 1000;
    if (c->lim.request_ms == 0)
        c->lim.request_ms = WEB_REQUEST_TIMEOUT * 1000;
    c->closer = closer;
    c->cls = cls;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void
web_conns_limits(const struct web_conns *c, struct web_conn_limits *out)
{
    *out = c->lim; /* set once, before any thread shares c */
}

void
web_conns_free(struct web_conns *c)
{
    if (c == NULL)
        return;
    while (c->head) {
        struct web_conn *k = c->head;
        unlink_conn(c, k);
        free(k);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/*
 * Under the lock: the oldest waiting connection other than self, of
 * addr's (or of any address when addr is NULL), and how many open
 * connections addr has (self included).
 */
static struct web_conn *
oldest_waiting(struct web_conns *c, const struct web_conn *self, const struct addr_key *addr,
               size_t *count)
{
    struct web_conn *victim = NULL;

    *count = 0;
    for (struct web_conn *k = c->head; k; k = k->next) {
        if (k->closing || (addr && !same_addr(&k->addr, addr)))
            continue;
        ++*count;
        if (victim == NULL && k != self && !k->busy)
            victim = k;
    }
    return victim;
}

/* Under the lock: one connection over a limit of a scope goes, the
 * oldest waiting one, else self. */
static void
make_room(struct web_conns *c, struct web_conn *self, const struct addr_key *addr,
          size_t limit)
{
    size_t n;
    struct web_conn *victim = oldest_waiting(c, self, addr, &n);

    if (n <= limit)
        return;
    if (victim)
        end_conn(c, victim, WEB_END_EVICTED);
    else
        end_conn(c, self, WEB_END_REFUSED);
}

struct web_conn *
web_conns_add(struct web_conns *c, int fd, const struct sockaddr *addr, int64_t now_ms)
{
    struct web_conn *k = xcalloc(1, sizeof(*k));

    k->fd = fd;
    k->start = now_ms;
    key_of(addr, &k->addr);
    pthread_mutex_lock(&c->lock);
    append(c, k);
    c->open++;
    make_room(c, k, &k->addr, c->lim.max_per_address);
    /* The address's own share first: its oldest idle goes before anyone
     * else's. Then the total, which was at most one over before. */
    if (!k->closing && c->open > c->lim.max_conns)
        make_room(c, k, NULL, c->lim.max_conns);
    pthread_mutex_unlock(&c->lock);
    return k;
}

void
web_conns_remove(struct web_conns *c, struct web_conn *k)
{
    if (k == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    unlink_conn(c, k);
    if (!k->closing)
        c->open--;
    pthread_mutex_unlock(&c->lock);
    free(k);
}

void
web_conns_busy(struct web_conns *c, struct web_conn *k)
{
    if (k == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    k->busy = 1;
    pthread_mutex_unlock(&c->lock);
}

void
web_conns_idle(struct web_conns *c, struct web_conn *k, int64_t now_ms)
{
    if (k == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    k->busy = 0;
    k->start = now_ms;
    unlink_conn(c, k);
    append(c, k);
    pthread_mutex_unlock(&c->lock);
}

void
web_conns_expire(struct web_conns *c, int64_t now_ms)
{
    pthread_mutex_lock(&c->lock);
    for (struct web_conn *k = c->head; k; k = k->next) {
        int64_t age = now_ms - k->start;
        if (k->closing)
            continue;
        if (!k->busy && age >= (int64_t)c->lim.header_ms)
            end_conn(c, k, WEB_END_HEADER_TIMEOUT);
        else if (k->busy && age >= (int64_t)c->lim.request_ms)
            end_conn(c, k, WEB_END_REQUEST_TIMEOUT);
    }
    pthread_mutex_unlock(&c->lock);
}

void
web_conns_stats(struct web_conns *c, struct web_conns_stats *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&c->lock);
    out->open = c->open;
    for (struct web_conn *k = c->head; k; k = k->next)
        out->waiting += !k->closing && !k->busy;
    memcpy(out->ended, c->ended, sizeof(out->ended));
    pthread_mutex_unlock(&c->lock);
}
