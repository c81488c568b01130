/*
 * tests/unit/rows.c - ingest_rows_prepare: what a feed's entries become before
 * any backend stores them (identity, links, content hash, sanitized HTML,
 * text, dates), on a small RSS feed with the cases that matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/rows.h"
#include "parse/feed.h"
#include "store/store_ingest.h"

#define FEED_URL "https://example.org/blog/feed.xml"

static const char rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example</title>"
    "<link>https://example.org/blog/</link>"
    "<lastBuildDate>Mon, 02 Mar 2026 10:00:00 GMT</lastBuildDate>"
    /* 0: a guid, a relative link with tracking, a hostile summary */
    "<item><title>First</title><guid isPermaLink=\"false\">urn:one</guid>"
    "<link>posts/one?utm_source=x#top</link>"
    "<pubDate>Sun, 01 Mar 2026 09:00:00 GMT</pubDate>"
    "<description><![CDATA[<p onclick=\"x()\">Hello <script>bad()</script>"
    "<b>world</b></p>]]></description></item>"
    /* the same guid again: the first copy wins */
    "<item><title>First, again</title><guid isPermaLink=\"false\">urn:one</guid></item>"
    /* 1: no guid: the canonical link is the identity; a javascript: link */
    "<item><title>Second</title><link>javascript:alert(1)</link>"
    "<description>plain &amp; simple</description></item>"
    /* 2: neither guid nor link, no date */
    "<item><title>Third</title><description>Text only.</description></item>"
    /* 3: no guid, an http link */
    "<item><title>Fourth</title><link>HTTPS://Example.ORG:443/a?utm_medium=m&amp;k=v</link>"
    "<pubDate>Sat, 28 Feb 2026 08:00:00 GMT</pubDate></item>"
    "</channel></rss>";

static struct feed *
parse(const char *doc)
{
    struct feed *f = feed_parse(doc, strlen(doc), FEED_URL);

    assert_non_null(f);
    return f;
}

static void
test_identity_and_duplicates(void **state)
{
    struct feed *f = parse(rss);
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, 1800000000);
    assert_int_equal(f->entries.n, 5);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.duplicates, 1);
    assert_string_equal(r.v[0].ident, "g:urn:one");
    assert_string_equal(r.v[0].title, "First"); /* the first copy */
    /* the javascript: link is dropped, so the identity is the title hash */
    assert_null(r.v[1].url);
    assert_memory_equal(r.v[1].ident, "h:", 2);
    assert_memory_equal(r.v[2].ident, "h:", 2);
    assert_string_not_equal(r.v[1].ident, r.v[2].ident);
    assert_string_equal(r.v[3].ident, "u:https://example.org/a?k=v");
    ingest_rows_fini(&r);
    feed_free(f);
}

/* One post listed twice, its link written two ways, is one entry; entries
 * with guids of their own, or fragments of one page, stay apart. */
static const char twice[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Twice</title>"
    /* a guid that is the link, then no guid and a trailing slash */
    "<item><title>GPT-4</title><guid>https://example.org/gpt-4</guid>"
    "<link>https://example.org/gpt-4</link></item>"
    "<item><title>GPT-4</title><link>https://example.org/gpt-4/</link></item>"
    /* the query in another order */
    "<item><title>Q</title><link>https://example.org/q?b=2&amp;a=1</link></item>"
    "<item><title>Q again</title><link>https://example.org/q?a=1&amp;b=2</link></item>"
    /* guids of their own on one page: two posts */
    "<item><title>Probe 1</title><guid isPermaLink=\"false\">p-1</guid>"
    "<link>https://example.org/all</link></item>"
    "<item><title>Probe 2</title><guid isPermaLink=\"false\">p-2</guid>"
    "<link>https://example.org/all</link></item>"
    /* a changelog's entries: fragments of one page, each its own guid */
    "<item><title>1.2</title><guid>https://example.org/changelog#1.2</guid>"
    "<link>https://example.org/changelog#1.2</link></item>"
    "<item><title>1.1</title><guid>https://example.org/changelog#1.1</guid>"
    "<link>https://example.org/changelog#1.1</link></item>"
    "</channel></rss>";

static void
test_same_link_twice(void **state)
{
    struct feed *f = parse(twice);
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, 1800000000);
    assert_int_equal(f->entries.n, 8);
    assert_int_equal(r.n, 6);
    assert_int_equal(r.duplicates, 2);
    assert_string_equal(r.v[0].ident, "g:https://example.org/gpt-4");
    assert_string_equal(r.v[1].title, "Q");
    assert_string_equal(r.v[2].ident, "g:p-1");
    assert_string_equal(r.v[3].ident, "g:p-2");
    assert_string_equal(r.v[4].title, "1.2");
    assert_string_equal(r.v[5].title, "1.1");
    ingest_rows_fini(&r);
    feed_free(f);
}

static void
test_links_html_text(void **state)
{
    struct feed *f = parse(rss);
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, 1800000000);
    assert_string_equal(r.v[0].url, "https://example.org/blog/posts/one?utm_source=x#top");
    assert_string_equal(r.v[0].canon, "https://example.org/blog/posts/one");
    assert_non_null(r.v[0].summary);
    assert_null(strstr(r.v[0].summary, "script"));
    assert_null(strstr(r.v[0].summary, "onclick"));
    assert_non_null(strstr(r.v[0].summary, "<b>world</b>"));
    assert_null(r.v[0].content);
    assert_string_equal(r.v[0].text, "Hello world");
    assert_string_equal(r.v[1].text, "plain & simple");
    assert_string_equal(r.v[0].cats, "[]");
    ingest_rows_fini(&r);
    feed_free(f);
}

