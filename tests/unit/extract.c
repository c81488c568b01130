/*
 * tests/unit/extract.c - article extraction: dates, charsets, metadata and
 * JSON-LD, boilerplate removal on small written pages, the articleBody
 * fallback, hostile input (deep nesting, formatting bombs, empty and NUL
 * bytes), and real pages (tests/data/articles, SOURCES.md) scored against
 * their ground truth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "extract/extract.h"

#define DATA "tests/data/articles/"

static struct extract_result *
run(const char *html, const char *url, const char *ctype)
{
    struct extract_result *r = NULL;

    assert_int_equal(extract_html(html, strlen(html), url, ctype, &r), ALM_OK);
    assert_non_null(r);
    assert_non_null(r->text);
    assert_non_null(r->html);
    return r;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT((size_t)64 << 20);
    char tmp[8192];
    size_t n;

    assert_non_null(f);
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        assert_int_equal(buf_append(&b, tmp, n), ALM_OK);
    fclose(f);
    *len = b.len;
    return buf_take(&b);
}

/* ---- dates ---- */

static void
test_dates(void **state)
{
    static const struct {
        const char *in, *want; /* want NULL: rejected */
    } cases[] = {
        { "2019-11-18T17:01:47+00:00", "2019-11-18T17:01:47Z" },
        { "2019-11-18T12:01:47.123-05:00", "2019-11-18T17:01:47Z" },
        { "2019-11-18T23:30:00+0100", "2019-11-18T22:30:00Z" },
        { "2019-11-18T00:30:00+01:00", "2019-11-17T23:30:00Z" },
        { "2019-12-31T23:30:00-01:00", "2020-01-01T00:30:00Z" },
        { "2019-11-18", "2019-11-18T00:00:00Z" },
        { "  2019-11-18 08:15", "2019-11-18T08:15:00Z" },
        { "2024-02-29T10:00:00Z", "2024-02-29T10:00:00Z" },
        { "2023-02-29T10:00:00Z", NULL },
        { "2019-13-01", NULL },
        { "Mon, 18 Nov 2019 10:00:00 GMT", NULL },
        { "2019-11-18T25:00", NULL },
        { "", NULL },
    };
    char out[21];

    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) {
        int rc = extract_date(cases[i].in, out);
        if (cases[i].want) {
            assert_int_equal(rc, ALM_OK);
            assert_string_equal(out, cases[i].want);
        } else {
            assert_int_equal(rc, ALM_EINVAL);
        }
    }
}

/* ---- charsets ---- */

static void
check_decode(const char *in, size_t n, const char *ctype, const char *want, const char *cs)
{
    size_t len;
    const char *charset;
    char *s = extract_decode(in, n, ctype, &len, &charset);

    assert_int_equal(len, strlen(s));
    assert_string_equal(s, want);
    if (cs)
        assert_string_equal(charset, cs);
    free(s);
}

/* in is a string literal: its length includes embedded NULs */
#define DECODE(in, ctype, want, cs) check_decode(in, sizeof(in) - 1, ctype, want, cs)

static void
test_decode(void **state)
{
    (void)state;
    /* BOMs */
    DECODE("\xef\xbb\xbf<p>caf\xc3\xa9", NULL, "<p>caf\xc3\xa9", "utf-8");
    DECODE("\xff\xfe<\0p\0>\0\xe9\0", NULL, "<p>\xc3\xa9", NULL);
    /* meta declarations, as attribute and in content */
    DECODE("<meta charset=\"iso-8859-1\"><p>caf\xe9 \x93q\x94", NULL,
                 "<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d",
                 "windows-1252");
    DECODE("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
                 "\xcf\xf0\xe8", NULL,
                 "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
                 "\xd0\x9f\xd1\x80\xd0\xb8",
                 "windows-1251");
    /* the HTTP header wins over the page */
    DECODE("<meta charset=utf-8>\xe9", "text/html; charset=ISO-8859-1",
                 "<meta charset=utf-8>\xc3\xa9", "windows-1252");
    /* undeclared and not UTF-8: windows-1252 */
    DECODE("caf\xe9", NULL, "caf\xc3\xa9", "windows-1252");
    /* valid UTF-8 that is not ASCII wins over a legacy declaration (qq's case) */
    DECODE("<meta charset=gb2312>\xe8\x85\xbe", NULL, "<meta charset=gb2312>\xe8\x85\xbe",
                 "utf-8");
    /* GBK bytes declared so are read as GBK */
    DECODE("<meta charset=gb2312>\xcc\xda", NULL, "<meta charset=gb2312>\xe8\x85\xbe",
                 NULL);
    /* NUL and broken sequences become U+FFFD */
    DECODE("a\0b\xc3", "text/html; charset=utf-8", "a\xef\xbf\xbd" "b\xef\xbf\xbd", NULL);
}

