/*
 * meta.c - what a page says about its article: <title>, Open Graph and
 * Twitter card tags, article:* and Dublin Core meta, itemprop microdata,
 * <link rel=canonical>, <html lang>, <time datetime>, and JSON-LD
 * (schema.org Article and its kinds, also inside @graph). Each field takes
 * the first source that has it, in the order its setter lists.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/calendar.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "extract/extract_internal.h"

#define JSONLD_MAX ((size_t)1 << 20) /* one script's text */
#define JSONLD_SCRIPTS 16

const char *
node_attr(const GumboNode *n, const char *name)
{
    const GumboAttribute *a;

    if (n->type != GUMBO_NODE_ELEMENT)
        return NULL;
    a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

static void
text_rec(const GumboNode *n, struct buf *b, int *space, int depth)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        for (const char *p = n->v.text.text; *p; p++) {
            if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
                *space = 1;
                continue;
            }
            if (*space && b->len)
                buf_putc(b, ' ');
            *space = 0;
            if (buf_putc(b, *p) != ALM_OK)
                return;
        }
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || depth > EXTRACT_MAX_DEPTH)
        return;
    if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE)
        return;
    for (unsigned i = 0; i < n->v.element.children.length; i++)
        text_rec(n->v.element.children.data[i], b, space, depth + 1);
}

char *
node_text(const GumboNode *n, size_t max)
{
    struct buf b = BUF_INIT(max);
    int space = 0;

    text_rec(n, &b, &space, 0);
    return b.data ? buf_take(&b) : xstrdup("");
}

/* ---- dates ---- */

static int
digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int
extract_date(const char *s, char out[21])
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    int64_t t, days;

    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return ALM_EINVAL;
    if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > calendar_month_days(y, mo))
        return ALM_EINVAL;
    s += 10;
    if (*s == 'T' || *s == 't' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
        if (!digits(s + 1, 2, &h) || s[3] != ':' || !digits(s + 4, 2, &mi))
            return ALM_EINVAL;
        s += 6;
        if (*s == ':') {
            if (!digits(s + 1, 2, &sec))
                return ALM_EINVAL;
            s += 3;
            if (*s == '.' || *s == ',') {
                s++;
                while (*s >= '0' && *s <= '9')
                    s++;
            }
        }
        if (h > 24 || mi > 59 || sec > 60)
            return ALM_EINVAL;
        while (*s == ' ')
            s++;
        if (*s == '+' || *s == '-') {
            int oh, om = 0, sign = *s == '-' ? -1 : 1;

            if (!digits(s + 1, 2, &oh))
                return ALM_EINVAL;
            s += 3;
            if (*s == ':')
                s++;
            if (digits(s, 2, &om))
                s += 2;
            if (oh > 23 || om > 59)
                return ALM_EINVAL;
            off = sign * (oh * 3600 + om * 60);
        } else if (*s == 'Z' || *s == 'z') {
            s++;
        }
    }
    days = calendar_days_from_civil(y, mo, d);
    t = days * 86400 + h * 3600 + mi * 60 + (sec > 59 ? 59 : sec) - off;
    days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    t -= days * 86400;
    {
        int64_t yy;
        int mm, dd;

        calendar_civil_from_days(days, &yy, &mm, &dd);
        if (yy < 1000 || yy > 9999)
            return ALM_EINVAL;
        int v[6] = { (int)yy, mm, dd, (int)(t / 3600), (int)(t / 60 % 60), (int)(t % 60) };
        static const char sep[6] = { '-', '-', 'T', ':', ':', 'Z' };
        char *o = out;

        /* written by hand: every field is in range, and the compiler cannot know it */
        for (int i = 0; i < 6; i++) {
            int w = i == 0 ? 4 : 2;
            for (int k = w - 1; k >= 0; k--) {
                o[k] = (char)('0' + v[i] % 10);
                v[i] /= 10;
            }
            o += w;
            *o++ = sep[i];
        }
        *o = '\0';
    }
    return ALM_OK;
}

