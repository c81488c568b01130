/* tests/unit/html.c - references, html_to_text, html_looks_like_html, sanitizer */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "html/html.h"

#define BASE "https://example.com/feed/"
#define REL " rel=\"noopener noreferrer nofollow\""

/* ---- named lookup ---- */

static const struct {
    const char *name;
    const char *want; /* NULL: not found */
} lookup_cases[] = {
    { "amp", "&" },
    { "AMP", "&" },
    { "AElig", "\xc3\x86" },
    { "zwnj", "\xe2\x80\x8c" },
    { "nLt", "\xe2\x89\xaa\xe2\x83\x92" }, /* two code points */
    { "CounterClockwiseContourIntegral", "\xe2\x88\xb3" },
    { "hellip", "\xe2\x80\xa6" },
    { "Amp", NULL },   /* case-sensitive */
    { "amp;", NULL },  /* names come without ';' */
    { "ampx", NULL },
    { "am", NULL },
    { "", NULL },
    { "zzzz", NULL },
    { "AAAA", NULL },
};

static void
test_entity_lookup(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(lookup_cases); i++) {
        const char *utf8 = NULL;
        size_t len = 0;
        int rc = html_entity_lookup(lookup_cases[i].name, strlen(lookup_cases[i].name), &utf8,
                                    &len);

        if (lookup_cases[i].want == NULL) {
            assert_int_equal(rc, ALM_ENOTFOUND);
            continue;
        }
        assert_int_equal(rc, ALM_OK);
        assert_int_equal(len, strlen(lookup_cases[i].want));
        assert_memory_equal(utf8, lookup_cases[i].want, len);
    }
    /* n bounds the name: "ampere" read as 3 bytes is "amp". */
    {
        const char *utf8;
        size_t len;

        assert_int_equal(html_entity_lookup("ampere", 3, &utf8, &len), ALM_OK);
        assert_int_equal(len, 1);
    }
}

/* ---- one reference ---- */

static const struct {
    const char *in;
    size_t used; /* 0: no reference here */
    const char *out;
} ref_cases[] = {
    { "&amp;", 5, "&" },
    { "&lt;b", 4, "<" },
    { "&eacute;t\xc3\xa9", 8, "\xc3\xa9" },
    { "&#65;", 5, "A" },
    { "&#x41;", 6, "A" },
    { "&#X41;", 6, "A" },
    { "&#x1F600;", 9, "\xf0\x9f\x98\x80" },
    { "&#128512;", 9, "\xf0\x9f\x98\x80" },
    { "&#65", 4, "A" },          /* numeric: ';' may be missing */
    { "&#65x", 4, "A" },
    { "&#0;", 4, "\xef\xbf\xbd" }, /* NUL */
    { "&#xD800;", 8, "\xef\xbf\xbd" },
    { "&#xDFFF;", 8, "\xef\xbf\xbd" },
    { "&#x110000;", 10, "\xef\xbf\xbd" },
    { "&#99999999999999999999;", 23, "\xef\xbf\xbd" },
    { "&#x10FFFF;", 10, "\xf4\x8f\xbf\xbf" },
    { "&#150;", 6, "\xe2\x80\x93" }, /* windows-1252: en dash */
    { "&#128;", 6, "\xe2\x82\xac" }, /* euro */
    { "&#x9F;", 6, "\xc5\xb8" },     /* Y diaeresis */
    { "&#x81;", 6, "\xc2\x81" },     /* a hole in windows-1252: kept */
    { "&#160;", 6, "\xc2\xa0" },
    { "&amp", 4, "&" },             /* legacy, end of input */
    { "&amp b", 4, "&" },
    { "&lt.", 3, "<" },
    { "&gt", 3, ">" },
    { "&quot,", 5, "\"" },
    { "&nbsp ", 5, "\xc2\xa0" },
    { "&copy 2024", 5, "\xc2\xa9" },
    { "&AMP;", 5, "&" },
    { "&copy2024", 0, NULL },     /* legacy followed by alnum */
    { "&ampx;", 0, NULL },
    { "&hellip", 0, NULL },       /* not a legacy name: needs ';' */
    { "&notin", 0, NULL },
    { "&bogus;", 0, NULL },
    { "&Amp;", 0, NULL },
    { "&;", 0, NULL },
    { "&", 0, NULL },
    { "& amp;", 0, NULL },
    { "&#;", 0, NULL },
    { "&#x;", 0, NULL },
    { "&#xg;", 0, NULL },
    { "&#-1;", 0, NULL },
    { "x&amp;", 0, NULL },        /* must start at '&' */
};

static void
test_decode_ref(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(ref_cases); i++) {
        struct buf b = BUF_INIT(1024);
        size_t used = html_decode_ref(ref_cases[i].in, strlen(ref_cases[i].in), &b);

        assert_int_equal(used, ref_cases[i].used);
        if (used == 0)
            assert_int_equal(b.len, 0);
        else
            assert_string_equal(buf_cstr(&b), ref_cases[i].out);
        buf_fini(&b);
    }
    /* n bounds the input: "&amp;" cut after "&am" is no reference. */
    {
        struct buf b = BUF_INIT(64);

        assert_int_equal(html_decode_ref("&amp;", 3, &b), 0);
        assert_int_equal(html_decode_ref("&#65;", 4, &b), 4);
        assert_string_equal(buf_cstr(&b), "A");
        buf_fini(&b);
    }
}