/* ---- metadata ---- */

static void
test_metadata(void **state)
{
    const char *page =
        "<!doctype html><html lang=en-GB><head><title>Ignored title | Site</title>"
        "<base href=\"/news/\">"
        "<meta property=\"og:title\" content=\"  The  OG   title \">"
        "<meta property=\"og:image\" content=\"img/lead.jpg\">"
        "<meta name=\"author\" content=\"Meta Author\">"
        "<link rel=\"canonical stylesheet\" href=\"story-1?x=1\">"
        "<script type=\"application/ld+json\"><![CDATA[ {\"@context\":\"https://schema.org\","
        "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Site\"},{\"@type\":[\"NewsArticle\"],"
        "\"headline\":\"LD headline\",\"datePublished\":\"2019-11-18T12:00:00-05:00\","
        "\"author\":[{\"@type\":\"Person\",\"name\":\"Ada Lovelace\"},{\"name\":\"Alan Turing\"}]}]}"
        " ]]></script></head><body><article><time datetime=\"2001-01-01\">then</time>"
        "<p>Body text long enough to be a paragraph, with a comma, and another one.</p>"
        "</article></body></html>";
    struct extract_result *r;

    (void)state;
    r = run(page, "https://example.com/a/b.html", NULL);
    assert_string_equal(r->title, "The OG title"); /* og:title first, whitespace collapsed */
    assert_string_equal(r->byline, "Ada Lovelace, Alan Turing");
    assert_string_equal(r->published, "2019-11-18T17:00:00Z");
    assert_string_equal(r->lang, "en-GB");
    assert_string_equal(r->canonical, "https://example.com/news/story-1?x=1");
    assert_string_equal(r->image, "https://example.com/news/img/lead.jpg");
    assert_string_equal(r->url, "https://example.com/a/b.html");
    extract_result_free(r);

    /* fallbacks: <title> cut at its site suffix, <time>, og:locale, no URL */
    r = run("<html><head><title>A Title Of Four Words - Example Site</title>"
            "<meta property=\"og:locale\" content=\"fr_FR\"></head><body>"
            "<span class=\"byline\">By Someone</span><time datetime=\"2020-02-03T04:05:06Z\">x</time>"
            "<p>Paragraph text that is long enough to count for something here.</p></body></html>",
            NULL, NULL);
    assert_string_equal(r->title, "A Title Of Four Words");
    assert_string_equal(r->published, "2020-02-03T04:05:06Z");
    assert_string_equal(r->lang, "fr-FR");
    assert_string_equal(r->byline, "By Someone");
    assert_null(r->url);
    assert_null(r->canonical);
    assert_null(r->image);
    extract_result_free(r);
}

/* ---- the article ---- */

#define PARA(s) "<p>" s " The paragraph goes on with enough words, commas, clauses, and detail " \
                "to read as prose rather than as furniture on the page.</p>"

static void
test_boilerplate(void **state)
{
    const char *page =
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<header class=\"site-header\"><a href=\"/\">Home</a> <a href=\"/tech\">Tech</a></header>"
        "<nav><ul><li><a href=\"/a\">Navigation link one</a></li>"
        "<li><a href=\"/b\">Navigation link two</a></li></ul></nav>"
        "<div id=\"main\"><div class=\"article-body\">"
        "<h1>Headline repeated</h1>"
        PARA("Alpha first.") PARA("Bravo second.")
        "<div class=\"share-tools\"><a href=\"/s\">Share on Twitter</a></div>"
        "<h2>A subheading</h2>"
        PARA("Charlie third.")
        "<script>var x = 'script words';</script>"
        "<p style=\"display: none\">Hidden words should not appear anywhere.</p>"
        "<p>Read more: <a href=\"/other\">another story entirely about something</a></p>"
        PARA("Delta <a href=\"/x\" onclick=\"evil()\">fourth</a> <b>bold</b>.")
        "</div>"
        "<div class=\"related-stories\"><ul><li><a href=\"/r1\">Related one</a></li>"
        "<li><a href=\"/r2\">Related two</a></li></ul></div>"
        "<section id=\"comments\">" PARA("Echo comment.") PARA("Foxtrot comment.")
        PARA("Golf comment.") PARA("Hotel comment.") PARA("India comment.") "</section>"
        "</div><footer>Copyright footer words</footer></body></html>";
    struct extract_result *r = run(page, "https://example.com/story", NULL);
    const char *t = r->text;
    static const char *const absent[] = {
        "Navigation", "Home", "Share on", "script words", "Hidden", "Related", "comment",
        "Copyright", "Read more", "Headline repeated", "color:red",
    };

    (void)state;
    assert_non_null(strstr(t, "Alpha first."));
    assert_non_null(strstr(t, "Bravo second."));
    assert_non_null(strstr(t, "Charlie third."));
    assert_non_null(strstr(t, "Delta fourth bold."));
    assert_non_null(strstr(t, "A subheading"));
    assert_true(strstr(t, "Alpha") < strstr(t, "Bravo") && strstr(t, "Bravo") < strstr(t, "Delta"));
    /* paragraphs are separated by exactly one blank line */
    assert_non_null(strstr(t, "furniture on the page.\n\nBravo"));
    assert_null(strstr(t, "\n\n\n"));
    assert_true(t[0] != '\n' && t[0] != ' ' && t[strlen(t) - 1] == '.');
    for (size_t i = 0; i < LEN(absent); i++)
        if (strstr(t, absent[i]))
            fail_msg("text has '%s': %s", absent[i], t);
    /* the HTML went through the sanitizer: no handler, links made absolute */
    assert_null(strstr(r->html, "onclick"));
    assert_null(strstr(r->html, "<script"));
    assert_non_null(strstr(r->html, "href=\"https://example.com/x\""));
    assert_non_null(strstr(r->html, "<b>bold</b>"));
    assert_int_equal(r->from_jsonld, 0);
    extract_result_free(r);
}