/* ---- fields ---- */

/* Sets *field to a trimmed, whitespace-collapsed copy of v when unset and v has text. */
static void
set(char **field, const char *v)
{
    struct buf b = BUF_INIT((size_t)1 << 16);
    int space = 0;

    if (*field || v == NULL)
        return;
    for (const char *p = v; *p; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
            space = 1;
            continue;
        }
        if (space && b.len)
            buf_putc(&b, ' ');
        space = 0;
        if (buf_putc(&b, *p) != ALM_OK)
            break;
    }
    if (b.len)
        *field = buf_take(&b);
    buf_fini(&b);
}

static void
set_date(char **field, const char *v)
{
    char d[21];

    if (*field == NULL && v && extract_date(v, d) == ALM_OK)
        *field = xstrdup(d);
}

/* Values collected in one walk, in priority slots, resolved at the end. */
enum {
    M_OG_TITLE, M_TW_TITLE, M_PARSELY_TITLE, M_TITLE, M_HEADLINE_PROP,
    M_AUTHOR, M_ARTICLE_AUTHOR, M_PARSELY_AUTHOR, M_DC_CREATOR, M_REL_AUTHOR, M_BYLINE_CLASS,
    M_PUB_META, M_PUB_PROP, M_PUB_OTHER, M_TIME,
    M_OG_IMAGE, M_TW_IMAGE, M_IMAGE_PROP,
    M_CANONICAL, M_OG_URL, M_LANG, M_CONTENT_LANG, M_OG_LOCALE, M_BASE,
    M_N
};

struct walk {
    const char *v[M_N];  /* borrowed from the tree */
    char *owned[M_N];    /* text collected from elements */
    const GumboNode *ld[JSONLD_SCRIPTS];
    int nld;
};

static void
slot(struct walk *w, int k, const char *v)
{
    if (w->v[k] == NULL && w->owned[k] == NULL && v && *v)
        w->v[k] = v;
}

static void
slot_text(struct walk *w, int k, const GumboNode *n, size_t max)
{
    char *t;

    if (w->v[k] || w->owned[k])
        return;
    t = node_text(n, 4096);
    if (*t && strlen(t) <= max)
        w->owned[k] = t;
    else
        free(t);
}

static const char *
get(const struct walk *w, int k)
{
    return w->owned[k] ? w->owned[k] : w->v[k];
}

static int
has_word(const char *list, const char *word)
{
    size_t m = strlen(word);

    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (strncasecmp(p, word, m) == 0 && (p[m] == '\0' || p[m] == ' ' || p[m] == '\t' ||
                                               p[m] == '\n'))
            return 1;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
    }
    return 0;
}

