/* tests/unit/web_server.c - the server's parsing steps (web/server.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/hash.h"
#include "web/server.h"

static const struct {
    const char *target;
    int status;
    const char *path;   /* when 200 */
} path_cases[] = {
    { "/", 200, "/" },
    { "/events/12-claude?x=1", 200, "/events/12-claude" },
    { "/a%20b", 200, "/a b" },
    { "/a+b", 200, "/a+b" },                       /* '+' is a plus in a path */
    { "/caf%C3%A9", 200, "/caf\xc3\xa9" },
    { "/..", 400, NULL },
    { "/../etc/passwd", 400, NULL },
    { "/..%2f..%2fetc/passwd", 400, NULL },
    { "/%2e%2e/x", 400, NULL },
    { "/a/b/../../c", 400, NULL },
    { "/a/..", 400, NULL },
    { "/a..b/..c/d..", 200, "/a..b/..c/d.." },    /* dots inside names are fine */
    { "/a%00b", 400, NULL },
    { "/a%2", 400, NULL },
    { "/a%zz", 400, NULL },
    { "*", 400, NULL },
    { "http://example.com/", 400, NULL },
    { "", 400, NULL },
    /* Decoded, the path must be UTF-8: handlers echo it. */
    { "/%E2%82%AC", 200, "/\xe2\x82\xac" },            /* U+20AC */
    { "/\xe2\x82\xac", 200, "/\xe2\x82\xac" },          /* raw bytes alike */
    { "/%F0%9F%98%80", 200, "/\xf0\x9f\x98\x80" },      /* U+1F600 */
    { "/%FF", 400, NULL },                             /* never in UTF-8 */
    { "/%C3", 400, NULL },                             /* truncated */
    { "/caf%C3", 400, NULL },
    { "/%C3%28", 400, NULL },                          /* bad continuation */
    { "/%80", 400, NULL },                             /* stray continuation */
    { "/%C0%AF", 400, NULL },                          /* overlong '/' */
    { "/%E0%80%AF", 400, NULL },                       /* overlong, 3 bytes */
    { "/%ED%A0%80", 400, NULL },                       /* surrogate U+D800 */
    { "/%F4%90%80%80", 400, NULL },                    /* U+110000 */
    { "/\xc3", 400, NULL },                             /* raw and truncated */
    { "/%C0%AE%C0%AE/x", 400, NULL },                  /* overlong ".." */
};

static void
test_decode_path(void **state)
{
    char out[WEB_MAX_PATH + 1];
    char long_path[WEB_MAX_PATH + 2];

    (void)state;
    for (size_t i = 0; i < LEN(path_cases); i++) {
        int st = web_decode_path(path_cases[i].target, out, sizeof(out));
        assert_int_equal(st, path_cases[i].status);
        if (st == 200)
            assert_string_equal(out, path_cases[i].path);
    }
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '/';
    long_path[sizeof(long_path) - 1] = '\0';
    assert_int_equal(web_decode_path(long_path, out, sizeof(out)), 414);
    long_path[WEB_MAX_PATH] = '\0';
    assert_int_equal(web_decode_path(long_path, out, sizeof(out)), 200);
    /* A buffer too small for the decoded path is a 414, never an overflow. */
    assert_int_equal(web_decode_path("/abcdef", out, 4), 414);
}

static const struct {
    const char *target;
    int status;
    size_t n;
    const char *pairs[6]; /* name, value, ... */
} query_cases[] = {
    { "/", 200, 0, { NULL } },
    { "/?", 200, 0, { NULL } },
    { "/?q=a+b&x=%C3%A9", 200, 2, { "q", "a b", "x", "\xc3\xa9" } },
    { "/?flag&&k=", 200, 2, { "flag", "", "k", "" } },
    { "/?a=1=2", 200, 1, { "a", "1=2" } },
    { "/?q=%00", 400, 0, { NULL } },
    { "/?q=%4", 400, 0, { NULL } },
    { "/?%zz=1", 400, 0, { NULL } },
    /* Every name and value must be UTF-8 once decoded. */
    { "/?q=%E6%97%A5%E6%9C%AC", 200, 1, { "q", "\xe6\x97\xa5\xe6\x9c\xac" } },
    { "/?q=\xce\xbb+x", 200, 1, { "q", "\xce\xbb x" } },
    { "/?q=%FF", 400, 0, { NULL } },
    { "/?q=%C3", 400, 0, { NULL } },                   /* truncated at the end */
    { "/?q=%C3&x=1", 400, 0, { NULL } },               /* truncated before '&' */
    { "/?q=%E2%82", 400, 0, { NULL } },
    { "/?q=%C1%BF", 400, 0, { NULL } },                /* overlong */
    { "/?q=%F0%80%80%AF", 400, 0, { NULL } },          /* overlong, 4 bytes */
    { "/?q=%ED%BF%BF", 400, 0, { NULL } },             /* surrogate U+DFFF */
    { "/?q=%ED%A0%BD%ED%B8%80", 400, 0, { NULL } },    /* a CESU-8 surrogate pair */
    { "/?q=%F5%80%80%80", 400, 0, { NULL } },          /* past U+10FFFF */
    { "/?q=ok&page=%80", 400, 0, { NULL } },           /* in another parameter */
    { "/?%C3=1", 400, 0, { NULL } },                   /* in a name */
    { "/?q=\xe9t\xe9", 400, 0, { NULL } },               /* raw Latin-1 */
};