static void
test_jsonld_body(void **state)
{
    struct buf b = BUF_INIT((size_t)1 << 20);
    struct extract_result *r;

    (void)state;
    buf_puts(&b, "<html><head><script type=\"application/ld+json\">{\"@type\":\"Article\","
                 "\"articleBody\":\"");
    for (int i = 0; i < 20; i++)
        buf_printf(&b, "Sentence %d of the body, which the markup hides behind a script. ", i);
    buf_puts(&b, "\\nSecond paragraph here.\"}</script></head><body><div id=app>"
                 "<p>Only a teaser line of markup text is here.</p></div></body></html>");
    r = run(buf_cstr(&b), NULL, NULL);
    assert_int_equal(r->from_jsonld, 1);
    assert_non_null(strstr(r->text, "Sentence 19 of the body"));
    assert_non_null(strstr(r->text, "script.\n\nSecond paragraph here."));
    assert_non_null(strstr(r->html, "<p>Second paragraph here.</p>"));
    extract_result_free(r);
    buf_fini(&b);
}

/* ---- hostile input ---- */

static void
test_hostile(void **state)
{
    struct buf b = BUF_INIT((size_t)64 << 20);
    struct extract_result *r = NULL;
    int rc;

    (void)state;
    /* empty, NUL bytes, no body */
    assert_int_equal(extract_html("", 0, NULL, NULL, &r), ALM_OK);
    assert_string_equal(r->text, "");
    assert_string_equal(r->html, "");
    extract_result_free(r);
    assert_int_equal(extract_html("\0\0<p>\0x</p>", 11, NULL, NULL, &r), ALM_OK);
    extract_result_free(r);

    /* 200,000 nested elements: gumbo's tree is never walked deeper than the cap */
    for (int i = 0; i < 200000; i++)
        buf_puts(&b, "<div>");
    buf_puts(&b, "<p>Deep text that is long enough to be scored as a paragraph.</p>");
    r = NULL;
    assert_int_equal(extract_html(b.data, b.len, NULL, NULL, &r), ALM_OK);
    assert_non_null(r);
    assert_null(strstr(r->text, "Deep text")); /* past EXTRACT_MAX_DEPTH: ignored */
    extract_result_free(r);

    /* reconstructed formatting elements: a parse that needs more memory than the cap */
    buf_reset(&b);
    buf_puts(&b, "<p>");
    for (int i = 0; i < 2000; i++)
        buf_printf(&b, "<b id=%d>", i);
    for (int i = 0; i < 200000; i++)
        buf_puts(&b, "</p><p>x");
    r = NULL;
    rc = extract_html(b.data, b.len, NULL, NULL, &r);
    assert_true(rc == ALM_OK || rc == ALM_ETOOBIG);
    if (rc == ALM_OK)
        extract_result_free(r);
    else
        assert_null(r);
    buf_fini(&b);
}

/* ---- real pages ---- */

