/*
 * alerts.c - `almanac alerts [send]`: the rules of the configuration, the
 * recent deliveries, the pending retries and the dead letters; `send`
 * queues what the rules match and delivers what is due (as ingest does
 * after its analysis, cli_alerts()).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "fetch/fetch.h"

static const char alerts_usage[] = "usage: almanac alerts [--limit N] | alerts send\n";

/* A webhook's URL may carry its credential in the path or query (many
 * services' do): only the scheme and host are shown. */
static void
print_target(const struct alert_rule *r)
{
    if (r->email) {
        printf("e-mail to %s", r->email);
        return;
    }
    const char *h = strstr(r->webhook, "://");
    size_t n = h ? 3 + strcspn(h + 3, "/?#") : strlen(r->webhook);
    const char *at = memchr(r->webhook, '@', n);

    if (h && at) /* user:password@host: not shown either */
        printf("webhook %.*s***@%.*s/...%s", (int)(h + 3 - r->webhook), r->webhook,
               (int)(n - (size_t)(at + 1 - r->webhook)), at + 1,
               r->secret_env ? " (signed)" : "");
    else
        printf("webhook %.*s/...%s", (int)n, r->webhook, r->secret_env ? " (signed)" : "");
}

static void
print_rule(const struct alert_rule *r)
{
    printf("  %-20s ", r->name);
    if (r->min_score)
        printf("score >= %d, ", r->min_score);
    if (r->guide)
        printf("guide %s, ", r->guide);
    if (r->entity)
        printf("entity %s, ", r->entity);
    if (r->source)
        printf("source %s, ", r->source);
    if (r->kind)
        printf("kind %s, ", r->kind);
    printf("published within %dh -> ", r->max_age);
    print_target(r);
    if (r->quiet_start >= 0)
        printf("; quiet %02d:%02d-%02d:%02d UTC", r->quiet_start / 60, r->quiet_start % 60,
               r->quiet_end / 60, r->quiet_end % 60);
    printf("; %d attempts\n", r->attempts);
}

static void
print_time(time_t t)
{
    char iso[21];

    if (t <= 0) {
        printf("%-20s", "-");
        return;
    }
    timefmt_rfc3339(t, iso);
    printf("%-20s", iso);
}

/* One line of a delivery: when, rule, event, state and what happened. */
static int
print_delivery(const struct alert_delivery *d, void *arg)
{
    int *n = arg;
    const char *state = d->state;

    (*n)++;
    printf("  ");
    print_time(d->sent ? d->sent : d->last_try ? d->last_try : d->created);
    if (strcmp(state, "dead") == 0)
        state = "dead letter";
    printf(" %-16s event %-8" PRId64 " %-11s %d attempt%s", d->rule, d->event_id, state,
           d->attempts, d->attempts == 1 ? "" : "s");
    if (strcmp(d->state, "pending") == 0) {
        printf(", next ");
        print_time(d->next_try);
    }
    if (d->status)
        printf(", last status %ld", d->status);
    if (d->error && strcmp(d->state, "sent") != 0)
        printf(": %s", d->error);
    printf("\n");
    return ALM_OK;
}

static int
list_section(struct cli *c, const char *title, const char *state, int limit)
{
    int n = 0, rc;

    printf("\n%s:\n", title);
    rc = store_alert_list(c->st, state, limit, print_delivery, &n);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: alerts: %s\n", store_error(c->st));
        return 1;
    }
    if (n == 0)
        printf("  none\n");
    return 0;
}

/* Only the pending ones that failed at least once: the retries. */
static int
print_retry(const struct alert_delivery *d, void *arg)
{
    return d->attempts > 0 ? print_delivery(d, arg) : ALM_OK;
}

int
cli_alerts(struct cli *c, int quiet)
{
    struct fetch_opts o;
    struct alert_stats s = { 0 };
    const char *local = getenv("ALMANAC_ALLOW_LOCAL");
    char err[512] = "";

    if (cli_defs(c) == NULL)
        return 1;
    if (c->cfg->nalerts == 0) {
        if (!quiet)
            printf("no alert rules in %s\n", c->cfg->path);
        return 0;
    }
    fetch_opts_default(&o);
    o.user_agent = c->cfg->user_agent;
    /* within the lease a sender holds a delivery for (ALERT_LEASE) */
    o.timeout = c->cfg->timeout < 300 ? c->cfg->timeout : 300;
    o.allow_local_all = local && strcmp(local, "1") == 0;
    if (alert_queue(c->cfg, c->st, c->now, &s, err, sizeof(err)) != ALM_OK ||
        alert_send(c->cfg, c->st, &o, c->now, &s, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", err);
        return 1;
    }
    printf("alerts: %d new, %d sent, %d to retry, %d dead letters, %d held by quiet hours\n",
           s.queued, s.sent, s.failed, s.dead, s.held);
    return 0;
}

int
cmd_alerts(struct cli *c, int argc, char **argv)
{
    long long limit = 20;
    int rc = 0, n = 0;

    if (argc >= 2 && strcmp(argv[1], "send") == 0) {
        if (argc > 2) {
            fprintf(stderr, "almanac: alerts send: unknown argument '%s'\n%s", argv[2],
                    alerts_usage);
            return 2;
        }
        return cli_alerts(c, 0);
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (cli_number("--limit", argv[++i], 1, INT_MAX, &limit) != ALM_OK)
                return 2;
        } else {
            fprintf(stderr, "almanac: alerts: unknown argument '%s'\n%s", argv[i], alerts_usage);
            return 2;
        }
    }
    if (cli_defs(c) == NULL)
        return 1;
    printf("rules (%zu):\n", c->cfg->nalerts);
    for (size_t i = 0; i < c->cfg->nalerts; i++)
        print_rule(&c->cfg->alerts[i]);
    if (c->cfg->nalerts == 0)
        printf("  none: add an [alert NAME] section (man almanac.conf)\n");
    rc |= list_section(c, "recent deliveries", NULL, (int)limit);
    printf("\npending retries:\n");
    if (store_alert_list(c->st, "pending", 0, print_retry, &n) != ALM_OK) {
        fprintf(stderr, "almanac: alerts: %s\n", store_error(c->st));
        return 1;
    }
    if (n == 0)
        printf("  none\n");
    rc |= list_section(c, "dead letters", "dead", (int)limit);
    return rc;
}
