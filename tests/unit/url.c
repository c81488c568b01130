/*
 * tests/unit/url.c - url_resolve against RFC 3986 section 5.4, then
 * url_canonical, url_host, url_is_absolute and url_slugify on tables that
 * include hostile input (huge strings, %00, userinfo, IPv6, bad ports).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/err.h"
#include "base/url.h"

#define RFC_BASE "http://a/b/c/d;p?q"

static const struct {
    const char *base;
    const char *ref;
    const char *want;
} resolves[] = {
    /* RFC 3986 5.4.1, normal examples */
    { RFC_BASE, "g:h", "g:h" },
    { RFC_BASE, "g", "http://a/b/c/g" },
    { RFC_BASE, "./g", "http://a/b/c/g" },
    { RFC_BASE, "g/", "http://a/b/c/g/" },
    { RFC_BASE, "/g", "http://a/g" },
    { RFC_BASE, "//g", "http://g" },
    { RFC_BASE, "?y", "http://a/b/c/d;p?y" },
    { RFC_BASE, "g?y", "http://a/b/c/g?y" },
    { RFC_BASE, "#s", "http://a/b/c/d;p?q#s" },
    { RFC_BASE, "g#s", "http://a/b/c/g#s" },
    { RFC_BASE, "g?y#s", "http://a/b/c/g?y#s" },
    { RFC_BASE, ";x", "http://a/b/c/;x" },
    { RFC_BASE, "g;x", "http://a/b/c/g;x" },
    { RFC_BASE, "g;x?y#s", "http://a/b/c/g;x?y#s" },
    { RFC_BASE, "", "http://a/b/c/d;p?q" },
    { RFC_BASE, ".", "http://a/b/c/" },
    { RFC_BASE, "./", "http://a/b/c/" },
    { RFC_BASE, "..", "http://a/b/" },
    { RFC_BASE, "../", "http://a/b/" },
    { RFC_BASE, "../g", "http://a/b/g" },
    { RFC_BASE, "../..", "http://a/" },
    { RFC_BASE, "../../", "http://a/" },
    { RFC_BASE, "../../g", "http://a/g" },
    /* RFC 3986 5.4.2, abnormal examples (strict parser) */
    { RFC_BASE, "../../../g", "http://a/g" },
    { RFC_BASE, "../../../../g", "http://a/g" },
    { RFC_BASE, "/./g", "http://a/g" },
    { RFC_BASE, "/../g", "http://a/g" },
    { RFC_BASE, "g.", "http://a/b/c/g." },
    { RFC_BASE, ".g", "http://a/b/c/.g" },
    { RFC_BASE, "g..", "http://a/b/c/g.." },
    { RFC_BASE, "..g", "http://a/b/c/..g" },
    { RFC_BASE, "./../g", "http://a/b/g" },
    { RFC_BASE, "./g/.", "http://a/b/c/g/" },
    { RFC_BASE, "g/./h", "http://a/b/c/g/h" },
    { RFC_BASE, "g/../h", "http://a/b/c/h" },
    { RFC_BASE, "g;x=1/./y", "http://a/b/c/g;x=1/y" },
    { RFC_BASE, "g;x=1/../y", "http://a/b/c/y" },
    { RFC_BASE, "g?y/./x", "http://a/b/c/g?y/./x" },
    { RFC_BASE, "g?y/../x", "http://a/b/c/g?y/../x" },
    { RFC_BASE, "g#s/./x", "http://a/b/c/g#s/./x" },
    { RFC_BASE, "g#s/../x", "http://a/b/c/g#s/../x" },
    { RFC_BASE, "http:g", "http:g" },
    /* ours */
    { "http://a/b/c/d;p?q#f", "", "http://a/b/c/d;p?q" },
    { "http://a/b/c/d;p?q#f", "#g", "http://a/b/c/d;p?q#g" },
    { "http://a", "g", "http://a/g" },
    { "http://a", "", "http://a" },
    { "http://a", "?x", "http://a?x" },
    { NULL, "  g  ", "g" },
    { "", "g", "g" },
    { " \t", "/g", "/g" },
    { RFC_BASE, "  g \r\n", "http://a/b/c/g" },
    { "  http://a/b/  ", "c", "http://a/b/c" },
    { RFC_BASE, "HTTP://X/../y", "HTTP://X/../y" },
    { RFC_BASE, "mailto:someone@example.com", "mailto:someone@example.com" },
    { "https://a/b", "//cdn.example.com/x/../y.js", "https://cdn.example.com/y.js" },
    { "https://a/b", "//cdn.example.com", "https://cdn.example.com" },
    { "http://例え.jp/dir/", "ページ?q=値#断片", "http://例え.jp/dir/ページ?q=値#断片" },
    { "http://example.org/ü/", "../ö", "http://example.org/ö" },
    { RFC_BASE, "%00", "http://a/b/c/%00" },
    { RFC_BASE, "g%2F..%2Fh", "http://a/b/c/g%2F..%2Fh" },
    { "/feeds/rss.xml", "item/1", "/feeds/item/1" },
    { "http://a/b/", "../../../../../../x?y", "http://a/x?y" },
    { "http://a/b/c/", "./", "http://a/b/c/" },
    { "http://a/b/c", "/", "http://a/" },
    { "http://a/b/c", "d/..", "http://a/b/" },
    { "http://user:pw@a:81/b", "c", "http://user:pw@a:81/c" },
    { "http://[::1]:8080/a/b", "../c", "http://[::1]:8080/c" },
    /* libcurl resolves; its rewritings of the bytes are undone (url.c) */
    { "http://a/b%20c/d", "e f", "http://a/b%20c/e f" },
    { "http://a/x%2Fy/", "\xc3\xbc%41", "http://a/x%2Fy/\xc3\xbc%41" },
    { "http://a/b", "x?a=1 2&b=%zz", "http://a/x?a=1 2&b=%zz" },
    { "http://a/b", "x\ty", "http://a/x\ty" },
    { "http://a/b", "x%", "http://a/x%" },
    { "http://a/b?q", "?", "http://a/b?" },
    { "http://a/b?q", "?#x", "http://a/b?#x" },
    { "http://a/b?q", "#", "http://a/b?q#" },
    { "http://a", "#s", "http://a#s" },
    { "http://a/", "#s", "http://a/#s" },
    { "http://a/", "?x#s", "http://a/?x#s" },
    { "http://a/b?q#f", "?x#", "http://a/b?x#" },
    { "feeds/rss.xml", "item/1", "feeds/item/1" },
    { "/feeds/rss.xml", "//h/x", "//h/x" },
    { "file:///tmp/x/feed.xml", "../a.html", "file:///tmp/a.html" },
    { "file:///tmp/x/feed.xml", "a?b=1#", "file:///tmp/x/a?b=1#" },
    { "file:///tmp/x/feed.xml", "?q", "file:///tmp/x/feed.xml?q" },
    { "file://host/x/feed.xml", "/y", "file://host/y" },
    { "http://h?q", "g..#", "http://h/g..#" },
    { "feeds/x", "/y", "/y" },
    { "https://ex.com/blog/", "2024:review", "https://ex.com/blog/2024:review" },
    { "https://ex.com/blog/", "+x:y?a#b", "https://ex.com/blog/+x:y?a#b" },
    /* fuzz_url's find: escaping makes the reference longer than its bytes */
    { "zile%)))))))\x14z", "zile%)))))))\x14z", "zile%)))))))\x14z" },
    { "http://a/b/", "x%%\x01:y", "http://a/b/x%%\x01:y" },
    { "feeds/x", "g?y", "feeds/g?y" },
};

