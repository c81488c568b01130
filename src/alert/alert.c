/*
 * alert.c - rules to deliveries, deliveries to webhooks and e-mail (alert.h).
 */
#include "alert/alert.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/err.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "present/json.h"

#define BODY_MAX ((size_t)1 << 20)   /* a webhook body or an e-mail */
#define SUBJECT_CHUNK 45             /* bytes of UTF-8 per RFC 2047 encoded word */

/* ---- matching ---- */

struct ids {
    int64_t *v;
    size_t n, cap;
};

static int
collect_id(const struct event *e, void *arg)
{
    struct ids *ids = arg;

    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? ids->cap * 2 : 64;
        ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
    }
    ids->v[ids->n++] = e->item.id;
    return ALM_OK;
}

int
alert_queue(const struct config *c, struct store *st, time_t now, struct alert_stats *s,
            char *err, size_t errlen)
{
    int rc = ALM_OK;

    if (c == NULL || st == NULL)
        return ALM_EINVAL;
    for (size_t i = 0; i < c->nalerts && rc == ALM_OK; i++) {
        const struct alert_rule *r = &c->alerts[i];
        struct event_query q;
        struct ids ids = { 0 };

        memset(&q, 0, sizeof(q));
        q.min_score = r->min_score;
        q.guide = r->guide;
        q.source = r->source;
        q.kind = r->kind;
        q.entity = r->entity;
        q.since = now - (time_t)r->max_age * 3600;
        rc = store_list_events(st, &q, collect_id, &ids);
        if (rc == ALM_OK && ids.n > 0 && (rc = store_begin(st)) == ALM_OK) {
            for (size_t k = 0; k < ids.n && rc == ALM_OK; k++) {
                int added = 0;
                rc = store_alert_enqueue(st, r->name, ids.v[k], now, now, &added);
                if (rc == ALM_OK && s)
                    s->queued += added;
            }
            if (rc == ALM_OK)
                rc = store_commit(st);
            else
                store_rollback(st);
        }
        if (rc != ALM_OK)
            err_set(err, errlen, "alert %s: %s", r->name, store_error(st));
        free(ids.v);
    }
    return rc;
}

int
alert_quiet(const struct alert_rule *r, time_t now, time_t *until)
{
    int minute, in;
    time_t day = now - now % 86400, end;

    if (r->quiet_start < 0 || r->quiet_end < 0)
        return 0;
    minute = (int)((now % 86400) / 60);
    if (r->quiet_start < r->quiet_end)
        in = minute >= r->quiet_start && minute < r->quiet_end;
    else  /* over midnight: 22:00-07:00 */
        in = minute >= r->quiet_start || minute < r->quiet_end;
    if (in && until) {
        end = day + (time_t)r->quiet_end * 60;
        if (end <= now)
            end += 86400;
        *until = end;
    }
    return in;
}

/* ---- the webhook ---- */

static int
is_http(const char *url)
{
    return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0);
}

void
alert_webhook_body(struct buf *b, const char *rule, const struct event *e)
{
    struct json_event_opts o = { 0 };

    o.link_null = !is_http(e->item.url);
    o.unknown_date_null = 1;
    buf_puts(b, "{\"rule\":");
    buf_append_json(b, rule);
    buf_puts(b, ",\"event\":{");
    json_event_fields(b, e, &o);
    buf_puts(b, "}}");
}

int
alert_sign(const char *key, size_t keylen, const char *body, size_t len,
           char out[ALERT_SIGNATURE_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;

    if (keylen > INT32_MAX ||
        HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)body, len, mac,
             &maclen) == NULL || maclen != 32)
        return ALM_EINVAL;
    memcpy(out, "sha256=", 7);
    for (unsigned int i = 0; i < maclen; i++) {
        out[7 + 2 * i] = hex[mac[i] >> 4];
        out[7 + 2 * i + 1] = hex[mac[i] & 15];
    }
    out[7 + 2 * maclen] = '\0';
    return ALM_OK;
}

/* ---- e-mail ---- */

static void
base64_lines(struct buf *b, const char *s, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)s[i] << 16;
        char q[4];

        if (i + 1 < n)
            v |= (unsigned char)s[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)s[i + 2];
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        q[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? tab[v & 63] : '=';
        buf_append(b, q, 4);
        col += 4;
        if (col >= 76) {
            buf_puts(b, "\r\n");
            col = 0;
        }
    }
    if (col > 0)
        buf_puts(b, "\r\n");
}