static void
on_meta(struct walk *w, const GumboNode *n)
{
    const char *key = node_attr(n, "property"), *c = node_attr(n, "content");

    if (key == NULL)
        key = node_attr(n, "name");
    if (key == NULL)
        key = node_attr(n, "itemprop");
    if (key == NULL) {
        const char *he = node_attr(n, "http-equiv");
        if (he && strcasecmp(he, "content-language") == 0)
            slot(w, M_CONTENT_LANG, c);
        return;
    }
    if (c == NULL)
        c = node_attr(n, "datetime");
    if (strcasecmp(key, "og:title") == 0)
        slot(w, M_OG_TITLE, c);
    else if (strcasecmp(key, "twitter:title") == 0)
        slot(w, M_TW_TITLE, c);
    else if (strcasecmp(key, "parsely-title") == 0)
        slot(w, M_PARSELY_TITLE, c);
    else if (strcasecmp(key, "headline") == 0)
        slot(w, M_HEADLINE_PROP, c);
    else if (strcasecmp(key, "author") == 0)
        slot(w, M_AUTHOR, c);
    else if (strcasecmp(key, "article:author") == 0 || strcasecmp(key, "og:article:author") == 0)
        slot(w, M_ARTICLE_AUTHOR, c);
    else if (strcasecmp(key, "parsely-author") == 0 || strcasecmp(key, "sailthru.author") == 0)
        slot(w, M_PARSELY_AUTHOR, c);
    else if (strcasecmp(key, "dc.creator") == 0 || strcasecmp(key, "dcterms.creator") == 0)
        slot(w, M_DC_CREATOR, c);
    else if (strcasecmp(key, "article:published_time") == 0 ||
             strcasecmp(key, "og:published_time") == 0 ||
             strcasecmp(key, "og:article:published_time") == 0)
        slot(w, M_PUB_META, c);
    else if (strcasecmp(key, "datePublished") == 0)
        slot(w, M_PUB_PROP, c);
    else if (strcasecmp(key, "pubdate") == 0 || strcasecmp(key, "publishdate") == 0 ||
             strcasecmp(key, "publish-date") == 0 || strcasecmp(key, "date") == 0 ||
             strcasecmp(key, "dc.date") == 0 || strcasecmp(key, "dc.date.issued") == 0 ||
             strcasecmp(key, "dcterms.date") == 0 || strcasecmp(key, "dcterms.created") == 0 ||
             strcasecmp(key, "sailthru.date") == 0 || strcasecmp(key, "parsely-pub-date") == 0 ||
             strcasecmp(key, "article.published") == 0 || strcasecmp(key, "publication_date") == 0)
        slot(w, M_PUB_OTHER, c);
    else if (strcasecmp(key, "og:image") == 0 || strcasecmp(key, "og:image:url") == 0 ||
             strcasecmp(key, "og:image:secure_url") == 0)
        slot(w, M_OG_IMAGE, c);
    else if (strcasecmp(key, "twitter:image") == 0 || strcasecmp(key, "twitter:image:src") == 0)
        slot(w, M_TW_IMAGE, c);
    else if (strcasecmp(key, "image") == 0 || strcasecmp(key, "thumbnailUrl") == 0)
        slot(w, M_IMAGE_PROP, c);
    else if (strcasecmp(key, "og:url") == 0)
        slot(w, M_OG_URL, c);
    else if (strcasecmp(key, "og:locale") == 0)
        slot(w, M_OG_LOCALE, c);
}

static void
on_element(struct walk *w, const GumboNode *n)
{
    const char *rel, *ip, *cls;

    switch (n->v.element.tag) {
    case GUMBO_TAG_META:
        on_meta(w, n);
        return;
    case GUMBO_TAG_TITLE:
        slot_text(w, M_TITLE, n, 2000);
        return;
    case GUMBO_TAG_HTML:
        slot(w, M_LANG, node_attr(n, "lang"));
        slot(w, M_LANG, node_attr(n, "xml:lang"));
        return;
    case GUMBO_TAG_BASE:
        slot(w, M_BASE, node_attr(n, "href"));
        return;
    case GUMBO_TAG_LINK:
        rel = node_attr(n, "rel");
        if (rel && has_word(rel, "canonical"))
            slot(w, M_CANONICAL, node_attr(n, "href"));
        if (node_attr(n, "itemprop") && strcasecmp(node_attr(n, "itemprop"), "image") == 0)
            slot(w, M_IMAGE_PROP, node_attr(n, "href"));
        return;
    case GUMBO_TAG_TIME:
        slot(w, M_TIME, node_attr(n, "datetime"));
        break;
    case GUMBO_TAG_SCRIPT: {
        const char *t = node_attr(n, "type");
        if (t && strcasecmp(t, "application/ld+json") == 0 && w->nld < JSONLD_SCRIPTS)
            w->ld[w->nld++] = n;
        return;
    }
    default:
        break;
    }
    ip = node_attr(n, "itemprop");
    if (ip && has_word(ip, "datePublished"))
        slot(w, M_PUB_PROP, node_attr(n, "datetime") ? node_attr(n, "datetime")
                                                     : node_attr(n, "content"));
    if (ip && has_word(ip, "author") && n->v.element.tag != GUMBO_TAG_META) {
        /* an author object's name, or its own text */
        slot_text(w, M_REL_AUTHOR, n, 100);
    }
    rel = node_attr(n, "rel");
    if (rel && has_word(rel, "author") && n->v.element.tag == GUMBO_TAG_A)
        slot_text(w, M_REL_AUTHOR, n, 100);
    cls = node_attr(n, "class");
    if (cls && (strstr(cls, "byline") || has_word(cls, "author") || strstr(cls, "author-name")))
        slot_text(w, M_BYLINE_CLASS, n, 100);
}

