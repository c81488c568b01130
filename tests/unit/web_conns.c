/* tests/unit/web_conns.c - connection deadlines and fair shares (web/conns.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "base/err.h"
#include "web/conns.h"

/* What the closer was asked to close, in order. */
struct closed {
    int fds[64];
    int n;
};

static void
record_close(int fd, void *cls)
{
    struct closed *c = cls;

    assert_true(c->n < (int)LEN(c->fds));
    c->fds[c->n++] = fd;
}

static struct sockaddr_in
v4(const char *ip)
{
    struct sockaddr_in sa;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(40000);
    inet_pton(AF_INET, ip, &sa.sin_addr);
    return sa;
}

/* Adds a connection from ip with descriptor fd at time t. */
static struct web_conn *
add(struct web_conns *c, int fd, const char *ip, int64_t t)
{
    struct sockaddr_in sa = v4(ip);

    sa.sin_port = htons((uint16_t)(40000 + fd)); /* ports never matter */
    return web_conns_add(c, fd, (const struct sockaddr *)&sa, t);
}

static struct web_conns *
make(unsigned max, unsigned per_addr, struct closed *out)
{
    struct web_conn_limits l = {
        .max_conns = max, .max_per_address = per_addr, .header_ms = 10000, .request_ms = 60000,
    };

    memset(out, 0, sizeof(*out));
    return web_conns_new(&l, record_close, out);
}

static void
test_defaults(void **state)
{
    struct web_conn_limits l;
    struct web_conns *c = web_conns_new(NULL, record_close, NULL);

    (void)state;
    web_conns_limits(c, &l);
    assert_int_equal(l.max_conns, WEB_MAX_CONNS);
    assert_int_equal(l.max_per_address, WEB_MAX_PER_ADDRESS);
    assert_int_equal(l.header_ms, WEB_HEADER_TIMEOUT * 1000);
    assert_int_equal(l.request_ms, WEB_REQUEST_TIMEOUT * 1000);
    web_conns_free(c);
    /* An address never gets more than the whole. */
    c = web_conns_new(&(struct web_conn_limits){ .max_conns = 10, .max_per_address = 50 },
                      record_close, NULL);
    web_conns_limits(c, &l);
    assert_int_equal(l.max_per_address, 10);
    web_conns_free(c);
}

/* The header deadline counts from the accept, whatever arrives meanwhile. */
static void
test_header_deadline(void **state)
{
    struct closed cl;
    struct web_conns *c = make(16, 16, &cl);
    struct web_conns_stats st;

    (void)state;
    add(c, 10, "10.0.0.1", 0);
    add(c, 11, "10.0.0.1", 4000);
    web_conns_expire(c, 9999);
    assert_int_equal(cl.n, 0);
    web_conns_expire(c, 10000);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 10);
    web_conns_expire(c, 13999);
    assert_int_equal(cl.n, 1);
    /* Closed once, however often the deadlines are looked at. */
    web_conns_expire(c, 20000);
    web_conns_expire(c, 30000);
    assert_int_equal(cl.n, 2);
    assert_int_equal(cl.fds[1], 11);
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 0);
    assert_int_equal(st.ended[WEB_END_HEADER_TIMEOUT], 2);
    web_conns_free(c); /* frees the two closing entries libmicrohttpd never removed */
}

/* A request in progress has the request deadline; its answer sent, the
 * connection waits for its next header from then. */
static void
test_request_deadline_and_keepalive(void **state)
{
    struct closed cl;
    struct web_conns *c = make(16, 16, &cl);
    struct web_conn *a = add(c, 10, "10.0.0.1", 0);
    struct web_conn *b = add(c, 11, "10.0.0.1", 0);
    struct web_conns_stats st;

    (void)state;
    web_conns_busy(c, a);
    web_conns_busy(c, b);
    web_conns_expire(c, 59999);
    assert_int_equal(cl.n, 0);
    web_conns_idle(c, b, 30000); /* b answered at 30 s: kept alive */
    web_conns_stats(c, &st);
    assert_int_equal(st.waiting, 1);
    web_conns_expire(c, 39999);
    assert_int_equal(cl.n, 0);
    web_conns_expire(c, 40000);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 11);
    web_conns_expire(c, 60000);
    assert_int_equal(cl.n, 2);
    assert_int_equal(cl.fds[1], 10);
    web_conns_stats(c, &st);
    assert_int_equal(st.ended[WEB_END_REQUEST_TIMEOUT], 1);
    assert_int_equal(st.ended[WEB_END_HEADER_TIMEOUT], 1);
    web_conns_remove(c, a);
    web_conns_remove(c, b);
    web_conns_free(c);
}

/* An address at its limit: its oldest waiting connection makes room, and
 * no other address's. */