static const struct {
    const char *in;
    const char *out;
} decode_cases[] = {
    { "", "" },
    { "plain text", "plain text" },
    { "Tom &amp; Jerry", "Tom & Jerry" },
    { "&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>" },
    { "a &amp b", "a & b" },
    { "AT&T and R&D", "AT&T and R&D" },
    { "&copy2024 &copy; 2024", "&copy2024 \xc2\xa9 2024" },
    { "&#8220;quoted&#8221;", "\xe2\x80\x9cquoted\xe2\x80\x9d" },
    { "&#150;&#151;&#153;", "\xe2\x80\x93\xe2\x80\x94\xe2\x84\xa2" },
    { "&amp;lt;", "&lt;" },        /* one level only */
    { "&&amp;&", "&&&" },
    { "trailing &", "trailing &" },
    { "&unknown; &hellip;", "&unknown; \xe2\x80\xa6" },
};

static void
test_decode_entities(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(decode_cases); i++) {
        char *got = html_decode_entities(decode_cases[i].in, strlen(decode_cases[i].in));

        assert_string_equal(got, decode_cases[i].out);
        free(got);
    }
    {
        char *got = html_decode_entities("a\0b&amp;", 8);

        assert_string_equal(got, "ab&");
        free(got);
    }
}

/* ---- html_to_text ---- */

static const struct {
    const char *in;
    int mode;
    const char *out;
} text_cases[] = {
    /* mode 0: remove tags, insert nothing, keep whitespace, trim */
    { "", 0, "" },
    { "   ", 0, "" },
    { "plain", 0, "plain" },
    { "  <p>Hello <b>wor</b>ld</p>  ", 0, "Hello world" },
    { "<p>one</p><p>two</p>", 0, "onetwo" },
    { "a<br>b", 0, "ab" },
    { "a\n\n  b\t", 0, "a\n\n  b" },
    { "Tom &amp; Jerry &lt;3", 0, "Tom & Jerry <3" },
    { "&nbsp;x&#32;", 0, "\xc2\xa0x" },
    { "x<script>alert('<p>')</script>y", 0, "xy" },
    { "x<SCRIPT type=text/javascript>a</SCRIPT >y", 0, "xy" },
    { "x<script>if (a</b) s='</scripty>';</script>y", 0, "xy" },
    { "<style>p { color: red }</style>text", 0, "text" },
    { "a<template><p>t</p></template>b<noscript>n</noscript>c", 0, "abc" },
    { "a<iframe src=x>i</iframe>b", 0, "ab" },
    { "x<script>never closed", 0, "x" },
    { "a<!-- comment <b>x</b> -->b", 0, "ab" },
    { "a<!---->b<!-->c<!--->d", 0, "abcd" },
    { "a<!-- x --!>b", 0, "ab" },
    { "a<!-- unterminated", 0, "a" },
    { "<!DOCTYPE html>a<?xml version='1.0'?>b", 0, "ab" },
    { "a<![CDATA[x]]>b", 0, "ab" },
    { "a < b", 0, "a < b" },
    { "1<2", 0, "1<2" },
    { "a <3 b", 0, "a <3 b" },
    { "x</>y</ 3>z", 0, "xyz" },
    { "tail<", 0, "tail<" },
    { "tail</", 0, "tail</" },
    { "a <b", 0, "a" },            /* a tag cut by the end of input */
    { "<p title=\"a>b\">t</p>", 0, "t" },
    { "<p title='a>b' class=x>t</p>", 0, "t" },
    { "<b>unclosed <i>tags", 0, "unclosed tags" },
    { "</p>stray end</div>", 0, "stray end" },
    { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
    { "a\xff" "b", 0, "a\xef\xbf\xbd" "b" },
    { "a\xc3", 0, "a\xef\xbf\xbd" },
    { "a\xe2\x82" "b", 0, "a\xef\xbf\xbd" "b" },     /* one U+FFFD per broken sequence */
    { "a\xc0\xaf" "b", 0, "a\xef\xbf\xbd\xef\xbf\xbd" "b" }, /* overlong */
    { "a\xed\xa0\x80" "b", 0, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b" }, /* surrogate */
    { "a\xf4\x90\x80\x80", 0, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    /* mode 1: blocks become one space, whitespace collapses */
    { "  <p>Hello <b>wor</b>ld</p>  ", 1, "Hello world" },
    { "<p>one</p><p>two</p>", 1, "one two" },
    { "a<br>b<br/>c", 1, "a b c" },
    { "a\n\n  b\t<p>c</p>d", 1, "a b c d" },
    { "<ul><li>x</li><li>y</li></ul>", 1, "x y" },
    { "<h1>T</h1><div>d</div>", 1, "T d" },
    { "<td>a</td><td>b</td>", 1, "a b" },
    { "a&#10;&#9;b", 1, "a b" },
    { "a<b>b</b>c", 1, "abc" },
    { "x<style>s</style> <script>y</script> z", 1, "x z" },
    { "<p></p><p></p>t<p></p>", 1, "t" },
    /* mode 2: paragraphs and lines */
    { "<h1>T</h1><p>a<br>b</p><ul><li>x</li><li>y</li></ul>", 2, "T\n\na\nb\n\nx\ny" },
    { "<div><p>x</p></div><div>y</div>", 2, "x\n\ny" },
    { "a  \n b<br>\n c", 2, "a b\nc" },
    { "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", 2, "a b\nc" },
    { "<p>  lead</p>", 2, "lead" },
    { "<blockquote>q</blockquote>after", 2, "q\n\nafter" },
    { "<hr>x<hr>", 2, "x" },
};

static void
test_to_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(text_cases); i++) {
        char *got = html_to_text(text_cases[i].in, strlen(text_cases[i].in), text_cases[i].mode);

        if (strcmp(got, text_cases[i].out) != 0)
            print_error("case %zu: %s\n", i, text_cases[i].in);
        assert_string_equal(got, text_cases[i].out);
        free(got);
    }
    {
        char *got = html_to_text("a\0b<p>\0c", 8, 1);

        assert_string_equal(got, "ab c");
        free(got);
        got = html_to_text(NULL, 0, 0);
        assert_string_equal(got, "");
        free(got);
    }
}

/* ---- html_looks_like_html ---- */

static const struct {
    const char *in;
    int want;
} looks_cases[] = {
    { "", 0 },
    { "plain title", 0 },
    { "AT&T", 0 },
    { "R&D; spending", 1 },       /* shaped like &x; */
    { "Tom &amp; Jerry", 1 },
    { "&#39;quoted&#39;", 1 },
    { "&#x27;", 1 },
    { "&#;", 0 },
    { "&#x;", 0 },
    { "& amp;", 0 },
    { "a &amp b", 0 },
    { "<b>bold</b>", 1 },
    { "a</b", 1 },
    { "a<br/>b", 1 },
    { "<img src=\"x.png\" />", 1 },
    { "a<br>b", 0 },
    { "a < b", 0 },
    { "x/>", 0 },
    { "a </ b", 0 },
    { "</3", 0 },
    { "<img src=\"a/>b\">", 0 },  /* the "/>" is inside a value */
    { "<a title=\"&amp;\">", 1 },
    { "<a x=\"", 0 },
    { "<a x=\"</b>", 1 },
};

static void
test_looks_like_html(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(looks_cases); i++) {
        int got = html_looks_like_html(looks_cases[i].in, strlen(looks_cases[i].in));

        if (got != looks_cases[i].want)
            print_error("case %zu: %s\n", i, looks_cases[i].in);
        assert_int_equal(got, looks_cases[i].want);
    }
}