static void
test_url_resolve(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(resolves); i++) {
        char *got = url_resolve(resolves[i].base, resolves[i].ref);

        assert_non_null(got);
        if (strcmp(got, resolves[i].want) != 0)
            fail_msg("resolve(\"%s\", \"%s\") = \"%s\", want \"%s\"",
                     resolves[i].base ? resolves[i].base : "(null)", resolves[i].ref, got,
                     resolves[i].want);
        free(got);
    }
    assert_null(url_resolve(RFC_BASE, NULL));
}

static const struct {
    const char *in;
    int want;
} absolutes[] = {
    { "http://x", 1 }, { "HTTP:", 1 }, { "mailto:a@b", 1 }, { "g:h", 1 },
    { "a+b-c.d9:x", 1 }, { "urn:isbn:1", 1 }, { "1http://x", 0 }, { "//x", 0 },
    { "/a:b", 0 }, { "a/b:c", 0 }, { "", 0 }, { ":x", 0 }, { " http://x", 0 },
    { "http", 0 }, { "ht tp://x", 0 }, { "é:x", 0 }, { "a_b:x", 0 },
};

static void
test_url_is_absolute(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(absolutes); i++)
        if (url_is_absolute(absolutes[i].in) != absolutes[i].want)
            fail_msg("url_is_absolute(\"%s\") != %d", absolutes[i].in, absolutes[i].want);
    assert_int_equal(url_is_absolute(NULL), 0);
}

