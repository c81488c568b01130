/*
 * columns.c - the text shapes both backends keep store.h's lists in
 * (columns.h): an event's reasons as a JSON array, an entity's aliases
 * joined by '|', a path's steps as lines "kind|slug|why", aggregated lists
 * joined by '\n'. The shapes stay inside the store.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "store/columns.h"

void
col_split(const char *s, char sep, struct str_list *out)
{
    size_t n = 0, i = 0;

    memset(out, 0, sizeof(*out));
    if (s == NULL || *s == '\0')
        return;
    for (const char *p = s; p; p = strchr(p, sep), p = p ? p + 1 : NULL)
        n++;
    out->v = xcalloc(n, sizeof(*out->v));
    for (const char *p = s;; ) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        out->v[i] = xmalloc(len + 1);
        memcpy(out->v[i], p, len);
        out->v[i][len] = '\0';
        i++;
        if (e == NULL || e[1] == '\0') /* a separator at the end closes the last */
            break;
        p = e + 1;
    }
    out->n = i;
}

char *
col_join(const char *const *v, size_t n, char sep)
{
    struct buf b = BUF_INIT((size_t)1 << 20);

    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, sep);
        buf_puts(&b, v[i]);
    }
    return buf_take(&b);
}

char *
col_reasons_json(const struct event_reason *v, size_t n)
{
    struct buf b = BUF_INIT((size_t)1 << 20);

    buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_printf(&b, "{\"points\":%.2f,\"text\":", v[i].points);
        buf_append_json(&b, v[i].text ? v[i].text : "");
        buf_putc(&b, '}');
    }
    buf_putc(&b, ']');
    return buf_take(&b);
}

void
col_reasons_read(const char *json, struct event_reason **v, size_t *n)
{
    cJSON *r = cJSON_Parse(json ? json : "[]"), *it;
    size_t k = 0;

    *v = NULL;
    *n = 0;
    if (r == NULL)
        return;
    *v = xcalloc((size_t)cJSON_GetArraySize(r) + 1, sizeof(**v));
    cJSON_ArrayForEach(it, r) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "points");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "text");
        if (!cJSON_IsNumber(p) || !cJSON_IsString(t))
            continue;
        (*v)[k].points = p->valuedouble;
        (*v)[k].text = xstrdup(t->valuestring);
        k++;
    }
    *n = k;
    if (k == 0) {
        free(*v);
        *v = NULL;
    }
    cJSON_Delete(r);
}

char *
col_steps_text(const struct path_step *v, size_t n)
{
    struct buf b = BUF_INIT((size_t)1 << 20);

    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s|%s|%s\n", v[i].kind, v[i].slug, v[i].why);
    return buf_take(&b);
}

void
col_steps_read(const char *text, struct path_step **v, size_t *n)
{
    struct str_list lines;
    size_t k = 0;

    *v = NULL;
    *n = 0;
    col_split(text, '\n', &lines);
    if (lines.n == 0)
        return;
    *v = xcalloc(lines.n, sizeof(**v));
    for (size_t i = 0; i < lines.n; i++) {
        char *l = lines.v[i], *b1 = strchr(l, '|'), *b2 = b1 ? strchr(b1 + 1, '|') : NULL;
        if (b2 == NULL)
            continue;
        *b1 = *b2 = '\0';
        (*v)[k].kind = xstrdup(l);
        (*v)[k].slug = xstrdup(b1 + 1);
        (*v)[k].why = xstrdup(b2 + 1);
        k++;
    }
    *n = k;
    str_list_fini(&lines);
}
