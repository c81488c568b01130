/*
 * json.c - an event as JSON (json.h).
 */
#include <string.h>

#include "base/buf.h"
#include "base/timefmt.h"
#include "present/json.h"
#include "store/store.h"

#define SLUG_MAX 128              /* longer list entries are not slugs */

void
json_time(struct buf *b, time_t t)
{
    char iso[21];

    if (t <= 0) {
        buf_puts(b, "null");
        return;
    }
    timefmt_rfc3339(t, iso);
    buf_append_json(b, iso);
}

void
json_slugs(struct buf *b, const struct str_list *list, int lead)
{
    int n = 0;

    for (size_t i = 0; i < list->n; i++) {
        size_t len = strlen(list->v[i]);
        if (len > 0 && len < SLUG_MAX) {
            if (lead || n++)
                buf_putc(b, ',');
            buf_append_json(b, list->v[i]);
        }
    }
}

void
json_reasons(struct buf *b, const struct event *e)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < e->nreasons; i++) {
        if (i)
            buf_putc(b, ',');
        buf_printf(b, "{\"points\":%.2f,\"text\":", e->reasons[i].points);
        buf_append_json(b, e->reasons[i].text);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

void
json_event_fields(struct buf *b, const struct event *e, const struct json_event_opts *o)
{
    const struct item *it = &e->item;

    buf_printf(b, "\"id\":%lld,\"link\":", (long long)it->id);
    buf_append_json(b, o->link_null ? NULL : it->url);
    buf_puts(b, ",\"title\":");
    buf_append_json(b, it->title);
    buf_puts(b, ",\"source\":");
    buf_append_json(b, it->source_slug);
    buf_puts(b, ",\"source_name\":");
    buf_append_json(b, it->source_name);
    buf_puts(b, ",\"source_author\":");
    buf_append_json(b, it->source_author);
    buf_printf(b, ",\"tier\":%d,\"published\":", it->tier);
    if (o->unknown_date_null) {
        json_time(b, it->published);
    } else {
        char date[21];
        timefmt_rfc3339(it->published, date);
        buf_append_json(b, date);
    }
    if (o->age) {
        buf_puts(b, ",\"age\":");
        buf_append_json(b, o->age);
    }
    buf_printf(b, ",\"score\":%d,\"kind\":", e->score);
    buf_append_json(b, e->kind);
    buf_printf(b, ",\"story\":%lld,\"guides\":[", (long long)e->story_id);
    json_slugs(b, &e->guides, 0);
    buf_puts(b, "],\"summary\":");
    buf_append_json(b, e->summary);
    if (o->url) {
        buf_puts(b, ",\"url\":");
        buf_append_json(b, o->url);
    }
}