static const struct {
    const char *in;
    const char *want;   /* NULL: not an absolute http(s) URL */
} canonicals[] = {
    { "HTTP://EXAMPLE.com:80", "http://example.com/" },
    { "http://user:pass@Host:80/", "http://host/" },
    { "http://[::1]:8080/x", "http://[::1]:8080/x" },
    { "https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a" },
    { "http://example.com:443/", "http://example.com:443/" },
    { "https://example.com:80/", "https://example.com:80/" },
    { "https://example.com:/x", "https://example.com/x" },
    { "http://example.com:0080/", "http://example.com/" },
    { "http://example.com:08080", "http://example.com:8080/" },
    { "https://Example.COM?x=1", "https://example.com/?x=1" },
    { "http://example.com/a?utm_source=x&utm_medium=y", "http://example.com/a" },
    { "http://example.com/a?id=1&utm_source=x&b=2", "http://example.com/a?id=1&b=2" },
    { "http://example.com/a?fbclid=abc", "http://example.com/a" },
    { "http://example.com/a?gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&yclid=6"
      "&_hsenc=7&_hsmi=8&igshid=9&ref_src=10&keep", "http://example.com/a?keep" },
    { "http://example.com/a?UTM_Source=x&k=v", "http://example.com/a?k=v" },
    { "http://example.com/a?utm=1&utm_", "http://example.com/a?utm=1" },
    { "http://example.com/a?reference=1&fbclid", "http://example.com/a?reference=1" },
    { "http://example.com/a?b=2&a=1", "http://example.com/a?b=2&a=1" },
    { "http://example.com/a?a=1&&b=2&", "http://example.com/a?a=1&b=2" },
    { "http://example.com/a?", "http://example.com/a" },
    { "http://example.com/a#frag", "http://example.com/a" },
    { "http://example.com/a?x=1#frag?y", "http://example.com/a?x=1" },
    { "http://example.com/A/B?Q=X&Y=Z", "http://example.com/A/B?Q=X&Y=Z" },
    { "http://example.com/a/./b/../c", "http://example.com/a/c" },
    { "http://example.com/..", "http://example.com/" },
    { "http://example.com/%00?%00=1", "http://example.com/%00?%00=1" },
    { "http://münchen.de/Straße", "http://münchen.de/Straße" },
    { "  http://example.com/x \n", "http://example.com/x" },
    { "http://a@b@Example.com/", "http://example.com/" },
    { "http://example.com/a b?q=x y#z z", "http://example.com/a%20b?q=x%20y" },
    { "http://example.com/a\tb", NULL },
    { "http://example.com/?a=1\x7f", NULL },
    { "ftp://example.com/", NULL },
    { "/relative/path", NULL },
    { "example.com/a", NULL },
    { "mailto:a@b", NULL },
    { "http:/example.com", NULL },
    { "http:///x", NULL },
    { "http://user@/x", NULL },
    { "http://:80/", NULL },
    { "http://[::1/x", NULL },
    { "http://[::1]x/", NULL },
    { "http://ex ample.com/", NULL },
    { "http://example.com:99999/", NULL },
    { "http://example.com:8a/", NULL },
    { "http://example.com:0/", NULL },
    { "", NULL },
};

static void
test_url_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(canonicals); i++) {
        char *got = url_canonical(canonicals[i].in);

        if (canonicals[i].want == NULL) {
            if (got != NULL)
                fail_msg("canonical(\"%s\") = \"%s\", want NULL", canonicals[i].in, got);
        } else {
            if (got == NULL || strcmp(got, canonicals[i].want) != 0)
                fail_msg("canonical(\"%s\") = \"%s\", want \"%s\"", canonicals[i].in,
                         got ? got : "(null)", canonicals[i].want);
        }
        free(got);
    }
    assert_null(url_canonical(NULL));
}

static const struct {
    const char *in;
    int rc;
    const char *want;
} hosts[] = {
    { "http://Example.COM/x", ALM_OK, "example.com" },
    { "http://user:pass@Host:80/", ALM_OK, "host" },
    { "http://[::1]:8080/x", ALM_OK, "::1" },
    { "https://[FE80::1]", ALM_OK, "fe80::1" },
    { "https://example.com", ALM_OK, "example.com" },
    { "https://example.com?q#f", ALM_OK, "example.com" },
    { "ftp://files.example.org:21/", ALM_OK, "files.example.org" },
    { " http://a.b/ ", ALM_OK, "a.b" },
    { "http://a@b@c/", ALM_OK, "c" },
    { "/relative", ALM_EINVAL, NULL },
    { "//example.com/x", ALM_EINVAL, NULL },
    { "mailto:a@b.com", ALM_EINVAL, NULL },
    { "http:///x", ALM_EINVAL, NULL },
    { "file:///etc/passwd", ALM_EINVAL, NULL },
    { "http://[]/", ALM_EINVAL, NULL },
    { "http://[::1", ALM_EINVAL, NULL },
    { "", ALM_EINVAL, NULL },
    { "http://this-host-name-is-far-too-long-for-the-buffer.example/", ALM_ETOOBIG, NULL },
};

