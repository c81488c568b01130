/*
 * jsonfeed.c - JSON Feed 1.0 and 1.1 (https://jsonfeed.org) via cJSON.
 *
 * Values of the wrong JSON type are ignored rather than trusted; cJSON
 * bounds nesting depth. Plain-text bodies become escaped HTML so summary
 * and content are always HTML, as the contract wants.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "parse/date.h"
#include "parse/encoding.h"
#include "parse/feed_internal.h"

static const char *
jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static char *
jdup(const cJSON *o, const char *key)
{
    const char *s = jstr(o, key);

    return s ? feed_trim(enc_fix_utf8(xstrdup(s))) : NULL;
}

static char *
jurl(const cJSON *o, const char *key, const char *base)
{
    char *s = jdup(o, key);
    char *u;

    if (s == NULL)
        return NULL;
    u = url_resolve(base, s);
    free(s);
    return u;
}

static char *
escaped(const char *s)
{
    struct buf b = BUF_INIT(FEED_MAX_FIELD * 6 + 16);
    char *v = enc_fix_utf8(xstrdup(s));

    buf_append_html(&b, v, strlen(v));
    free(v);
    return buf_take(&b);
}

static void
jdate(const cJSON *o, const char *key, time_t *t, int *has)
{
    const char *s = jstr(o, key);
    time_t v;

    if (s && date_parse(s, &v) == 0) {
        *t = v;
        *has = 1;
    }
}

static struct feed_person *
jperson(const cJSON *a, const char *base)
{
    struct feed_person *p;

    if (!cJSON_IsObject(a))
        return NULL;
    p = feed_person_new();
    p->name = jdup(a, "name");
    p->uri = jurl(a, "url", base);
    if (p->name == NULL && p->uri == NULL) {
        feed_person_free(p);
        return NULL;
    }
    return p;
}

/* 1.1 "authors" (a list) wins over 1.0 "author" (one object). */
static void
jauthors(const cJSON *o, struct feed_list *l, const char *base)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "authors");
    const cJSON *a;

    if (cJSON_IsArray(arr)) {
        cJSON_ArrayForEach(a, arr) {
            struct feed_person *p = jperson(a, base);
            if (p && l->n < FEED_MAX_LIST)
                feed_list_push(l, p);
            else
                feed_person_free(p);
        }
    }
    if (l->n == 0) {
        struct feed_person *p = jperson(cJSON_GetObjectItemCaseSensitive(o, "author"), base);
        if (p)
            feed_list_push(l, p);
    }
}

static struct feed_link *
alternate(const char *href)
{
    struct feed_link *l = feed_link_new();

    l->rel = xstrdup("alternate");
    l->href = xstrdup(href);
    return l;
}

static void
jitem(struct feed *f, const cJSON *it, const char *base)
{
    struct feed_entry *e;
    const cJSON *id, *v, *a;
    const char *s;

    if (!cJSON_IsObject(it) || f->entries.n >= FEED_MAX_ENTRIES)
        return;
    e = feed_entry_new();
    id = cJSON_GetObjectItemCaseSensitive(it, "id");
    if (cJSON_IsString(id) && id->valuestring) {
        e->id = enc_fix_utf8(xstrdup(id->valuestring));
    } else if (cJSON_IsNumber(id)) {
        char num[64];
        snprintf(num, sizeof(num), "%.17g", id->valuedouble);
        e->id = xstrdup(num);
    }
    e->title = jdup(it, "title");
    e->link = jurl(it, "url", base);
    if (e->link)
        feed_list_push(&e->links, alternate(e->link));
    jdate(it, "date_published", &e->published, &e->has_published);
    jdate(it, "date_modified", &e->updated, &e->has_updated);
    jauthors(it, &e->authors, base);
    if ((s = jstr(it, "summary")) != NULL)
        e->summary = escaped(s);
    if ((s = jstr(it, "content_html")) != NULL)
        e->content = enc_fix_utf8(xstrdup(s));
    else if ((s = jstr(it, "content_text")) != NULL)
        e->content = escaped(s);
    v = cJSON_GetObjectItemCaseSensitive(it, "tags");
    cJSON_ArrayForEach(a, v) {
        if (cJSON_IsString(a) && a->valuestring && e->categories.n < FEED_MAX_LIST)
            feed_list_push(&e->categories, feed_trim(enc_fix_utf8(xstrdup(a->valuestring))));
    }
    v = cJSON_GetObjectItemCaseSensitive(it, "attachments");
    cJSON_ArrayForEach(a, v) {
        struct feed_link *enc;
        const cJSON *size;
        char *href = cJSON_IsObject(a) ? jurl(a, "url", base) : NULL;
        if (href == NULL || e->enclosures.n >= FEED_MAX_LIST) {
            free(href);
            continue;
        }
        enc = feed_link_new();
        enc->href = href;
        enc->type = jdup(a, "mime_type");
        size = cJSON_GetObjectItemCaseSensitive(a, "size_in_bytes");
        if (cJSON_IsNumber(size) && size->valuedouble >= 0 && size->valuedouble < 9e18)
            enc->length = (int64_t)size->valuedouble;
        feed_list_push(&e->enclosures, enc);
    }
    e->image = jurl(it, "image", base);
    if (e->image == NULL)
        e->image = jurl(it, "banner_image", base);
    feed_list_push(&f->entries, e);
}

void
jsonfeed_parse(struct feed *f, const char *data, size_t len, const char *base)
{
    cJSON *root;
    const char *version;
    const cJSON *items, *it;

    f->encoding = xstrdup("utf-8");
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        data += 3;
        len -= 3;
    }
    root = cJSON_ParseWithLength(data, len);
    if (root == NULL) {
        feed_set_bozo(f, "invalid JSON");
        return;
    }
    version = jstr(root, "version");
    if (!cJSON_IsObject(root) || version == NULL || strstr(version, "jsonfeed.org/version/1") == NULL) {
        if (!cJSON_IsObject(root) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "items"))) {
            cJSON_Delete(root);
            return; /* valid JSON, but not a feed */
        }
    }
    f->format = FEED_JSON1X;
    f->title = jdup(root, "title");
    f->link = jurl(root, "home_page_url", base);
    if (f->link)
        feed_list_push(&f->links, alternate(f->link));
    f->subtitle = jdup(root, "description");
    f->language = jdup(root, "language");
    if (f->language)
        for (char *q = f->language; *q; q++)
            if (*q == '_')
                *q = '-';
    jauthors(root, &f->authors, base);
    f->id = jdup(root, "feed_url");
    if (jstr(root, "icon")) {
        f->image = xcalloc(1, sizeof(*f->image));
        f->image->url = jurl(root, "icon", base);
    }
    items = cJSON_GetObjectItemCaseSensitive(root, "items");
    cJSON_ArrayForEach(it, items)
        jitem(f, it, base);
    cJSON_Delete(root);
}
