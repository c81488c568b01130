/*
 * store_alerts.h - what the alert module keeps in the store: one rule's
 * delivery of one event, its state, and the claim a sender takes on it.
 */
#ifndef ALMANAC_STORE_ALERTS_H
#define ALMANAC_STORE_ALERTS_H

#include <stdint.h>
#include <time.h>

#include "store/store.h"

/* One rule's delivery of one event, as stored. */
struct alert_delivery {
    int64_t id, event_id;
    const char *rule;
    const char *state;        /* "pending", "sent" or "dead" */
    int attempts;             /* tries so far */
    time_t created, next_try; /* next_try: when a pending one is due */
    time_t last_try, sent;    /* 0: never */
    long status;              /* of the last try: HTTP status or SMTP reply, 0: none */
    const char *error;        /* of the last failed try, or NULL */
};
/* Records that event_id matched rule, once: *added is 1 when it is new
 * (then pending, due at next_try), 0 when the pair was already there. */
int store_alert_enqueue(struct store *st, const char *rule, int64_t event_id, time_t now,
                        time_t next_try, int *added);
/* The pending deliveries due at now, oldest first, at most limit (0: all);
 * each borrowed for the call. */
int store_alert_due(struct store *st, time_t now, int limit,
                    int (*fn)(const struct alert_delivery *d, void *arg), void *arg);
/* Claims the pending delivery id for one sender: when it is still pending
 * and due at now, its next_try becomes until (a lease: another process's
 * alert_due no longer sees it) and *claimed is 1; else *claimed is 0. */
int store_alert_claim(struct store *st, int64_t id, time_t now, time_t until, int *claimed);
/* Writes d's state, attempts, next_try, last_try, sent, status and error
 * to the row d->id. */
int store_alert_update(struct store *st, const struct alert_delivery *d);
/* Deliveries in state (NULL: any), the latest first, at most limit (0: all). */
int store_alert_list(struct store *st, const char *state, int limit,
                     int (*fn)(const struct alert_delivery *d, void *arg), void *arg);

/*
 * Definitions added through the API (web/api_write.c): kind "source" or
 * "alert", name its slug, body the text of its configuration section.
 * defs_put adds or replaces one; defs_delete removes one (*found: whether it
 * was there); defs_list calls fn for each of a kind in name order, the
 * strings borrowed for the call (fn's non-ALM_OK stops it and is returned).
 */
int store_defs_put(struct store *st, const char *kind, const char *name, const char *body,
                   time_t now);
int store_defs_delete(struct store *st, const char *kind, const char *name, int *found);
int store_defs_list(struct store *st, const char *kind,
                    int (*fn)(const char *name, const char *body, void *arg), void *arg);

/*
 * Every definition of api_defs read as one configuration fragment
 * (config_parse_fragment): *out is NULL when there are none; *skipped
 * (when not NULL) counts those that no longer read. ALM_OK, the store's
 * error, or ALM_ECONFIG, with err set.
 */
struct config;
int store_defs_config(struct store *st, struct config **out, size_t *skipped, char *err,
                      size_t errlen);

#endif