static void
walk_tree(struct walk *w, const GumboNode *root)
{
    const GumboNode *stack[EXTRACT_MAX_DEPTH + 1];
    unsigned idx[EXTRACT_MAX_DEPTH + 1];
    int sp = 0;

    if (root->type != GUMBO_NODE_ELEMENT)
        return;
    stack[0] = root;
    idx[0] = 0;
    on_element(w, root);
    while (sp >= 0) {
        const GumboNode *n = stack[sp];
        const GumboVector *ch = &n->v.element.children;

        if (idx[sp] >= ch->length) {
            sp--;
            continue;
        }
        {
            const GumboNode *c = ch->data[idx[sp]++];
            if (c->type != GUMBO_NODE_ELEMENT)
                continue;
            on_element(w, c);
            if (sp + 1 <= EXTRACT_MAX_DEPTH) {
                stack[++sp] = c;
                idx[sp] = 0;
            }
        }
    }
}

/* ---- JSON-LD ---- */

struct ld {
    const cJSON *article; /* the first Article-like object */
    const cJSON *page;    /* else a WebPage, for dates and images */
};

static int
type_is(const cJSON *t, const char *const *names, size_t n)
{
    const cJSON *e;

    if (cJSON_IsString(t)) {
        const char *s = t->valuestring;
        if (strncmp(s, "http://schema.org/", 18) == 0)
            s += 18;
        else if (strncmp(s, "https://schema.org/", 19) == 0)
            s += 19;
        for (size_t i = 0; i < n; i++)
            if (strcmp(s, names[i]) == 0)
                return 1;
        return 0;
    }
    if (cJSON_IsArray(t)) {
        cJSON_ArrayForEach(e, t) if (type_is(e, names, n)) return 1;
    }
    return 0;
}

static void
ld_find(const cJSON *j, struct ld *ld, int depth)
{
    static const char *const article[] = {
        "Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle", "TechArticle",
        "ScholarlyArticle", "Report", "LiveBlogPosting", "SocialMediaPosting", "Review",
        "SatiricalArticle", "AdvertiserContentArticle", "DiscussionForumPosting",
    };
    static const char *const page[] = { "WebPage", "ItemPage", "WebSite" };
    const cJSON *e;

    if (j == NULL || depth > 6 || ld->article)
        return;
    if (cJSON_IsArray(j)) {
        cJSON_ArrayForEach(e, j) ld_find(e, ld, depth + 1);
        return;
    }
    if (!cJSON_IsObject(j))
        return;
    e = cJSON_GetObjectItemCaseSensitive(j, "@type");
    if (type_is(e, article, LEN(article))) {
        ld->article = j;
        return;
    }
    if (ld->page == NULL && type_is(e, page, LEN(page)))
        ld->page = j;
    ld_find(cJSON_GetObjectItemCaseSensitive(j, "@graph"), ld, depth + 1);
    ld_find(cJSON_GetObjectItemCaseSensitive(j, "mainEntity"), ld, depth + 1);
    ld_find(cJSON_GetObjectItemCaseSensitive(j, "mainEntityOfPage"), ld, depth + 1);
}

