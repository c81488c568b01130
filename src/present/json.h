/*
 * json.h - an event and a source as JSON, one writer for the CLI (almanac
 * events/event/sources --json), the API (/api/v1/...) and the pieces the
 * JSON Feed shares with them (a time, a guide list).
 *
 * present/ is the room between the store and its two readers, cli/ and
 * web/: how a stored record is shown, with no terminal and no HTTP in it.
 * It reads store/ (the records) and base/; cli/ and web/ read it.
 */
#ifndef ALMANAC_PRESENT_JSON_H
#define ALMANAC_PRESENT_JSON_H

#include <time.h>

#include "base/buf.h"
#include "base/config.h"
#include "store/store.h"
#include "store/store_ingest.h"
#include "store/store_web.h"

/* What differs between the event objects of the CLI and of the API. */
struct json_event_opts {
    int link_null;            /* "link" is null (the API: a URL that is not http(s)) */
    int unknown_date_null;    /* an unknown date (0) is null (the API), not the epoch */
    const char *age;          /* "age" after "published" ("3h ago"), NULL: none (the CLI) */
    const char *url;          /* "url" last: the event's page here, NULL: none (the API) */
};

/*
 * The members of an event object, without the braces: id, link, title,
 * source, source_name, source_author, tier, published, [age,] score,
 * kind, story, guides, summary[, url].
 */
void json_event_fields(struct buf *b, const struct event *e, const struct json_event_opts *o);
/* An RFC 3339 time as a JSON string; null for t <= 0. */
void json_time(struct buf *b, time_t t);
/* The slugs of a list as JSON strings, comma-separated (each preceded by a
 * comma when lead); empty and over-long ones are left out. */
void json_slugs(struct buf *b, const struct str_list *list, int lead);
/* An event's reasons as the JSON array [{"points":1.25,"text":"..."}, ...]
 * (points with two decimals; the CLI's event --json). */
void json_reasons(struct buf *b, const struct event *e);

/*
 * A source as the API shows it (/api/v1/sources, /api/v1/sources/SLUG),
 * without the braces: slug, name, author, tier, kind, feed_url, site_url,
 * enabled, items, events, newest, health {last_fetch, last_success,
 * next_due, last_status, failures, last_error}.
 */
void json_source_info_fields(struct buf *b, const struct source_info *s);
/*
 * A configured source with its fetch state as `almanac sources --json`
 * shows it, without the braces: slug, name, author, feed_url (the stored
 * one after redirects), site_url, tier, kind, enabled, health (a word),
 * items, failures, last_status, last_fetch (seconds), last_error, and
 * articles {fetched, failed, last_error} where linked articles were
 * fetched. ss NULL: never synced to the store.
 */
void json_source_state_fields(struct buf *b, const struct source *s,
                              const struct source_state *ss);
/* The health word of a source's state: "never fetched", "ok", "retrying",
 * "failing" (five failures in a row or more). ss NULL: never synced. */
const char *json_source_health(const struct source_state *ss);

#endif