/* Token F1 (runs of ASCII letters and digits, as multisets) of got against want. */
static double
token_f1(const char *want, const char *got)
{
    char **w = NULL;
    size_t nw = 0, cw = 0, tp = 0, ng = 0;
    int *used;

    for (const char *p = want; *p;) {
        size_t n = 0;
        while (p[n] && isalnum((unsigned char)p[n]))
            n++;
        if (n) {
            if (nw == cw)
                w = realloc(w, (cw = cw ? cw * 2 : 256) * sizeof(*w));
            w[nw++] = strndup(p, n);
            p += n;
        } else {
            p++;
        }
    }
    used = calloc(nw + 1, sizeof(int));
    for (const char *p = got; *p;) {
        size_t n = 0;
        while (p[n] && isalnum((unsigned char)p[n]))
            n++;
        if (n) {
            ng++;
            for (size_t i = 0; i < nw; i++)
                if (!used[i] && strlen(w[i]) == n && memcmp(w[i], p, n) == 0) {
                    used[i] = 1;
                    tp++;
                    break;
                }
            p += n;
        } else {
            p++;
        }
    }
    for (size_t i = 0; i < nw; i++)
        free(w[i]);
    free(w);
    free(used);
    return tp ? 2.0 * tp / (double)(nw + ng) : 0;
}

static void
test_real_pages(void **state)
{
    static const struct {
        const char *file, *url, *title, *published;
    } pages[] = {
        { "zyte-232a43fb.html", "https://www.macrumors.com/2019/11/18/13-inch-macbook-pro-scissor-keyboard-2020/",
          "13-Inch MacBook Pro With Scissor Keyboard Expected in First Half of 2020",
          "2019-11-18T10:45:00Z" },
        { "zyte-14cc2a0c.html", "https://www.sciencealert.com/nasa-finds-water-plumes-above-the-surface-of-jupiter-s-icy-moon-europa",
          "NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon Europa",
          NULL },
    };
    size_t n;
    char *text = slurp(DATA "zyte-truth.json", &n);
    cJSON *truth = cJSON_Parse(text);

    (void)state;
    assert_non_null(truth);
    for (size_t i = 0; i < LEN(pages); i++) {
        struct extract_result *r = NULL;
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(truth, pages[i].file);
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(t, "articleBody");
        char *html, path[256];
        double f;

        assert_true(cJSON_IsString(body));
        snprintf(path, sizeof(path), DATA "%s", pages[i].file);
        html = slurp(path, &n);
        assert_int_equal(extract_html(html, n, pages[i].url, "text/html", &r), ALM_OK);
        assert_string_equal(r->title, pages[i].title);
        if (pages[i].published)
            assert_string_equal(r->published, pages[i].published);
        f = token_f1(body->valuestring, r->text);
        if (f < 0.95)
            fail_msg("%s: token F1 %.3f", pages[i].file, f);
        /* and against an unrelated body, it must score low: the measure can fail */
        assert_true(token_f1("completely different words about other matters", r->text) < 0.1);
        extract_result_free(r);
        free(html);
    }
    cJSON_Delete(truth);
    free(text);
}

static void
test_readability_pages(void **state)
{
    size_t n;
    char *html = slurp(DATA "readability-hidden-nodes.html", &n);
    struct extract_result *r = NULL;

    (void)state;
    assert_int_equal(extract_html(html, n, NULL, NULL, &r), ALM_OK);
    assert_non_null(strstr(r->text, "Lorem ipsum dolor sit amet"));
    assert_non_null(strstr(r->text, "Secondary header"));
    /* the page's hidden elements (hidden attribute, display:none) stay out */
    assert_null(strstr(r->text, "hidden"));
    extract_result_free(r);
    free(html);

    html = slurp(DATA "readability-parsely-metadata.html", &n);
    assert_int_equal(extract_html(html, n, NULL, NULL, &r), ALM_OK);
    assert_string_equal(r->title, "Some Other Title");
    assert_string_equal(r->byline, "Jane Doe");
    assert_string_equal(r->published, "2024-04-20T04:20:00Z");
    extract_result_free(r);
    free(html);
}

static void
test_json(void **state)
{
    struct extract_result *r;
    struct buf b = BUF_INIT((size_t)1 << 20);

    (void)state;
    r = run("<p>Quote \" and backslash \\ in a paragraph, long enough.</p>", NULL, NULL);
    assert_int_equal(extract_to_json(r, &b), ALM_OK);
    assert_non_null(strstr(b.data, "\"url\":null,\"title\":null,"));
    assert_non_null(strstr(b.data, "\"text\":\"Quote \\\" and backslash \\\\ in"));
    buf_fini(&b);
    extract_result_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_boilerplate),
        cmocka_unit_test(test_jsonld_body),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_real_pages),
        cmocka_unit_test(test_readability_pages),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
