/*
 * alert.h - alerts: the events that match an [alert NAME] rule of the
 * configuration, delivered once per rule by webhook (a signed JSON POST)
 * or by e-mail (SMTP).
 *
 * alert/ sits beside ingest/ on floor 3: it reads the configuration's rules
 * (base), finds the matching events and keeps each delivery's state (store),
 * writes an event's JSON as everyone does (present) and sends through the
 * guarded transport (fetch). Nothing here prints.
 *
 * A delivery is made when an event first matches a rule (alert_queue): the
 * pair (rule, event) is recorded once, so an event alerts once per rule
 * however often it is analysed again. alert_send() tries the due ones: a
 * rule in its quiet hours holds its deliveries (they stay due and go on the
 * first run after); a failure is tried again after fetch_backoff(60 s,
 * attempts) (a longer Retry-After wins), and after the rule's attempts it
 * is a dead letter, kept and shown by `almanac alerts`.
 */
#ifndef ALMANAC_ALERT_H
#define ALMANAC_ALERT_H

#include <stddef.h>
#include <time.h>

#include "base/buf.h"
#include "base/config.h"
#include "fetch/fetch.h"
#include "store/store.h"
#include "store/store_alerts.h"
#include "store/store_web.h"

/* The first wait after a failed delivery, in seconds (then doubled). */
#define ALERT_RETRY_FIRST 60
/* How long a sender holds a delivery it is trying (longer than a transfer's
 * timeout): another sender leaves it alone meanwhile. */
#define ALERT_LEASE 900

struct alert_stats {
    int queued;     /* new (rule, event) deliveries */
    int sent;       /* delivered this run */
    int failed;     /* tried and failed, to be tried again */
    int dead;       /* failed for the last time: now dead letters */
    int held;       /* due but held by quiet hours */
};

/*
 * Records a delivery for every event each rule matches, published in the
 * rule's max_age before now, that has none for the rule yet. ALM_OK, or the
 * store's error with the reason in err.
 */
int alert_queue(const struct config *c, struct store *st, time_t now, struct alert_stats *s,
                char *err, size_t errlen);

/*
 * Tries every delivery due at now (the transfers with o's user agent,
 * timeouts and allow_local_all). Failed deliveries are not errors (they are
 * counted and kept); ALM_OK, or the store's error with the reason in err.
 */
int alert_send(const struct config *c, struct store *st, const struct fetch_opts *o,
               time_t now, struct alert_stats *s, char *err, size_t errlen);

/* 1 when now falls in the rule's quiet hours; *until (when not NULL) gets
 * their end. */
int alert_quiet(const struct alert_rule *r, time_t now, time_t *until);

/* The webhook's body for an event: {"rule":NAME,"event":{...}}. */
void alert_webhook_body(struct buf *b, const char *rule, const struct event *e);

/* "sha256=" and the hex HMAC-SHA256 of body under key: 72 bytes with the NUL. */
#define ALERT_SIGNATURE_SIZE 72
int alert_sign(const char *key, size_t keylen, const char *body, size_t len,
               char out[ALERT_SIGNATURE_SIZE]);

/*
 * The whole e-mail for an event (RFC 5322, CRLF lines): From, To, Subject
 * "[SCORE] Title" (RFC 2047 when not ASCII), Date (now), Message-ID, and a
 * multipart/alternative body, text/plain then text/html, each in base64.
 * id makes the Message-ID and the boundary unique.
 */
void alert_mail_message(struct buf *b, const char *from, const char *to, const char *rule,
                        const struct event *e, time_t now, long long id);

#endif
