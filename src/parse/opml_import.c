/*
 * opml_import.c - what importing a subscription list into a configuration
 * comes to, outline by outline (see opml.h).
 *
 * Every outline is checked against the sources already configured and
 * against the outlines taken before it, and against everything the
 * configuration loader will check when it reads the result back: a URL it
 * refuses, a line longer than it reads, a value it would cut at an inline
 * comment, a slug another source has. What can be repaired without
 * changing what the feed is (a title too long, control characters in it,
 * a bad site URL) is repaired with a note; what cannot is rejected with
 * the reason.
 */
#include "parse/opml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/url.h"
#include "base/xalloc.h"

/* The keys the import writes, and so the room each value has on its line. */
#define KEY_NAME "name = "
#define KEY_FEED "feed = "
#define KEY_SITE "site = "
#define VALUE_MAX(key) (CONFIG_LINE_MAX - (sizeof(key) - 1))

/* The imported source's slug is the title's, at most this long before a
 * "-N" that makes it unique (so it stays within CONFIG_SLUG_MAX). */
#define SLUG_BASE_MAX 48

/* Bytes of the UTF-8 sequence led by ch (the input is valid UTF-8: libxml2
 * made it). */
static size_t
utf8_seq_len(unsigned char ch)
{
    return ch < 0xC0 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
}

/* A C1 control character (U+0080..U+009F) starts at p. */
static int
is_c1(const unsigned char *p)
{
    return p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F; /* p[1] is at worst the NUL */
}

/* What clean_title() changed, for the note. */
enum {
    CLEAN_CONTROL = 1,  /* control characters became spaces */
    CLEAN_COMMENT = 2,  /* a ';' that would start a comment lost its space, or went */
    CLEAN_CUT = 4,      /* longer than a line holds */
};

/*
 * The title as one configuration value: control characters (a carriage
 * return, a tab, ESC...) become spaces, runs of spaces one, none at either
 * end; no ';' after a space (the loader would read a comment from there)
 * and none first; at most max bytes, cut at a character with "…". *what
 * gets the CLEAN_* bits of what changed.
 */
static char *
clean_title(const char *title, size_t max, int *what)
{
    const unsigned char *p = (const unsigned char *)title;
    size_t o = 0;
    char *out = xmalloc(strlen(title) + 1);

    *what = 0;
    while (*p) {
        size_t k = strnlen((const char *)p, utf8_seq_len(*p));
        int control = *p < 0x20 || *p == 0x7F || is_c1(p);

        if (control || *p == ' ') {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            *what |= control ? CLEAN_CONTROL : 0;
            p += is_c1(p) ? 2 : 1;
            continue;
        }
        if (*p == ';' && (o == 0 || out[o - 1] == ' ')) {
            *what |= CLEAN_COMMENT;
            while (o > 0 && out[o - 1] == ' ')
                o--;
            if (o == 0) {
                p++;
                continue;
            }
        }
        memcpy(out + o, p, k);
        o += k;
        p += k;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    if (o > max) {
        static const char ellipsis[] = "\xE2\x80\xA6";
        size_t cut = max - (sizeof(ellipsis) - 1);

        while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
            cut--;
        while (cut > 0 && out[cut - 1] == ' ')
            cut--;
        memcpy(out + cut, ellipsis, sizeof(ellipsis));
        o = cut + sizeof(ellipsis) - 1;
        *what |= CLEAN_CUT;
    }
    out[o] = '\0';
    return out;
}

/* Why url cannot be a feed or site URL of an imported source (in buf,
 * or a constant), or NULL. */
static const char *
url_refused(const char *url, size_t max, char *buf, size_t buflen)
{
    if (strncasecmp(url, "file:", 5) == 0)
        return "a file: URL (a local source is added by hand, with local = yes)";
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return "not an http:// or https:// URL";
    for (const unsigned char *q = (const unsigned char *)url; *q; q++)
        if (*q <= ' ' || *q == 0x7F)
            return "the URL holds a space or a control character";
    if (strlen(url) > max) {
        snprintf(buf, buflen, "the URL is longer than %zu bytes (what a configuration line "
                 "holds)", max);
        return buf;
    }
    return NULL;
}

/* The source's feed URL in the configuration or among the outlines taken:
 * a note saying where, else 0. */
static int
find_duplicate(const struct config *c, const struct opml_import *v, size_t n, const char *feed,
               char *note, size_t notelen)
{
    for (size_t i = 0; i < c->nsources; i++) {
        if (strcmp(c->sources[i].feed_url, feed) == 0) {
            snprintf(note, notelen, "already configured as \"%s\"", c->sources[i].slug);
            return 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].verdict == OPML_ADD && strcmp(v[i].feed, feed) == 0) {
            snprintf(note, notelen, "the same feed as outline %zu (\"%s\")", i + 1, v[i].slug);
            return 1;
        }
    }
    return 0;
}

static int
slug_taken(const struct config *c, const struct opml_import *v, size_t n, const char *slug)
{
    if (config_find(c, slug) != NULL)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (v[i].verdict == OPML_ADD && strcmp(v[i].slug, slug) == 0)
            return 1;
    return 0;
}