static void
test_url_host(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(hosts); i++) {
        char out[32] = "untouched";
        int rc = url_host(hosts[i].in, out, sizeof(out));

        if (rc != hosts[i].rc)
            fail_msg("url_host(\"%s\") = %d, want %d", hosts[i].in, rc, hosts[i].rc);
        if (rc == ALM_OK)
            assert_string_equal(out, hosts[i].want);
        else
            assert_string_equal(out, "untouched");
    }
    {
        char tiny[4];

        assert_int_equal(url_host("http://abc/", tiny, sizeof(tiny)), ALM_OK);
        assert_string_equal(tiny, "abc");
        assert_int_equal(url_host("http://abcd/", tiny, sizeof(tiny)), ALM_ETOOBIG);
        assert_int_equal(url_host("http://abc/", tiny, 0), ALM_ETOOBIG);
        assert_int_equal(url_host(NULL, tiny, sizeof(tiny)), ALM_EINVAL);
    }
}

static const struct {
    const char *in;
    size_t maxlen;
    const char *want;
} slugs[] = {
    { "Hello, World!", 64, "hello-world" },
    { "  --Hello--  ", 64, "hello" },
    { "GPT-5 is here: what's new?", 64, "gpt-5-is-here-what-s-new" },
    { "ABC123def", 64, "abc123def" },
    { "Café au lait", 64, "caf-au-lait" },
    { "naïve", 64, "nave" },
    { "2020–2021 review", 64, "2020-2021-review" },
    { "“Quoted” — dash", 64, "quoted-dash" },
    { "日本語 news", 64, "news" },
    { "a\xc2\xa0" "b", 64, "a-b" },
    { "\xff\xfe bad utf8 \xc3", 64, "bad-utf8" },
    { "\xe2\x80", 64, "" },
    { "hello world foo", 11, "hello-world" },
    { "hello world foo", 12, "hello-world" },
    { "hello world foo", 14, "hello-world" },
    { "hello world foo", 15, "hello-world-foo" },
    { "helloworld", 5, "hello" },
    { "ab cd", 3, "ab" },
    { "x-", 1, "x" },
    { "a b", 0, "" },
    { "", 10, "" },
    { "!!!", 10, "" },
    { "%00", 10, "00" },
};

static void
test_url_slugify(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(slugs); i++) {
        char *got = url_slugify(slugs[i].in, slugs[i].maxlen);

        if (strcmp(got, slugs[i].want) != 0)
            fail_msg("slugify(\"%s\", %zu) = \"%s\", want \"%s\"", slugs[i].in,
                     slugs[i].maxlen, got, slugs[i].want);
        free(got);
    }
    {
        char *got = url_slugify(NULL, 10);

        assert_string_equal(got, "");
        free(got);
    }
}

/* Megabyte-sized input: linear work, exact results, nothing read past the end. */
static void
test_url_huge(void **state)
{
    const size_t reps = 200000;
    size_t n = reps * 5 + 2;
    char *ref = malloc(n), *url = malloc(n + 32), *got;
    char host[16];

    (void)state;
    assert_non_null(ref);
    assert_non_null(url);
    for (size_t i = 0; i < reps; i++)
        memcpy(ref + i * 5, "x/../", 5);
    memcpy(ref + reps * 5, "g", 2);
    got = url_resolve(RFC_BASE, ref);
    assert_string_equal(got, "http://a/b/c/g");
    free(got);

    memcpy(url, "http://example.com/", 19);
    memcpy(url + 19, ref, n);
    got = url_canonical(url);
    assert_string_equal(got, "http://example.com/g");
    free(got);

    for (size_t i = 0; i < n - 1; i++)
        ref[i] = (char)("ab "[i % 3]);
    ref[n - 1] = '\0';
    got = url_slugify(ref, 80);
    assert_int_equal(strlen(got), 80);
    assert_true(strncmp(got, "ab-ab-", 6) == 0);
    free(got);

    memcpy(url, "http://", 7);
    memset(url + 7, 'h', n);
    url[n + 7] = '\0';
    assert_int_equal(url_host(url, host, sizeof(host)), ALM_ETOOBIG);
    got = url_canonical(url);
    assert_non_null(got);
    assert_int_equal(strlen(got), n + 8);
    free(got);
    free(ref);
    free(url);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_resolve),
        cmocka_unit_test(test_url_is_absolute),
        cmocka_unit_test(test_url_canonical),
        cmocka_unit_test(test_url_host),
        cmocka_unit_test(test_url_slugify),
        cmocka_unit_test(test_url_huge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