static void
test_parse_query(void **state)
{
    char store[4096], target[4096];
    struct web_request r;
    size_t n;

    (void)state;
    for (size_t i = 0; i < LEN(query_cases); i++) {
        int st;
        memset(&r, 0, sizeof(r));
        st = web_parse_query(query_cases[i].target, &r, store,
                             strlen(query_cases[i].target) + 1);
        assert_int_equal(st, query_cases[i].status);
        if (st != 200)
            continue;
        assert_int_equal(r.nparams, query_cases[i].n);
        for (size_t k = 0; k < r.nparams; k++) {
            assert_string_equal(r.params[k].name, query_cases[i].pairs[2 * k]);
            assert_string_equal(r.params[k].value, query_cases[i].pairs[2 * k + 1]);
        }
    }
    /* web_param finds the first value. */
    web_parse_query("/?a=1&b=2&a=3", &r, store, sizeof(store));
    assert_string_equal(web_param(&r, "a"), "1");
    assert_string_equal(web_param(&r, "b"), "2");
    assert_null(web_param(&r, "c"));

    /* WEB_MAX_PARAMS parameters pass, one more is a 400. */
    n = (size_t)snprintf(target, sizeof(target), "/?");
    for (int k = 0; k < WEB_MAX_PARAMS; k++)
        n += (size_t)snprintf(target + n, sizeof(target) - n, "p%d=%d&", k, k);
    assert_int_equal(web_parse_query(target, &r, store, sizeof(store)), 200);
    assert_int_equal(r.nparams, WEB_MAX_PARAMS);
    snprintf(target + n, sizeof(target) - n, "one=more");
    assert_int_equal(web_parse_query(target, &r, store, sizeof(store)), 400);

    /* A value of WEB_MAX_VALUE bytes passes, one byte more is a 400. */
    n = (size_t)snprintf(target, sizeof(target), "/?q=");
    memset(target + n, 'v', WEB_MAX_VALUE);
    target[n + WEB_MAX_VALUE] = '\0';
    assert_int_equal(web_parse_query(target, &r, store, sizeof(store)), 200);
    assert_int_equal(strlen(r.params[0].value), WEB_MAX_VALUE);
    target[n + WEB_MAX_VALUE] = 'v';
    target[n + WEB_MAX_VALUE + 1] = '\0';
    assert_int_equal(web_parse_query(target, &r, store, sizeof(store)), 400);
}

static const struct {
    const char *ae;
    int gzip;
} gzip_cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "gzip", 1 },
    { "gzip, deflate, br", 1 },
    { "br;q=1.0, gzip;q=0.8, *;q=0.1", 1 },
    { "deflate, br", 0 },
    { "gzip;q=0", 0 },
    { "gzip; q=0.000, identity", 0 },
    { "gzip;q=0.001", 1 },
    { "*", 1 },
    { "*;q=0", 0 },
    { "*, gzip;q=0", 0 },
    { "x-gzip", 1 },
    { "GZIP", 1 },
    { "gzipped", 0 },
};

static void
test_accepts_gzip(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(gzip_cases); i++)
        assert_int_equal(web_accepts_gzip(gzip_cases[i].ae), gzip_cases[i].gzip);
}

static const struct {
    const char *inm;
    int match;
} etag_cases[] = {
    { NULL, 0 },
    { "\"abc\"", 1 },
    { "W/\"abc\"", 1 },
    { "\"x\", \"abc\"", 1 },
    { "\"x\" ,W/\"abc\" ", 1 },
    { "*", 1 },
    { "\"abcd\"", 0 },
    { "abc", 0 },
    { "\"x\", \"y\"", 0 },
    { "", 0 },
};

static void
test_etag_match(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(etag_cases); i++)
        assert_int_equal(web_etag_match(etag_cases[i].inm, "\"abc\""), etag_cases[i].match);
}

static void
test_fnv1a64(void **state)
{
    (void)state;
    assert_true(fnv1a64("", 0) == 0xcbf29ce484222325ULL);
    assert_true(fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

static const struct {
    const char *listen;
    int rc;
    const char *host;
    unsigned port;
} listen_cases[] = {
    { "127.0.0.1:8080", ALM_OK, "127.0.0.1", 8080 },
    { "0.0.0.0:0", ALM_OK, "0.0.0.0", 0 },
    { "[::1]:8080", ALM_OK, "::1", 8080 },
    { "localhost:65535", ALM_OK, "localhost", 65535 },
    { "127.0.0.1:65536", ALM_EINVAL, NULL, 0 },
    { "127.0.0.1:", ALM_EINVAL, NULL, 0 },
    { "127.0.0.1:-1", ALM_EINVAL, NULL, 0 },
    { "127.0.0.1:80x", ALM_EINVAL, NULL, 0 },
    { "127.0.0.1", ALM_EINVAL, NULL, 0 },
    { ":8080", ALM_EINVAL, NULL, 0 },
    { "::1:8080", ALM_EINVAL, NULL, 0 },
    { "[::1]8080", ALM_EINVAL, NULL, 0 },
    { "[::1", ALM_EINVAL, NULL, 0 },
    { "", ALM_EINVAL, NULL, 0 },
};

static void
test_parse_listen(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(listen_cases); i++) {
        char host[64];
        unsigned port = 1;
        int rc = web_parse_listen(listen_cases[i].listen, host, sizeof(host), &port);
        assert_int_equal(rc, listen_cases[i].rc);
        if (rc == ALM_OK) {
            assert_string_equal(host, listen_cases[i].host);
            assert_int_equal(port, listen_cases[i].port);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_path),
        cmocka_unit_test(test_parse_query),
        cmocka_unit_test(test_accepts_gzip),
        cmocka_unit_test(test_etag_match),
        cmocka_unit_test(test_fnv1a64),
        cmocka_unit_test(test_parse_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