/* A slug from the title, else the feed's host, else "feed", made unique
 * with "-2", "-3"... against the configuration and the outlines taken. */
static char *
unique_slug(const struct config *c, const struct opml_import *v, size_t n, const char *name,
            const char *feed)
{
    char host[256], *base = url_slugify(name, SLUG_BASE_MAX), *slug;

    if (*base == '\0' && url_host(feed, host, sizeof(host)) == ALM_OK) {
        free(base);
        base = url_slugify(host, SLUG_BASE_MAX);
    }
    if (*base == '\0') {
        free(base);
        base = xstrdup("feed");
    }
    slug = xstrdup(base);
    for (size_t k = 2; slug_taken(c, v, n, slug); k++) {
        size_t len = strlen(base) + 24;

        free(slug);
        slug = xmalloc(len);
        snprintf(slug, len, "%s-%zu", base, k);
    }
    free(base);
    return slug;
}

/* Adds a note to what is already said about an outline. */
static void
add_note(struct opml_import *im, const char *note)
{
    size_t used = strlen(im->note);

    snprintf(im->note + used, sizeof(im->note) - used, "%s%s", used ? "; " : "", note);
}

/* The title as the source's name, with a note of each repair. */
static void
take_title(struct opml_import *im, const struct opml_outline *o)
{
    int cleaned;

    im->name = clean_title(o->title, VALUE_MAX(KEY_NAME), &cleaned);
    if (cleaned & CLEAN_CONTROL)
        add_note(im, "control characters in the title made spaces");
    if (cleaned & CLEAN_COMMENT)
        add_note(im, "no space before ';' in the title (it would start a comment)");
    if (cleaned & CLEAN_CUT)
        add_note(im, "title cut to fit on a configuration line");
}

/* The site URL, when there is one the loader takes; else a note. */
static void
take_site(struct opml_import *im, const struct opml_outline *o)
{
    char buf[160], note[200];
    const char *why;

    if (o->html_url == NULL)
        return;
    why = url_refused(o->html_url, VALUE_MAX(KEY_SITE), buf, sizeof(buf));
    if (why == NULL) {
        im->site = o->html_url;
        return;
    }
    snprintf(note, sizeof(note), "site URL left out: %s", why);
    add_note(im, note);
}

/* The loader's own checks of one source, so that nothing it refuses is
 * written; the reason in note when it would refuse. */
static int
loader_accepts(struct opml_import *im)
{
    struct source s;
    char why[160];

    memset(&s, 0, sizeof(s));
    s.slug = im->slug;
    s.name = im->name;
    s.feed_url = (char *)im->feed;
    s.site_url = (char *)im->site;
    s.tier = 3;
    s.kind = (char *)"community";
    if (config_source_validate(&s, why, sizeof(why)) == ALM_OK)
        return 1;
    im->note[0] = '\0';
    add_note(im, why);
    return 0;
}

/* Decides one outline, given the decisions before it. */
static void
plan_one(const struct config *c, const struct opml_outline *o, struct opml_import *v, size_t i)
{
    struct opml_import *im = &v[i];
    const char *why;
    char buf[160];

    memset(im, 0, sizeof(*im));
    im->feed = o->xml_url;
    im->verdict = OPML_REJECT;
    why = o->url_too_long ? "the URL is longer than 8192 bytes"
                          : url_refused(o->xml_url, VALUE_MAX(KEY_FEED), buf, sizeof(buf));
    if (why != NULL) {
        add_note(im, why);
        return;
    }
    if (find_duplicate(c, v, i, o->xml_url, im->note, sizeof(im->note))) {
        im->verdict = OPML_DUPLICATE;
        return;
    }
    take_title(im, o);
    take_site(im, o);
    im->slug = unique_slug(c, v, i, im->name, o->xml_url);
    if (*im->name == '\0') {
        free(im->name);
        im->name = xstrdup(im->slug);
    }
    if (loader_accepts(im))
        im->verdict = OPML_ADD;
}

int
opml_plan_import(const struct config *c, const struct opml_outline *o, size_t n,
                 struct opml_import **out)
{
    struct opml_import *v;

    if (c == NULL || out == NULL || (o == NULL && n > 0))
        return ALM_EINVAL;
    v = xcalloc(n ? n : 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        plan_one(c, &o[i], v, i);
    *out = v;
    return ALM_OK;
}

void
opml_import_free(struct opml_import *v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].slug);
        free(v[i].name);
    }
    free(v);
}

int
opml_import_render(const struct opml_import *v, size_t n, struct buf *out)
{
    int rc = ALM_OK;

    for (size_t i = 0; i < n && rc == ALM_OK; i++) {
        if (v[i].verdict != OPML_ADD)
            continue;
        rc = buf_printf(out, "\n[source \"%s\"]\n" KEY_NAME "%s\n" KEY_FEED "%s\n", v[i].slug,
                        v[i].name, v[i].feed);
        if (rc == ALM_OK && v[i].site != NULL)
            rc = buf_printf(out, KEY_SITE "%s\n", v[i].site);
        if (rc == ALM_OK)
            rc = buf_puts(out, "tier = 3\nkind = community\n");
    }
    return rc;
}