static const char *
str(const cJSON *o, const char *key)
{
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

    return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* "name" of an object, or the string itself; arrays are joined with ", ". */
static void
names(const cJSON *v, struct buf *b, int depth)
{
    const cJSON *e;
    const char *s = NULL;

    if (depth > 3)
        return;
    if (cJSON_IsString(v))
        s = v->valuestring;
    else if (cJSON_IsObject(v))
        s = str(v, "name");
    else if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(e, v) names(e, b, depth + 1);
        return;
    }
    if (s && *s && strncmp(s, "http", 4) != 0 && strlen(s) < 200) {
        if (b->len)
            buf_puts(b, ", ");
        buf_puts(b, s);
    }
}

static const char *
image_url(const cJSON *v, int depth)
{
    if (depth > 3 || v == NULL)
        return NULL;
    if (cJSON_IsString(v))
        return *v->valuestring ? v->valuestring : NULL;
    if (cJSON_IsArray(v))
        return image_url(cJSON_GetArrayItem(v, 0), depth + 1);
    if (cJSON_IsObject(v))
        return str(v, "url") ? str(v, "url") : str(v, "contentUrl");
    return NULL;
}

/* The JSON in a script's text, past whitespace and CDATA or comment openers. */
static const char *
json_start(const char *s)
{
    static const char *const skip[] = { "<![CDATA[", "<!--", "/*<![CDATA[*/", "//<![CDATA[" };

    for (int again = 1; again;) {
        again = 0;
        s += strspn(s, " \t\r\n\f");
        for (size_t i = 0; i < LEN(skip); i++)
            if (strncmp(s, skip[i], strlen(skip[i])) == 0) {
                s += strlen(skip[i]);
                again = 1;
            }
    }
    return s;
}

static void
read_jsonld(struct walk *w, struct meta *m)
{
    for (int i = 0; i < w->nld; i++) {
        const GumboNode *s = w->ld[i];
        struct ld ld = { NULL, NULL };
        cJSON *j;
        struct buf b = BUF_INIT((size_t)1 << 12);
        const cJSON *o;
        size_t len;

        if (s->v.element.children.length == 0)
            continue;
        o = NULL;
        {
            const GumboNode *t = s->v.element.children.data[0];
            if (t->type != GUMBO_NODE_TEXT && t->type != GUMBO_NODE_WHITESPACE &&
                t->type != GUMBO_NODE_CDATA)
                continue;
            /* past "<![CDATA[", "<!--" or "//" wrappers to the value */
            const char *v = json_start(t->v.text.text);
            len = strlen(v);
            if (len == 0 || len > JSONLD_MAX)
                continue;
            j = cJSON_ParseWithLengthOpts(v, len, NULL, 0);
        }
        if (j == NULL)
            continue;
        ld_find(j, &ld, 0);
        o = ld.article ? ld.article : ld.page;
        if (o) {
            if (ld.article) {
                set(&m->title, str(o, "headline"));
                names(cJSON_GetObjectItemCaseSensitive(o, "author"), &b, 0);
                if (b.len)
                    set(&m->byline, buf_cstr(&b));
                if (str(o, "articleBody") && m->article_body == NULL)
                    m->article_body = xstrdup(str(o, "articleBody"));
            }
            set_date(&m->published, str(o, "datePublished"));
            set_date(&m->published, str(o, "dateCreated"));
            set(&m->image, image_url(cJSON_GetObjectItemCaseSensitive(o, "image"), 0));
            set(&m->lang, str(o, "inLanguage"));
        }
        buf_fini(&b);
        cJSON_Delete(j);
    }
}

static char *
resolve(const char *base, char *u)
{
    char *r;

    if (u == NULL || base == NULL)
        return u;
    r = url_resolve(base, u);
    free(u);
    return r;
}

