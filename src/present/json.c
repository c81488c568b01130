/*
 * json.c - an event and a source as JSON (json.h).
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
    /* who wrote it: drawn from the item's text, or a language model (src/llm) */
    buf_puts(b, e->summary_model ? ",\"summary_kind\":\"model\",\"summary_model\":"
                                 : ",\"summary_kind\":\"extractive\",\"summary_model\":");
    buf_append_json(b, e->summary_model);
    if (o->url) {
        buf_puts(b, ",\"url\":");
        buf_append_json(b, o->url);
    }
}

void
json_source_info_fields(struct buf *b, const struct source_info *s)
{
    buf_puts(b, "\"slug\":");
    buf_append_json(b, s->slug);
    buf_puts(b, ",\"name\":");
    buf_append_json(b, s->name);
    buf_puts(b, ",\"author\":");
    buf_append_json(b, s->author);
    buf_printf(b, ",\"tier\":%d,\"kind\":", s->tier);
    buf_append_json(b, s->kind);
    buf_puts(b, ",\"feed_url\":");
    buf_append_json(b, s->feed_url);
    buf_puts(b, ",\"site_url\":");
    buf_append_json(b, s->site_url);
    buf_printf(b, ",\"enabled\":%s,\"items\":%lld,\"events\":%lld,\"newest\":",
               s->enabled ? "true" : "false", (long long)s->items, (long long)s->events);
    json_time(b, s->newest);
    buf_puts(b, ",\"health\":{\"last_fetch\":");
    json_time(b, s->last_fetch);
    buf_puts(b, ",\"last_success\":");
    json_time(b, s->last_success);
    buf_puts(b, ",\"next_due\":");
    json_time(b, s->next_due);
    if (s->last_status > 0)
        buf_printf(b, ",\"last_status\":%ld", s->last_status);
    else
        buf_puts(b, ",\"last_status\":null");
    buf_printf(b, ",\"failures\":%d,\"last_error\":", s->failures);
    buf_append_json(b, s->last_error);
    buf_puts(b, "}");
}

const char *
json_source_health(const struct source_state *ss)
{
    if (ss == NULL || ss->last_fetch == 0)
        return "never fetched";
    if (ss->failures == 0)
        return "ok";
    return ss->failures >= 5 ? "failing" : "retrying";
}

void
json_source_state_fields(struct buf *b, const struct source *s, const struct source_state *ss)
{
    static const struct source_state never;
    const struct source_state *st = ss ? ss : &never;

    buf_puts(b, "\"slug\":");
    buf_append_json(b, s->slug);
    buf_puts(b, ",\"name\":");
    buf_append_json(b, s->name);
    buf_puts(b, ",\"author\":");
    buf_append_json(b, s->author);
    buf_puts(b, ",\"feed_url\":");
    buf_append_json(b, ss ? ss->feed_url : s->feed_url);
    buf_puts(b, ",\"site_url\":");
    buf_append_json(b, s->site_url);
    buf_printf(b, ",\"tier\":%d,\"kind\":", s->tier);
    buf_append_json(b, s->kind);
    buf_printf(b, ",\"enabled\":%s,\"health\":", s->enabled ? "true" : "false");
    buf_append_json(b, json_source_health(ss));
    buf_printf(b, ",\"items\":%lld,\"failures\":%d,\"last_status\":%ld,"
                  "\"last_fetch\":%lld,\"last_error\":",
               (long long)st->items, st->failures, st->last_status, (long long)st->last_fetch);
    buf_append_json(b, st->last_error);
    if (st->articles_ok + st->articles_failed > 0) {
        /* only where articles were fetched: a snapshot's output is as it was */
        buf_printf(b, ",\"articles\":{\"fetched\":%lld,\"failed\":%lld,\"last_error\":",
                   (long long)st->articles_ok, (long long)st->articles_failed);
        buf_append_json(b, st->article_error);
        buf_putc(b, '}');
    }
}