/* The subject with control characters made spaces: nothing in a title can
 * end the header or start another. */
static char *
subject_text(const struct event *e)
{
    struct buf b = BUF_INIT(4096);
    const char *t = e->item.title && *e->item.title ? e->item.title : "(untitled)";

    buf_printf(&b, "[%d] ", e->score);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        buf_putc(&b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
    return buf_take(&b);
}

/* Subject: as it is when ASCII, else RFC 2047 encoded words of at most
 * SUBJECT_CHUNK bytes, never splitting a UTF-8 sequence, folded. */
static void
subject_header(struct buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    int ascii = n < 900;

    for (size_t k = 0; k < n && ascii; k++)
        ascii = (unsigned char)s[k] < 0x80;
    buf_puts(b, "Subject: ");
    if (ascii) {
        buf_puts(b, s);
        buf_puts(b, "\r\n");
        return;
    }
    while (i < n) {
        size_t end = i + SUBJECT_CHUNK < n ? i + SUBJECT_CHUNK : n;
        struct buf w = BUF_INIT(256);

        while (end < n && end > i + 1 && ((unsigned char)s[end] & 0xC0) == 0x80)
            end--;
        base64_lines(&w, s + i, end - i);
        /* one word: the base64 of at most 45 bytes is one line */
        if (w.len >= 2)
            w.len -= 2;
        buf_puts(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
        buf_append(b, buf_cstr(&w), w.len);
        buf_puts(b, "?=");
        buf_fini(&w);
        i = end;
    }
    buf_puts(b, "\r\n");
}

static void
mail_date(time_t t, char out[40])
{
    static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
text_part(struct buf *b, const char *rule, const struct event *e)
{
    const struct item *it = &e->item;
    char date[21] = "";

    if (it->published > 0) {
        timefmt_rfc3339(it->published, date);
        date[10] = '\0';
    }
    buf_printf(b, "[%d] %s\n", e->score, it->title ? it->title : "(untitled)");
    buf_printf(b, "%s%s%s%s%s\n\n", it->source_name ? it->source_name : "",
               date[0] ? ", " : "", date, e->kind ? ", " : "", e->kind ? e->kind : "");
    if (e->summary && *e->summary)
        buf_printf(b, "%s\n\n", e->summary);
    if (is_http(it->url))
        buf_printf(b, "Read: %s\n", it->url);
    if (e->guides.n > 0) {
        buf_puts(b, "Guides: ");
        for (size_t i = 0; i < e->guides.n; i++)
            buf_printf(b, "%s%s", i ? ", " : "", e->guides.v[i]);
        buf_putc(b, '\n');
    }
    buf_printf(b, "\n-- \nAlmanac alert \"%s\", event %lld\n", rule, (long long)it->id);
}

static void
html_text(struct buf *b, const char *s)
{
    if (s)
        buf_append_html(b, s, strlen(s));
}

static void
html_part(struct buf *b, const char *rule, const struct event *e)
{
    const struct item *it = &e->item;
    char date[21] = "";

    if (it->published > 0) {
        timefmt_rfc3339(it->published, date);
        date[10] = '\0';
    }
    buf_puts(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    buf_printf(b, "[%d] ", e->score);
    html_text(b, it->title);
    buf_puts(b, "</title></head><body>\n<h1>");
    buf_printf(b, "[%d] ", e->score);
    if (is_http(it->url)) {
        buf_puts(b, "<a href=\"");
        html_text(b, it->url);
        buf_puts(b, "\">");
        html_text(b, it->title ? it->title : "(untitled)");
        buf_puts(b, "</a>");
    } else {
        html_text(b, it->title ? it->title : "(untitled)");
    }
    buf_puts(b, "</h1>\n<p>");
    html_text(b, it->source_name);
    if (date[0]) {
        buf_puts(b, ", ");
        html_text(b, date);
    }
    if (e->kind) {
        buf_puts(b, ", ");
        html_text(b, e->kind);
    }
    buf_puts(b, "</p>\n");
    if (e->summary && *e->summary) {
        buf_puts(b, "<p>");
        html_text(b, e->summary);
        buf_puts(b, "</p>\n");
    }
    if (e->guides.n > 0) {
        buf_puts(b, "<p>Guides: ");
        for (size_t i = 0; i < e->guides.n; i++) {
            if (i > 0)
                buf_puts(b, ", ");
            html_text(b, e->guides.v[i]);
        }
        buf_puts(b, "</p>\n");
    }
    buf_puts(b, "<p style=\"color:#555\">Almanac alert &ldquo;");
    html_text(b, rule);
    buf_printf(b, "&rdquo;, event %lld</p>\n</body></html>\n", (long long)it->id);
}

void
alert_mail_message(struct buf *b, const char *from, const char *to, const char *rule,
                   const struct event *e, time_t now, long long id)
{
    char date[40], boundary[80];
    char *subject = subject_text(e);
    const char *domain = strchr(from, '@');
    struct buf part = BUF_INIT(BODY_MAX);

    mail_date(now, date);
    snprintf(boundary, sizeof(boundary), "almanac-%lld-%lld", id, (long long)now);
    buf_printf(b, "From: Almanac <%s>\r\nTo: <%s>\r\n", from, to);
    subject_header(b, subject);
    buf_printf(b, "Date: %s\r\n", date);
    buf_printf(b, "Message-ID: <alert-%lld-%lld@%s>\r\n", id, (long long)now,
               domain ? domain + 1 : "almanac");
    buf_printf(b, "X-Almanac-Rule: %s\r\nX-Almanac-Event: %lld\r\n", rule,
               (long long)e->item.id);
    buf_printf(b, "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
                  "boundary=\"%s\"\r\n\r\n", boundary);
    buf_puts(b, "This is a message in MIME format.\r\n");

    text_part(&part, rule, e);
    buf_printf(b, "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
    base64_lines(b, buf_cstr(&part), part.len);
    buf_reset(&part);
    html_part(&part, rule, e);
    buf_printf(b, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
    base64_lines(b, buf_cstr(&part), part.len);
    buf_printf(b, "\r\n--%s--\r\n", boundary);
    buf_fini(&part);
    free(subject);
}

/* ---- sending ---- */

struct due {
    struct alert_delivery *v;
    size_t n, cap;
};

static int
collect_due(const struct alert_delivery *d, void *arg)
{
    struct due *due = arg;
    struct alert_delivery *c;

    if (due->n == due->cap) {
        due->cap = due->cap ? due->cap * 2 : 16;
        due->v = xrealloc(due->v, due->cap * sizeof(*due->v));
    }
    c = &due->v[due->n++];
    *c = *d;
    c->rule = xstrdup(d->rule);
    c->state = "pending";
    c->error = NULL;
    return ALM_OK;
}

/* Tries one delivery; *res gets the transfer's result (NULL with *why set
 * when it never started). */
static void
try_one(const struct config *c, const struct alert_rule *r, const struct fetch_opts *o,
        const struct event *e, const struct alert_delivery *d, time_t now,
        struct fetch_result **res, char *why, size_t whylen)
{
    struct buf body = BUF_INIT(BODY_MAX);

    *res = NULL;
    if (r->webhook) {
        char sig[ALERT_SIGNATURE_SIZE + 32], id[64], rule[128];
        const char *hdrs[5];
        size_t nh = 0;
        struct fetch_post_req req = { 0 };

        alert_webhook_body(&body, r->name, e);
        hdrs[nh++] = "Content-Type: application/json";
        snprintf(rule, sizeof(rule), "X-Almanac-Rule: %s", r->name);
        hdrs[nh++] = rule;
        snprintf(id, sizeof(id), "X-Almanac-Delivery: %lld", (long long)d->id);
        hdrs[nh++] = id;
        if (r->secret_env) {
            const char *key = getenv(r->secret_env);
            char mac[ALERT_SIGNATURE_SIZE];

            if (key == NULL || *key == '\0') {
                err_set(why, whylen, "the environment variable %s (secret_env) is not set",
                        r->secret_env);
                buf_fini(&body);
                return;
            }
            if (alert_sign(key, strlen(key), buf_cstr(&body), body.len, mac) != ALM_OK) {
                err_set(why, whylen, "cannot sign the body");
                buf_fini(&body);
                return;
            }
            snprintf(sig, sizeof(sig), "X-Almanac-Signature: %s", mac);
            hdrs[nh++] = sig;
        }
        hdrs[nh] = NULL;
        req.url = r->webhook;
        req.headers = hdrs;
        req.body = buf_cstr(&body);
        req.len = body.len;
        req.allow_local = r->local;
        if (buf_cut(&body) || fetch_post(o, &req, res) != ALM_OK)
            err_set(why, whylen, "cannot start the request");
    } else {
        const struct smtp_conf *m = &c->smtp;
        const char *rcpt[2] = { r->email, NULL };
        const char *password = NULL;
        struct fetch_mail_req req = { 0 };

        if (m->password_env) {
            password = getenv(m->password_env);
            if (password == NULL) {
                err_set(why, whylen, "the environment variable %s (password_env) is not set",
                        m->password_env);
                return;
            }
        }
        alert_mail_message(&body, m->from, r->email, r->name, e, now, (long long)d->id);
        req.url = m->url;
        req.from = m->from;
        req.rcpt = rcpt;
        req.user = m->user;
        req.password = password;
        req.tls_optional = m->starttls_optional;
        req.ca_file = m->ca_file;
        req.message = buf_cstr(&body);
        req.len = body.len;
        req.allow_local = m->local;
        if (buf_cut(&body) || fetch_mail(o, &req, res) != ALM_OK)
            err_set(why, whylen, "cannot start the transfer");
    }
    buf_fini(&body);
}

int
alert_send(const struct config *c, struct store *st, const struct fetch_opts *o,
           time_t now, struct alert_stats *s, char *err, size_t errlen)
{
    struct due due = { 0 };
    int rc;

    if (c == NULL || st == NULL || o == NULL)
        return ALM_EINVAL;
    rc = store_alert_due(st, now, 0, collect_due, &due);
    if (rc != ALM_OK)
        err_set(err, errlen, "alerts: %s", store_error(st));
    for (size_t i = 0; i < due.n && rc == ALM_OK; i++) {
        struct alert_delivery *d = &due.v[i];
        const struct alert_rule *r = config_find_alert(c, d->rule);
        struct fetch_result *res = NULL;
        struct event e;
        char why[256] = "";
        int claimed = 0;

        if (r == NULL) {
            /* the rule left the configuration: nothing to send it with */
            d->state = "dead";
            d->error = "the rule is no longer in the configuration";
            rc = store_alert_update(st, d);
            if (s)
                s->dead++;
            continue;
        }
        if (alert_quiet(r, now, NULL)) {
            if (s)
                s->held++;
            continue;
        }
        /* Two senders at once (`almanac run` and a cron job's `alerts
         * send`) must not both send it: the first to claim it does. A
         * sender that dies holding it leaves it due again after the lease. */
        rc = store_alert_claim(st, d->id, now, now + ALERT_LEASE, &claimed);
        if (rc != ALM_OK) {
            err_set(err, errlen, "alerts: %s", store_error(st));
            break;
        }
        if (!claimed)
            continue;
        memset(&e, 0, sizeof(e));
        rc = store_get_event(st, d->event_id, &e);
        if (rc == ALM_ENOTFOUND) {
            rc = ALM_OK; /* pruned since: its row went with it */
            continue;
        }
        if (rc != ALM_OK) {
            err_set(err, errlen, "alerts: event %lld: %s", (long long)d->event_id,
                    store_error(st));
            break;
        }
        try_one(c, r, o, &e, d, now, &res, why, sizeof(why));
        d->attempts++;
        d->last_try = now;
        d->status = res ? res->status : 0;
        if (res && res->ok) {
            d->state = "sent";
            d->sent = now;
            d->error = NULL;
            if (s)
                s->sent++;
        } else {
            if (res && res->error)
                snprintf(why, sizeof(why), "%s", res->error);
            d->error = why[0] ? why : "failed";
            if (d->attempts >= r->attempts) {
                d->state = "dead";
                if (s)
                    s->dead++;
            } else {
                d->next_try = now + fetch_backoff(ALERT_RETRY_FIRST, d->attempts,
                                                  res ? res->retry_after : 0);
                if (s)
                    s->failed++;
            }
        }
        rc = store_alert_update(st, d);
        if (rc != ALM_OK)
            err_set(err, errlen, "alerts: %s", store_error(st));
        fetch_result_free(res);
        event_fini(&e);
    }
    for (size_t i = 0; i < due.n; i++)
        free((char *)due.v[i].rule);
    free(due.v);
    return rc;
}