static void
test_dates(void **state)
{
    struct feed *f = parse(rss);
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, 1800000000);
    /* an undated entry takes the feed's own date, not "now" */
    assert_int_equal(r.undated, 1772445600); /* 2026-03-02 10:00:00 UTC */
    assert_true(r.v[0].has_date);
    assert_int_equal(r.v[0].date, 1772355600); /* 2026-03-01 09:00:00 UTC */
    assert_false(r.v[2].has_date);
    ingest_rows_fini(&r);
    feed_free(f);

    /* a feed dated in the future gives now instead */
    f = parse(rss);
    ingest_rows_prepare(&r, f, FEED_URL, 1700000000);
    assert_int_equal(r.undated, 1700000000);
    ingest_rows_fini(&r);
    feed_free(f);
}

/* Dates later than the fetch time plus ROWS_FUTURE_SKEW are the fetch
 * time, the claim kept; within the skew, or past, they are as written. */
static void
test_future_dates(void **state)
{
    static const char doc[] =
        "<rss version=\"2.0\"><channel><title>F</title>"
        "<item><guid>far</guid><pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item>"
        "<item><guid>2100</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "<item><guid>soon</guid><pubDate>Mon, 02 Mar 2026 11:00:00 GMT</pubDate></item>"
        "<item><guid>edge</guid><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item>"
        "<item><guid>over</guid><pubDate>Tue, 03 Mar 2026 10:00:01 GMT</pubDate></item>"
        "<item><guid>past</guid><pubDate>Sun, 01 Mar 2026 09:00:00 GMT</pubDate></item>"
        "</channel></rss>";
    static const char atom[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>"
        "<entry><id>upd</id><title>U</title><updated>2031-01-01T00:00:00Z</updated></entry>"
        "</feed>";
    const time_t now = 1772445600; /* 2026-03-02 10:00:00 UTC */
    struct feed *f = parse(doc);
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, now);
    assert_int_equal(r.n, 6);
    assert_int_equal(r.v[0].date, now);
    assert_int_equal(r.v[0].claimed, 253402300799); /* 9999-12-31T23:59:59Z */
    assert_int_equal(r.v[1].date, now);
    assert_int_equal(r.v[1].claimed, 4102444800);   /* 2100-01-01 */
    assert_int_equal(r.v[2].date, now + 3600);      /* an hour ahead: as written */
    assert_int_equal(r.v[2].claimed, 0);
    assert_int_equal(r.v[3].date, now + ROWS_FUTURE_SKEW); /* the skew exactly */
    assert_int_equal(r.v[3].claimed, 0);
    assert_int_equal(r.v[4].date, now);             /* a second more */
    assert_int_equal(r.v[4].claimed, now + ROWS_FUTURE_SKEW + 1);
    assert_int_equal(r.v[5].date, now - 90000);
    assert_int_equal(r.v[5].claimed, 0);
    /* the identity and content hash still follow what the feed says */
    assert_string_equal(r.v[0].ident, "g:far");
    ingest_rows_fini(&r);
    feed_free(f);

    /* an entry with only an updated date is clamped the same way */
    f = parse(atom);
    ingest_rows_prepare(&r, f, FEED_URL, now);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.v[0].date, now);
    assert_int_equal(r.v[0].claimed, 1924992000); /* 2031-01-01 */
    ingest_rows_fini(&r);
    feed_free(f);
}

static void
test_content_hash(void **state)
{
    static const char a[] = "<rss version=\"2.0\"><channel><item><guid>g</guid>"
                            "<title>T</title><description>one</description></item>"
                            "</channel></rss>";
    static const char b[] = "<rss version=\"2.0\"><channel><item><guid>g</guid>"
                            "<title>T</title><description>two</description></item>"
                            "</channel></rss>";
    struct feed *fa = parse(a), *fa2 = parse(a), *fb = parse(b);
    struct store_rows ra, ra2, rb;

    (void)state;
    ingest_rows_prepare(&ra, fa, FEED_URL, 1800000000);
    ingest_rows_prepare(&ra2, fa2, FEED_URL, 1800000000);
    ingest_rows_prepare(&rb, fb, FEED_URL, 1800000000);
    assert_string_equal(ra.v[0].ident, rb.v[0].ident);   /* the same item ... */
    assert_string_equal(ra.v[0].hash, ra2.v[0].hash);    /* stable */
    assert_string_not_equal(ra.v[0].hash, rb.v[0].hash); /* ... changed */
    ingest_rows_fini(&ra);
    ingest_rows_fini(&ra2);
    ingest_rows_fini(&rb);
    feed_free(fa);
    feed_free(fa2);
    feed_free(fb);
}

static void
test_empty(void **state)
{
    struct feed *f = parse("<rss version=\"2.0\"><channel></channel></rss>");
    struct store_rows r;

    (void)state;
    ingest_rows_prepare(&r, f, FEED_URL, 1800000000);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.duplicates, 0);
    ingest_rows_fini(&r);
    ingest_rows_fini(&r); /* twice is harmless */
    ingest_rows_fini(NULL);
    feed_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_and_duplicates),
        cmocka_unit_test(test_same_link_twice),
        cmocka_unit_test(test_links_html_text),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_future_dates),
        cmocka_unit_test(test_content_hash),
        cmocka_unit_test(test_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