/* ---- html_sanitize ---- */

static const char *const allowed_tags[] = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
};

static int
tag_allowed(const char *name, size_t len)
{
    for (size_t i = 0; i < LEN(allowed_tags); i++)
        if (strlen(allowed_tags[i]) == len && memcmp(allowed_tags[i], name, len) == 0)
            return 1;
    return 0;
}

static int
attr_allowed(const char *attr, size_t len)
{
    static const char *const ok[] = {
        "href", "title", "src", "alt", "width", "height", "colspan", "rowspan",
        "datetime", "cite", "start", "rel", "loading",
    };

    for (size_t i = 0; i < LEN(ok); i++)
        if (strlen(ok[i]) == len && memcmp(ok[i], attr, len) == 0)
            return 1;
    return 0;
}

static int
prefix_ci(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if ((*s | 0x20) != *p)
            return 0;
    return 1;
}

/*
 * Parses the sanitizer's output back with the strict grammar it must
 * follow: text without '<' or '>', tags <name( attr="value")*> and
 * </name>, only allowed names, URLs only http(s)/mailto (or relative when
 * no base was given).
 */
static void
check_markup(const char *out, int have_base)
{
    const char *p = out;

    while (*p) {
        const char *name;
        int end = 0;

        if (*p == '>')
            fail_msg("bare '>' in %s", out);
        if (*p != '<') {
            p++;
            continue;
        }
        p++;
        if (*p == '/') {
            end = 1;
            p++;
        }
        name = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            p++;
        if (!tag_allowed(name, (size_t)(p - name)))
            fail_msg("tag not allowed in %s", out);
        while (!end && *p == ' ') {
            const char *attr = ++p, *val;
            size_t alen;

            while (*p >= 'a' && *p <= 'z')
                p++;
            alen = (size_t)(p - attr);
            if (!attr_allowed(attr, alen))
                fail_msg("attribute not allowed in %s", out);
            if (p[0] != '=' || p[1] != '"')
                fail_msg("unquoted attribute in %s", out);
            val = p += 2;
            while (*p && *p != '"' && *p != '<' && *p != '>')
                p++;
            if (*p != '"')
                fail_msg("broken attribute value in %s", out);
            if ((alen == 4 && memcmp(attr, "href", 4) == 0) ||
                (alen == 3 && memcmp(attr, "src", 3) == 0) ||
                (alen == 4 && memcmp(attr, "cite", 4) == 0)) {
                if (!prefix_ci(val, "http://") && !prefix_ci(val, "https://") &&
                    !prefix_ci(val, "mailto:") && have_base)
                    fail_msg("bad URL in %s", out);
            }
            p++;
        }
        if (*p != '>')
            fail_msg("unterminated tag in %s", out);
        p++;
    }
}

static int
contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++) {
        size_t i;

        for (i = 0; i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20); i++)
            ;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Exact results. */