static void
test_per_address_evicts_oldest_waiting(void **state)
{
    struct closed cl;
    struct web_conns *c = make(100, 3, &cl);
    struct web_conns_stats st;

    (void)state;
    add(c, 20, "10.0.0.2", 0);          /* another address, older than all */
    struct web_conn *a1 = add(c, 10, "10.0.0.1", 1);
    add(c, 11, "10.0.0.1", 2);
    add(c, 12, "10.0.0.1", 3);
    assert_int_equal(cl.n, 0);
    web_conns_busy(c, a1);              /* a1 is answering: it stays */
    add(c, 13, "10.0.0.1", 4);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 11);
    add(c, 14, "10.0.0.1", 5);
    assert_int_equal(cl.n, 2);
    assert_int_equal(cl.fds[1], 12);
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 4);       /* 20, a1, 13, 14 */
    assert_int_equal(st.ended[WEB_END_EVICTED], 2);
    web_conns_free(c);
}

/* When every connection of the address is answering, the new one goes. */
static void
test_refused_when_all_busy(void **state)
{
    struct closed cl;
    struct web_conns *c = make(100, 2, &cl);
    struct web_conns_stats st;

    (void)state;
    web_conns_busy(c, add(c, 10, "10.0.0.1", 0));
    web_conns_busy(c, add(c, 11, "10.0.0.1", 1));
    struct web_conn *n = add(c, 12, "10.0.0.1", 2);
    assert_non_null(n);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 12);
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 2);
    assert_int_equal(st.ended[WEB_END_REFUSED], 1);
    /* libmicrohttpd removes it when it closes; then there is room again. */
    web_conns_remove(c, n);
    web_conns_free(c);
}

/* The total limit evicts the oldest waiting connection of any address. */
static void
test_total_limit(void **state)
{
    struct closed cl;
    struct web_conns *c = make(4, 4, &cl);
    struct web_conns_stats st;

    (void)state;
    struct web_conn *a = add(c, 10, "10.0.0.1", 0);
    add(c, 11, "10.0.0.2", 1);
    add(c, 12, "10.0.0.1", 2);
    add(c, 13, "10.0.0.2", 3);
    web_conns_busy(c, a);
    add(c, 14, "10.0.0.3", 4);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 11);    /* the oldest not answering */
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 4);
    web_conns_free(c);
}

/* A kept-alive connection that was just answered is the youngest. */
static void
test_idle_moves_to_the_back(void **state)
{
    struct closed cl;
    struct web_conns *c = make(100, 2, &cl);

    (void)state;
    struct web_conn *a = add(c, 10, "10.0.0.1", 0);
    add(c, 11, "10.0.0.1", 1);
    web_conns_busy(c, a);
    web_conns_idle(c, a, 5);
    add(c, 12, "10.0.0.1", 6);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 11);
    web_conns_free(c);
}

/* Addresses compare without their port, IPv4 and IPv6 apart. */
static void
test_addresses(void **state)
{
    struct closed cl;
    struct web_conns *c = make(100, 1, &cl);
    struct sockaddr_in6 s6;

    (void)state;
    memset(&s6, 0, sizeof(s6));
    s6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::1", &s6.sin6_addr);
    add(c, 10, "127.0.0.1", 0);
    web_conns_add(c, 11, (const struct sockaddr *)&s6, 1);
    assert_int_equal(cl.n, 0);
    s6.sin6_port = htons(9);
    web_conns_add(c, 12, (const struct sockaddr *)&s6, 2);
    assert_int_equal(cl.n, 1);
    assert_int_equal(cl.fds[0], 11);
    add(c, 13, "127.0.0.1", 3);
    assert_int_equal(cl.n, 2);
    assert_int_equal(cl.fds[1], 10);
    web_conns_free(c);
}

/* Entries removed in any order; NULL is accepted everywhere. */
static void
test_remove(void **state)
{
    struct closed cl;
    struct web_conns *c = make(100, 100, &cl);
    struct web_conn *k[5];
    struct web_conns_stats st;

    (void)state;
    for (int i = 0; i < 5; i++)
        k[i] = add(c, 10 + i, "10.0.0.1", i);
    web_conns_remove(c, k[2]);
    web_conns_remove(c, k[0]);
    web_conns_remove(c, k[4]);
    web_conns_remove(c, NULL);
    web_conns_busy(c, NULL);
    web_conns_idle(c, NULL, 0);
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 2);
    assert_int_equal(st.waiting, 2);
    web_conns_expire(c, 100000);
    assert_int_equal(cl.n, 2);
    assert_int_equal(cl.fds[0], 11);
    assert_int_equal(cl.fds[1], 13);
    web_conns_remove(c, k[1]);
    web_conns_remove(c, k[3]);
    web_conns_stats(c, &st);
    assert_int_equal(st.open, 0);
    web_conns_free(c);
    web_conns_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_header_deadline),
        cmocka_unit_test(test_request_deadline_and_keepalive),
        cmocka_unit_test(test_per_address_evicts_oldest_waiting),
        cmocka_unit_test(test_refused_when_all_busy),
        cmocka_unit_test(test_total_limit),
        cmocka_unit_test(test_idle_moves_to_the_back),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