/* "Title | Site" or "Title - Site": the part before a separator, when long enough. */
static char *
clean_title(char *t)
{
    static const char *const seps[] = { " | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ",
                                        " :: ", " \xc2\xbb " };
    char *cut = NULL;

    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < LEN(seps); i++) {
        char *p = NULL, *q = t;
        while ((q = strstr(q, seps[i])) != NULL) /* the last one */
            p = q++;
        if (p && (cut == NULL || p > cut))
            cut = p;
    }
    if (cut) {
        int words = 1;
        for (char *p = t; p < cut; p++)
            words += *p == ' ';
        if (words >= 3)
            *cut = '\0';
    }
    return t;
}

void
meta_read(GumboNode *root, const char *url, struct meta *m)
{
    struct walk w;

    memset(&w, 0, sizeof(w));
    memset(m, 0, sizeof(*m));
    walk_tree(&w, root);

    /* base: <base href> against the URL */
    if (get(&w, M_BASE))
        m->base = url ? url_resolve(url, get(&w, M_BASE))
                      : url_is_absolute(get(&w, M_BASE)) ? xstrdup(get(&w, M_BASE)) : NULL;
    else if (url)
        m->base = xstrdup(url);
    set(&m->canonical, get(&w, M_CANONICAL));
    set(&m->canonical, get(&w, M_OG_URL));
    m->canonical = resolve(m->base, m->canonical);
    if (m->base == NULL && m->canonical && url_is_absolute(m->canonical))
        m->base = xstrdup(m->canonical);

    set(&m->title, get(&w, M_OG_TITLE));
    read_jsonld(&w, m); /* headline, author, dates, image, articleBody */
    set(&m->title, get(&w, M_TW_TITLE));
    set(&m->title, get(&w, M_PARSELY_TITLE));
    set(&m->title, get(&w, M_HEADLINE_PROP));
    if (m->title == NULL) {
        set(&m->title, get(&w, M_TITLE));
        m->title = clean_title(m->title);
    }
    if (m->byline == NULL) {
        const char *a = get(&w, M_AUTHOR);
        if (a && strncmp(a, "http", 4) == 0)
            a = NULL;
        set(&m->byline, a);
        a = get(&w, M_ARTICLE_AUTHOR);
        if (a && strncmp(a, "http", 4) == 0)
            a = NULL;
        set(&m->byline, a);
        set(&m->byline, get(&w, M_PARSELY_AUTHOR));
        set(&m->byline, get(&w, M_DC_CREATOR));
        set(&m->byline, get(&w, M_REL_AUTHOR));
        set(&m->byline, get(&w, M_BYLINE_CLASS));
    }
    set_date(&m->published, get(&w, M_PUB_META));
    set_date(&m->published, get(&w, M_PUB_PROP));
    set_date(&m->published, get(&w, M_PUB_OTHER));
    set_date(&m->published, get(&w, M_TIME));

    set(&m->lang, get(&w, M_LANG));
    set(&m->lang, get(&w, M_CONTENT_LANG));
    if (m->lang == NULL && get(&w, M_OG_LOCALE)) {
        set(&m->lang, get(&w, M_OG_LOCALE));
        for (char *p = m->lang; p && *p; p++)
            if (*p == '_')
                *p = '-';
    }
    if (m->image == NULL) { /* JSON-LD's image comes after og:image */
        set(&m->image, get(&w, M_OG_IMAGE));
        set(&m->image, get(&w, M_TW_IMAGE));
        set(&m->image, get(&w, M_IMAGE_PROP));
    } else {
        char *ld = m->image;
        m->image = NULL;
        set(&m->image, get(&w, M_OG_IMAGE));
        set(&m->image, get(&w, M_TW_IMAGE));
        set(&m->image, ld);
        free(ld);
    }
    m->image = resolve(m->base, m->image);
    for (int k = 0; k < M_N; k++)
        free(w.owned[k]);
}

void
meta_free(struct meta *m)
{
    free(m->title);
    free(m->byline);
    free(m->published);
    free(m->lang);
    free(m->image);
    free(m->canonical);
    free(m->base);
    free(m->article_body);
    memset(m, 0, sizeof(*m));
}