static const struct {
    const char *in;
    const char *out;
} san_cases[] = {
    { "", "" },
    { "plain text", "plain text" },
    { "a < b & c > \"d\" 'e'", "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;" },
    { "<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>" },
    { "<P CLASS=x ID=y STYLE=\"color:red\">t</P>", "<p>t</p>" },
    { "<div onclick=\"x()\">t</div>", "<div>t</div>" },
    /* script and friends go with their content */
    { "<script>alert(1)</script>hi", "hi" },
    { "<SCRIPT SRC=//evil.example/x.js></SCRIPT>t", "t" },
    { "<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)" },
    { "<style>body{display:none}</style>t", "t" },
    { "<iframe src=\"https://evil.example/\">x</iframe>t", "t" },
    { "<svg onload=alert(1)><circle r=1/><text>s</text></svg>t", "t" },
    { "<svg><script>alert(1)</script></svg>t", "t" },
    { "<math><mtext>m</mtext></math>t", "t" },
    { "<form action=\"https://evil.example/\"><input name=x><button>go</button>f</form>t",
      "t" },
    { "<textarea><script>x</script></textarea>t", "t" },
    { "<noscript><img src=x onerror=alert(1)></noscript>t", "t" },
    { "<template><script>x</script></template>t", "t" },
    { "<object data=x><embed src=x>o</object>t", "t" },
    { "<frameset><frame src=x></frameset><applet code=x>ap</applet>t", "t" },
    { "<base href=\"https://evil.example/\">t", "t" },
    { "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">t", "t" },
    { "<link rel=stylesheet href=x>t", "t" },
    { "<title>x</title>t", "t" },
    { "<head><script>x</script></head>t", "t" },
    /* other elements leave their text */
    { "<body onload=alert(1)>t</body>", "t" },
    { "<font color=red>x</font><unknown>y</unknown><center>z</center>", "xyz" },
    /* comments, processing instructions, CDATA */
    { "a<!-- c -->b<?pi x?>c", "abc" },
    { "<![CDATA[<script>x</script>]]>t", "t" },
    /* images */
    { "<img src=x onerror=alert(1)>", "<img src=\"" BASE "x\" loading=\"lazy\">" },
    { "<img src=\"/a.png\" alt=\"a&quot;b\" width=10 height=20 style=x>",
      "<img src=\"https://example.com/a.png\" alt=\"a&quot;b\" width=\"10\" height=\"20\""
      " loading=\"lazy\">" },
    { "<img src=\"javascript:alert(1)\">", "" },
    { "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">", "" },
    { "<img src=\"data:image/png;base64,AAAA\">", "" },
    { "<img>", "" },
    /* links */
    { "<a href=\"https://x.example/\">x</a>", "<a href=\"https://x.example/\"" REL ">x</a>" },
    { "<a href=\"/rel\">r</a>", "<a href=\"https://example.com/rel\"" REL ">r</a>" },
    { "<a href=rel title=hello>r</a>", "<a href=\"" BASE "rel\" title=\"hello\"" REL ">r</a>" },
    { "<a href=\"//cdn.example.org/x\">p</a>",
      "<a href=\"https://cdn.example.org/x\"" REL ">p</a>" },
    { "<a href=\"mailto:a@b.example\">m</a>", "<a href=\"mailto:a@b.example\"" REL ">m</a>" },
    { "<a href=\"HTTPS://x.example/\">h</a>", "<a href=\"HTTPS://x.example/\"" REL ">h</a>" },
    { "<a href=\"  https://x.example/a\n b \">w</a>",
      "<a href=\"https://x.example/a b\"" REL ">w</a>" },
    { "<a href=\"?q=1&amp;b=2\">q</a>", "<a href=\"" BASE "?q=1&amp;b=2\"" REL ">q</a>" },
    { "<a href=\"https://x.example/?a=1&copy=2\">c</a>",
      "<a href=\"https://x.example/?a=1&amp;copy=2\"" REL ">c</a>" },
    { "<a href=\"http://x.example/\" target=_blank rel=opener>t</a>",
      "<a href=\"http://x.example/\"" REL ">t</a>" },
    { "<a href=\"https://ok.example/\" HREF=\"https://second.example/\" onmouseover=x>m</a>",
      "<a href=\"https://ok.example/\"" REL ">m</a>" },
    { "<a href=\"x\" title='a\"><script>alert(1)</script>'>t</a>",
      "<a href=\"" BASE "x\" title=\"a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"" REL
      ">t</a>" },
    { "<a href=\"javascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"JaVaScRiPt:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"&#106;avascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"&#x6A;avascript&#x3A;alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
      "&#0000112&#0000116&#0000058alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"java&#x09;script:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"jav&Tab;ascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"javascript&colon;alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"java\nscript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"  javascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"\x01javascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"java&#0;script:alert(1)\">j</a>", "<a" REL ">j</a>" },
    { "<a href=\"vbscript:msgbox(1)\">v</a>", "<a" REL ">v</a>" },
    { "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">d</a>", "<a" REL ">d</a>" },
    { "<a href=\"file:///etc/passwd\">f</a>", "<a" REL ">f</a>" },
    /* other attributes */
    { "<blockquote cite=\"javascript:x\">q</blockquote><q cite=\"/src\">s</q>",
      "<blockquote>q</blockquote><q cite=\"https://example.com/src\">s</q>" },
    { "<ol start=3 type=a><li>x</ol>", "<ol start=\"3\"><li>x</li></ol>" },
    { "<time datetime=\"2024-01-01\">d</time><abbr title=\"x\">a</abbr>",
      "<time datetime=\"2024-01-01\">d</time><abbr title=\"x\">a</abbr>" },
    { "<table><tr><td colspan=2 bgcolor=red>c</td><th rowspan=\"3\">h</th></tr></table>",
      "<table><tr><td colspan=\"2\">c</td><th rowspan=\"3\">h</th></tr></table>" },
    { "<details open ontoggle=alert(1)><summary>s</summary>d</details>",
      "<details><summary>s</summary>d</details>" },
    { "<DIV STYLE=\"background-image: url(javascript:alert(1))\">s</DIV>", "<div>s</div>" },
    /* broken markup */
    { "<b><i>x", "<b><i>x</i></b>" },
    { "<p>a<p>b", "<p>a</p><p>b</p>" },
    { "</p>stray</b>", "stray" },
    { "x</div>y<p>z", "xy<p>z</p>" },
    { "<img \"\"\"><script>alert(1)</script>\">", "&quot;&gt;" },
    /* references: HTML5 names libxml2 does not know, windows-1252 */
    { "x &nbsp; &hellip; &bigstar; &#150;",
      "x \xc2\xa0 \xe2\x80\xa6 \xe2\x98\x85 \xe2\x80\x93" },
    { "&LT;script&GT;", "&lt;script&gt;" },
    { "bad \xff\xfe utf8 \xe2\x82", "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd" },
};

static void
test_sanitize_exact(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(san_cases); i++) {
        char *got = html_sanitize(san_cases[i].in, strlen(san_cases[i].in), BASE);

        if (strcmp(got, san_cases[i].out) != 0)
            print_error("case %zu: %s\n", i, san_cases[i].in);
        assert_string_equal(got, san_cases[i].out);
        check_markup(got, 1);
        free(got);
    }
}

/* Tokenizer edge cases; S() keeps NUL bytes inside a case. */
#define S(x) x, sizeof(x) - 1
#define IMG(u) "<img src=\"" u "\" loading=\"lazy\">"

static const struct {
    const char *in;
    size_t len;
    const char *out;
} tok_cases[] = {
    /* unquoted values end at whitespace or '>', and may hold '/' */
    { S("<a href=x>y>z</a>"), "<a href=\"" BASE "x\"" REL ">y&gt;z</a>" },
    { S("<a href=javascript:alert(1)>x</a>"), "<a" REL ">x</a>" },
    { S("<a href=&#x6A;avascript:alert(1)>x</a>"), "<a" REL ">x</a>" },
    { S("<img/src=x/onerror=alert(1)>"), IMG(BASE "x/onerror=alert(1)") },
    { S("<img src=x alt=a/>"), "<img src=\"" BASE "x\" alt=\"a/\" loading=\"lazy\">" },
    /* '/' between attributes, tabs and newlines as separators */
    { S("<a/href=\"javascript:alert(1)\">x</a>"), "<a" REL ">x</a>" },
    { S("<a/href=\"/ok\"/title=t>x</a>"),
      "<a href=\"https://example.com/ok\" title=\"t\"" REL ">x</a>" },
    { S("<A\tHREF=/x\nTiTlE = 't'\r>y</A>"),
      "<a href=\"https://example.com/x\" title=\"t\"" REL ">y</a>" },
    /* a vertical tab is no whitespace: "div\vclass=x" is one unknown name */
    { S("<div\vclass=x>y</div>"), "y" },
    /* script look-alikes */
    { S("<scr<script>ipt>x</scr</script>ipt>"), "ipt&gt;xipt&gt;" },
    { S("a<SCRIPT SRC=//x>b"), "a" },
    { S("a<script>x</script >b"), "ab" },
    { S("a<script>x</SCRIPT\t\n>b"), "ab" },
    { S("a<script>x</script foo=\"</script>\">b"), "ab" },
    { S("a<script>x</script/>b"), "ab" },
    { S("a<script>x</scriptx>y</ script>z</Script>b"), "ab" },
    { S("a<script/>x</script>b"), "ab" },
    { S("<scr\0ipt>x</script>y"), "xy" },
    /* raw text inside raw text ends at the outer end tag only */
    { S("<style><script></style>x</script>y"), "xy" },
    { S("<textarea><title></textarea>t</title>u"), "tu" },
    { S("<iframe><script></iframe>x"), "x" },
    { S("<noscript><style></noscript>x"), "x" },
    { S("<xmp><b>x</xmp>y"), "y" },
    { S("a<plaintext></plaintext><b>x</b>"), "a" },
    /* svg and math content is not HTML: no raw text, "/>" closes */
    { S("<svg><style></svg>x</style>y"), "xy" },
    { S("<svg/>x<math><mi>m</mi></math>y"), "xy" },
    { S("<svg><svg></svg>x</svg>y"), "y" },
    { S("<div><form>x</div>y"), "<div></div>y" },
    { S("<div><template><div>a</div>b</template>c</div>"), "<div>c</div>" },
    { S("<head><title>t</title><meta charset=utf-8><body>b"), "b" },
    /* comments, processing instructions, CDATA, doctype */
    { S("<!-->x"), "x" },
    { S("<!--->x"), "x" },
    { S("a<!---->b<!-- -- -->c<!-- x --!>d"), "abcd" },
    { S("a<!-- <script> -->b"), "ab" },
    { S("a<!--b"), "a" },
    { S("<?php echo '<b>'; ?>x"), "&#39;; ?&gt;x" },
    { S("<![CDATA[<script>]]>x"), "x" },
    { S("a<![CDATA[<b>"), "a" },
    { S("<!DOCTYPE html><!doctype x>a"), "a" },
    { S("a</>b</ x>c</3>d"), "abcd" },
    /* weird attribute names; the first of each kind wins */
    { S("<a \"href\"=\"javascript:x\" 'title'=t href=/ok>x</a>"),
      "<a href=\"https://example.com/ok\"" REL ">x</a>" },
    { S("<a =href=/x>y</a>"), "<a" REL ">y</a>" },
    { S("<a href<x=/y>z</a>"), "<a" REL ">z</a>" },
    { S("<a href\0=/y>z</a>"), "<a" REL ">z</a>" },
    { S("<a href=\"javascript:x\" href=\"/ok\">y</a>"), "<a" REL ">y</a>" },
    { S("<img src=/a.png SRC=/b.png alt=1 ALT=2>"),
      "<img src=\"https://example.com/a.png\" alt=\"1\" loading=\"lazy\">" },
    { S("<a href=\"/x\"title=t>y</a>"),
      "<a href=\"https://example.com/x\" title=\"t\"" REL ">y</a>" },
    /* unclosed quotes and tags cut by the end of input */
    { S("x<a title=\"y>z"), "x" },
    { S("<a href='/ok>y</a> tail"), "" },
    { S("x<"), "x&lt;" },
    { S("x</"), "x&lt;/" },
    { S("a <b"), "a " },
    { S("a<b c=d"), "a" },
    /* URL tricks */
    { S("<img src=\"java\tscript:alert(1)\">"), "" },
    { S("<a href=\"ja&#10;va&#13;script&#9;:alert(1)\">x</a>"), "<a" REL ">x</a>" },
    { S("<a href=\"java\0script:alert(1)\">x</a>"), "<a" REL ">x</a>" },
    { S("<a href=\"&#x2F;&#x2F;evil.example\">x</a>"),
      "<a href=\"https://evil.example\"" REL ">x</a>" },
    { S("<a href=\"\">x</a><img src=\" \">"), "<a" REL ">x</a>" },
    { S("<a href=\"\x7f \">x</a><a href=\"\x7f /y\">y</a>"),
      "<a" REL ">x</a><a href=\"https://example.com/y\"" REL ">y</a>" },
    /* tree rules */
    { S("</br>x<br/>y<hr/>"), "<br>x<br>y<hr>" },
    { S("<p/>x<div/>y"), "<p>x</p><div>y</div>" },
    { S("<h1>a<h2>b"), "<h1>a</h1><h2>b</h2>" },
    { S("<ul><li>a<li>b<ul><li>c</ul>d</ul>"),
      "<ul><li>a</li><li>b<ul><li>c</li></ul>d</li></ul>" },
    { S("<dl><dt>a<dd>b<dt>c</dl>"), "<dl><dt>a</dt><dd>b</dd><dt>c</dt></dl>" },
    { S("<table><tr><td>a<td>b<tr><td>c</table>"),
      "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>" },
    { S("<b><table><td>x</b>y</table>z"), "<b><table><td>xy</td></table>z</b>" },
    { S("<td>a<tr>b<caption>c</td>d"), "abcd" },
    { S("<table><tr><td>a<table><tr><td>b</table>c</table>"),
      "<table><tr><td>a<table><tr><td>b</td></tr></table>c</td></tr></table>" },
    { S("<table><table>x</table>"), "<table></table><table>x</table>" },
    { S("<table><li><p><tr><li>x</table>"),
      "<table><li><p></p></li><li>x</li></table>" },
    { S("<a href=/1>1<a href=/2>2"),
      "<a href=\"https://example.com/1\"" REL ">1</a>"
      "<a href=\"https://example.com/2\"" REL ">2</a>" },
    /* controls and broken UTF-8, in text and in attribute values */
    { S("a\x01" "b&#1;c&#x7;d\x7f"), "abcd\x7f" },
    { S("<img src=x alt=\"\xff&#0;\x02\">"),
      "<img src=\"" BASE "x\" alt=\"\xef\xbf\xbd\xef\xbf\xbd\" loading=\"lazy\">" },
    { S("<b title=x>\xc3\xa9\xc3</b>"), "<b>\xc3\xa9\xef\xbf\xbd</b>" },
};

static void
test_sanitize_tokenizer(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(tok_cases); i++) {
        char *got = html_sanitize(tok_cases[i].in, tok_cases[i].len, BASE);

        if (strcmp(got, tok_cases[i].out) != 0)
            print_error("case %zu: %s\n", i, tok_cases[i].in);
        assert_string_equal(got, tok_cases[i].out);
        check_markup(got, 1);
        free(got);
    }
}

/* The sanitizer's own output comes back unchanged. */
static void
test_sanitize_stable(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(san_cases) + LEN(tok_cases); i++) {
        const char *in = i < LEN(san_cases) ? san_cases[i].out : tok_cases[i - LEN(san_cases)].out;
        char *got = html_sanitize(in, strlen(in), BASE);

        if (strcmp(got, in) != 0)
            print_error("case %zu: %s\n", i, in);
        assert_string_equal(got, in);
        free(got);
    }
}

/* A base URL from a feed is written out too, so it is cleaned first. */
static void
test_sanitize_base(void **state)
{
    char *got, *base;

    (void)state;
    got = html_sanitize("<a href=x>y</a>", 15, "https://b.example/\xff\x01" "d\"/");
    assert_string_equal(got, "<a href=\"https://b.example/%FFd&quot;/x\"" REL ">y</a>");
    free(got);
    /* A base past 64 KiB resolves nothing: relative URLs are dropped. */
    base = malloc(70000);
    assert_non_null(base);
    memcpy(base, "https://b.example/", 18);
    memset(base + 18, 'a', 70000 - 19);
    base[70000 - 1] = '\0';
    {
        const char *in = "<a href=x>y</a><a href=\"https://c.example/\">z</a>";

        got = html_sanitize(in, strlen(in), base);
    }
    assert_string_equal(got, "<a" REL ">y</a><a href=\"https://c.example/\"" REL ">z</a>");
    free(got);
    free(base);
}

static size_t
count(const char *s, const char *needle)
{
    size_t c = 0;

    while ((s = strstr(s, needle)) != NULL) {
        c++;
        s++;
    }
    return c;
}

/* Long values, deep nesting and floods of tags that make the rules work. */
static void
test_sanitize_stress(void **state)
{
    size_t n = (size_t)1 << 20, k;
    char *in = malloc(12 * n + 64), *got;

    (void)state;
    assert_non_null(in);

    /* A 1 MiB attribute value is kept whole, escaped. */
    k = (size_t)sprintf(in, "<a title='");
    memset(in + k, '"', n);
    k += n;
    k += (size_t)sprintf(in + k, "'>x</a>");
    got = html_sanitize(in, k, BASE);
    assert_int_equal(strlen(got), 6 * n + strlen("<a title=\"\"" REL ">x</a>"));
    check_markup(got, 1);
    free(got);

    /* So is a 1 MiB URL. */
    k = (size_t)sprintf(in, "<a href=\"https://x.example/");
    memset(in + k, 'a', n);
    k += n;
    k += (size_t)sprintf(in + k, "\">x</a>");
    got = html_sanitize(in, k, BASE);
    assert_int_equal(strlen(got), k + strlen(REL));
    free(got);

    /* 300 nested divs: the deepest 44 start tags are dropped, their ends too. */
    k = 0;
    for (int i = 0; i < 300; i++)
        k += (size_t)sprintf(in + k, "<div>");
    k += (size_t)sprintf(in + k, "x");
    for (int i = 0; i < 300; i++)
        k += (size_t)sprintf(in + k, "</div>");
    k += (size_t)sprintf(in + k, "y");
    got = html_sanitize(in, k, BASE);
    assert_int_equal(count(got, "<div>"), 256);
    assert_int_equal(count(got, "</div>"), 256);
    assert_non_null(strstr(got, "<div>x</div>"));
    assert_string_equal(got + strlen(got) - 7, "</div>y");
    free(got);

    /* 100k nested inline elements, and 100k of each implied-close shape. */
    {
        static const char *const unit[] = { "<b>", "<p>", "<li>", "<td>", "<a>", "</i>" };

        for (size_t u = 0; u < LEN(unit); u++) {
            size_t ul = strlen(unit[u]);

            k = 0;
            k += (size_t)sprintf(in, "<table><td>");
            for (int i = 0; i < 100000; i++, k += ul)
                memcpy(in + k, unit[u], ul);
            k += (size_t)sprintf(in + k, "x");
            got = html_sanitize(in, k, BASE);
            assert_non_null(strchr(got, 'x'));
            check_markup(got, 1);
            free(got);
        }
    }
    free(in);
}

/* Vectors checked for what must not come out, whatever else does. */
static const char *const xss_cases[] = {
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">x</a>",
    "<a href=\"javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"&#x20;javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><maction xlink:href=\"javascript:alert(1)\">x</maction></math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<link rel=import href=\"https://evil.example/\">",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<a href=\"x\" onmouseover=\"alert(1)\">x</a>",
    "<p onclick=alert(1)>x</p>",
    "<b <script>alert(1)//<</b>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<a href=\"java&#0;script:alert(1)\">x</a>",
    "<a href=\"\xef\xbc\x8ajavascript:alert(1)\">x</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><img src=x onerror=alert(1)></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "<title></title><script>alert(1)</script>",
    "<xmp><script>alert(1)</script></xmp>",
    "<a href=javascript:alert(1)>x</a>",
    "<table background=\"javascript:alert(1)\"><td>x</td></table>",
    "<img src=\"x\" srcset=\"javascript:alert(1) 1x\">",
};

static void
test_sanitize_xss(void **state)
{
    static const char *const bad[] = {
        "<script", "<svg", "<math", "<iframe", "<object", "<embed", "<form", "<input",
        "<button", "<style", "<link", "<base", "<meta", "<body", "<xmp", "javascript:",
        "vbscript:", "data:", "onerror", "onload", "onclick", "onmouseover", "ontoggle",
        "onfocus", "style=", "srcset", "formaction", "xlink", "background",
    };

    (void)state;
    for (size_t i = 0; i < LEN(xss_cases); i++) {
        for (int b = 0; b < 2; b++) {
            char *got = html_sanitize(xss_cases[i], strlen(xss_cases[i]), b ? BASE : NULL);

            for (size_t j = 0; j < LEN(bad); j++) {
                if (contains_ci(got, bad[j])) {
                    print_error("case %zu: %s -> %s\n", i, xss_cases[i], got);
                    fail_msg("found %s", bad[j]);
                }
            }
            check_markup(got, b);
            free(got);
        }
    }
}

static void
test_sanitize_no_base(void **state)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        { "<a href=\"/rel\">r</a>", "<a href=\"/rel\"" REL ">r</a>" },
        { "<img src=\"a.png\">", "<img src=\"a.png\" loading=\"lazy\">" },
        { "<a href=\"javascript:alert(1)\">j</a>", "<a" REL ">j</a>" },
        { "<a href=\"https://x.example/\">x</a>", "<a href=\"https://x.example/\"" REL ">x</a>" },
    };

    (void)state;
    for (size_t i = 0; i < LEN(cases); i++) {
        char *got = html_sanitize(cases[i].in, strlen(cases[i].in), NULL);

        assert_string_equal(got, cases[i].out);
        free(got);
        got = html_sanitize(cases[i].in, strlen(cases[i].in), "");
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

static void
test_sanitize_limits(void **state)
{
    size_t n = (size_t)5 << 20, depth = 100000;
    char *in = malloc(n), *got;

    (void)state;
    assert_non_null(in);

    /* Bigger than 4 MiB: cut, and the cut does not split a character. */
    memcpy(in, "<p>", 3);
    for (size_t i = 3; i + 1 < n; i += 2)
        memcpy(in + i, "\xc3\xa9", 2);
    got = html_sanitize(in, n, BASE);
    assert_true(strlen(got) <= HTML_SANITIZE_MAX_IN + 8);
    assert_true(strlen(got) > HTML_SANITIZE_MAX_IN - 16);
    assert_null(strstr(got, "\xef\xbf\xbd"));
    free(got);

    /*
     * Deep nesting: no recursion to overflow, output still balanced.
     * libxml2 gives up below 256 levels, so only shallower text survives.
     */
    for (size_t i = 0; i < depth; i++)
        memcpy(in + 5 * i, "<div>", 5);
    for (int k = 0; k < 2; k++) {
        size_t d = k == 0 ? 200 : depth, open = 0, close = 0;

        in[5 * d] = 'x';
        got = html_sanitize(in, 5 * d + 1, BASE);
        for (const char *p = got; (p = strstr(p, "<div>")) != NULL; p++)
            open++;
        for (const char *p = got; (p = strstr(p, "</div>")) != NULL; p++)
            close++;
        assert_int_equal(open, close);
        if (k == 0) {
            assert_non_null(strchr(got, 'x'));
            assert_memory_equal(strchr(got, 'x'), "x</div>", 7);
        }
        check_markup(got, 1);
        free(got);
        memcpy(in + 5 * d, "<div>", 5);
    }
    in[5 * depth] = 'x';

    /* NUL bytes inside the input are dropped, not a place to stop. */
    got = html_sanitize("<b>a\0b</b>c", 11, BASE);
    assert_string_equal(got, "<b>ab</b>c");
    free(got);

    /* html_to_text copes with the same hostile shapes. */
    got = html_to_text(in, 5 * depth + 1, 1);
    assert_string_equal(got, "x");
    free(got);
    free(in);
}

/* html_tag_span: summary's stripper for tags left in plain text. */
static void
test_tag_span(void **state)
{
    static const struct {
        const char *s;
        size_t want;
        int block;
    } cases[] = {
        { "<p>x", 3, 1 },          { "</P>x", 4, 1 },         { "<br/>", 5, 1 },
        { "<b>bold</b>", 3, 0 },   { "<!-- c -->x", 10, 0 },  { "<?xml?>", 7, 0 },
        { "<a href=x>", 10, 0 },   { "<h2 id=\"t\">", 11, 1 }, { "< p>", 0, 0 },
        { "<3 and >", 0, 0 },      { "<a <b>", 0, 0 },        { "<p", 0, 0 },
        { "</>", 0, 0 },           { "<blockquote>", 12, 1 }, { "<pre>", 5, 0 },
    };
    char big[1100];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int block = -1;
        size_t got = html_tag_span(cases[i].s, strlen(cases[i].s), &block);
        if (got != cases[i].want)
            fail_msg("html_tag_span(\"%s\") = %zu, want %zu", cases[i].s, got, cases[i].want);
        if (got > 0)
            assert_int_equal(block, cases[i].block);
    }
    /* no '>' within 1,024 bytes: not a tag */
    memset(big, 'a', sizeof(big));
    big[0] = '<';
    big[sizeof(big) - 1] = '>';
    assert_int_equal(html_tag_span(big, sizeof(big), &(int){ 0 }), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entity_lookup),
        cmocka_unit_test(test_decode_ref),
        cmocka_unit_test(test_decode_entities),
        cmocka_unit_test(test_to_text),
        cmocka_unit_test(test_looks_like_html),
        cmocka_unit_test(test_sanitize_exact),
        cmocka_unit_test(test_sanitize_xss),
        cmocka_unit_test(test_sanitize_no_base),
        cmocka_unit_test(test_sanitize_limits),
        cmocka_unit_test(test_sanitize_tokenizer),
        cmocka_unit_test(test_sanitize_stable),
        cmocka_unit_test(test_sanitize_base),
        cmocka_unit_test(test_sanitize_stress),
        cmocka_unit_test(test_tag_span),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
