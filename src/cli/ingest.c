/*
 * ingest.c - `almanac ingest` and `almanac fetch`: the ingest stage
 * (ingest/ingest.h) over the configured sources, one line per transfer,
 * then the analysis of what changed. `almanac run` ingests through
 * cli_ingest too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/logfmt.h"
#include "cli/cli.h"
#include "ingest/ingest.h"
#include "store/store_admin.h"

/* Where the database is, for messages. */
static const char *
db_name(const struct cli *c)
{
    return c->db_path ? c->db_path : c->cfg->database;
}

/* One transfer's line on stdout; with a terminal on stderr, a live line of
 * the run's progress below it. Called from the writer thread. */
static void
print_report(const struct ingest_report *r, void *arg)
{
    int live = *(const int *)arg;

    switch (r->outcome) {
    case INGEST_PLAN_FAILED:
        logfmt_print(stderr, "error", "source not fetched: the store failed", "source", r->slug,
                     "error", r->error, (char *)NULL);
        return;
    case INGEST_NOT_STORED:
        if (live)
            fprintf(stderr, "\r\033[K");
        printf("%-30s not stored: no space left for the database\n", r->slug);
        fflush(stdout);
        return;
    case INGEST_STORE_FULL:
        printf("%-30s FAILED  store: %s\n", r->slug, r->error);
        fflush(stdout);
        return;
    default:
        break;
    }
    if (r->log_error)
        logfmt_print(stderr, "warn", "cannot log the fetch", "source", r->slug, "error",
                     r->log_error, (char *)NULL);
    if (live)
        fprintf(stderr, "\r\033[K");
    if (r->outcome == INGEST_FAILED)
        printf("%-30s FAILED  %s\n", r->slug, r->error);
    else if (r->outcome == INGEST_NOT_MODIFIED)
        printf("%-30s %3ld not modified  %6.2fs\n", r->slug, r->status, r->duration);
    else
        printf("%-30s %3ld %9zu B %6.2fs  %4d new %4d updated %4d unchanged\n", r->slug,
               r->status, r->bytes, r->duration, r->stats.new_items, r->stats.updated_items,
               r->stats.unchanged);
    fflush(stdout);
    if (live)
        fprintf(stderr, "[%zu/%zu] %d ok, %d failed, %lld new items", r->done, r->total,
                r->succeeded, r->failed, r->new_items);
}

/* How long a worker's analysis holds the store's "analyze" lease at most:
 * a worker killed while analysing keeps others from it this long. */
#define ANALYZE_LEASE 3600

/*
 * A worker analyses only while no other worker does (the "analyze" lease),
 * so each new item is analysed once whichever worker stored it; items
 * stored while another analyses are taken by the next worker's run.
 */
static int
analyse_as_worker(struct cli *c, const char *worker)
{
    int rc = store_take_lease(c->st, "analyze", worker, time(NULL), ANALYZE_LEASE);

    if (rc == ALM_EDENIED) {
        printf("analysis: another worker is analysing; its next run takes what is left\n");
        return 0;
    }
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: analysis lease: %s\n", store_error(c->st));
        return 1;
    }
    rc = cli_analyze(c, 0);
    /* The model's summaries under the same lease: two workers never ask
     * for the same item at once. */
    if (rc == 0)
        rc = cli_summarize(c, -1);
    (void)store_drop_lease(c->st, "analyze", worker);
    return rc;
}

int
cli_ingest(struct cli *c, const struct ingest_options *opts)
{
    struct ingest_options o = *opts;
    struct ingest_result res;
    int live = isatty(STDERR_FILENO);
    struct ingest_progress progress = { print_report, &live };
    const char *local = getenv("ALMANAC_ALLOW_LOCAL");
    int64_t items = -1, events = -1;
    int unknown = 0, analysed = 0, rc;

    if (cli_defs(c) == NULL)
        return 1;
    for (size_t i = 0; i < o.nonly; i++) {
        if (config_find(c->cfg, o.only[i]) == NULL) {
            fprintf(stderr, "almanac: no source '%s' in %s\n", o.only[i], c->cfg->path);
            unknown = 1;
        }
    }
    if (unknown)
        return 2;
    o.now = c->now;
    o.allow_local_all = local && strcmp(local, "1") == 0;
    rc = ingest_run(c->cfg, c->st, &o, &progress, &res);
    if (rc == ALM_ENOSPC) {
        logfmt_print(stderr, "error", "no space left for the database; nothing was fetched",
                     "db", db_name(c), "error", res.full_why, (char *)NULL);
        return 1;
    }
    if (rc == ALM_EIO) {
        logfmt_print(stderr, "error", "cannot start the writer thread", (char *)NULL);
        return 1;
    }
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: ingest: %s\n", store_error(c->st));
        return 1;
    }
    if (res.foreign > 0)
        fprintf(stderr, "almanac: %d claimed source%s not in %s: left to a worker that has "
                        "them\n", res.foreign, res.foreign == 1 ? "" : "s", c->cfg->path);
    if (res.fetches == 0 && res.unplanned > 0) {
        char n[16];

        snprintf(n, sizeof(n), "%d", res.unplanned);
        logfmt_print(stderr, "error", "nothing ingested: the store failed", "sources", n,
                     (char *)NULL);
        return 1;
    }
    if (res.fetches == 0) {
        printf("nothing to do: no source is due%s\n",
               o.snapshot ? " (no source has a snapshot)" : "");
        /* A worker may find items other workers stored while someone else
         * was analysing: it analyses them now. */
        if (o.worker && !c->no_analyze && store_count_events(c->st, &events) == ALM_OK &&
            store_count_items(c->st, 0, &items) == ALM_OK && events < items)
            return analyse_as_worker(c, o.worker);
        return 0;
    }
    if (live)
        fprintf(stderr, "\r\033[K");
    if (store_count_items(c->st, 0, &items) != ALM_OK)
        items = -1;
    printf("%zu fetches: %d ok, %d failed; %lld new items, %lld updated; %lld stored in all\n",
           res.fetches, res.succeeded, res.failed, res.new_items, res.updated_items,
           (long long)items);
    if (res.articles.planned > 0)
        printf("%d articles: %d extracted, %d not modified, %d failed, %d refused by "
               "robots.txt\n", res.articles.planned, res.articles.fetched,
               res.articles.not_modified, res.articles.failed, res.articles.refused);
    if (res.full) {
        char kept[16], again[24];

        snprintf(kept, sizeof(kept), "%d", res.succeeded);
        snprintf(again, sizeof(again), "%zu", res.unstored);
        logfmt_print(stderr, "error", "stopped: no space left for the database; what was stored "
                     "is kept, the feeds not stored are fetched again on the next run",
                     "db", db_name(c), "error", res.full_why, "stored_feeds", kept,
                     "unstored_feeds", again, (char *)NULL);
        return 1;
    }
    /* Analysis runs over whatever was stored, even after partial failure. */
    if (!c->no_analyze &&
        (res.new_items + res.updated_items + res.articles.fetched > 0 ||
         store_count_events(c->st, &events) != ALM_OK ||
         store_count_items(c->st, 0, &items) != ALM_OK || events < items))
        analysed = o.worker ? analyse_as_worker(c, o.worker) : cli_analyze(c, 0);
    /* The model's summaries (an [llm] section) before the alerts carry them;
     * a failed request never fails the run. */
    if (!c->no_analyze && analysed == 0 && !o.worker)
        analysed = cli_summarize(c, -1);
    /* Alerts go out after the analysis that scored the events; a store
     * failure there fails the run, a failed delivery does not. */
    if (!c->no_analyze && analysed == 0 && c->cfg->nalerts > 0)
        analysed = cli_alerts(c, 1);
    /* Non-zero when nothing could be ingested at all, or the analysis of
     * what was failed (it is retried on the next run). */
    return res.succeeded == 0 || analysed != 0 ? 1 : 0;
}

int
cmd_ingest(struct cli *c, int argc, char **argv)
{
    struct ingest_options o = { 0 };
    int snapshot = 0, all = 0, worker = 0, i;
    char id[300];
    const char *name = NULL;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--snapshot") == 0) {
            snapshot = 1;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (strcmp(argv[i], "--no-analyze") == 0) {
            c->no_analyze = 1; /* a bulk load: `almanac analyze` later */
        } else if (strcmp(argv[i], "--worker") == 0) {
            worker = 1;
        } else if (strcmp(argv[i], "--worker-id") == 0 && i + 1 < argc && argv[i + 1][0]) {
            name = argv[++i];
        } else if (strcmp(argv[i], "--lease") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 10 || v > 86400) {
                fprintf(stderr, "almanac: ingest: --lease '%s': seconds from 10 to 86400\n",
                        argv[i]);
                return 2;
            }
            o.lease_secs = (int)v;
        } else {
            fprintf(stderr, "almanac: ingest: unknown option '%s'\n", argv[i]);
            fprintf(stderr, "usage: almanac ingest [--snapshot] [--all] [--no-analyze] "
                            "[SOURCE...]\n");
            return 2;
        }
    }
    if ((name || o.lease_secs) && !worker) {
        fprintf(stderr, "almanac: ingest: --worker-id and --lease go with --worker\n");
        return 2;
    }
    if (worker && (snapshot || all || i < argc)) {
        fprintf(stderr, "almanac: ingest: --worker takes the due sources of the whole "
                        "configuration: not with --snapshot, --all or SOURCEs\n");
        return 2;
    }
    if (worker) {
        if (name == NULL) {
            char host[256];
            if (gethostname(host, sizeof(host)) != 0)
                snprintf(host, sizeof(host), "localhost");
            host[sizeof(host) - 1] = '\0';
            snprintf(id, sizeof(id), "%s:%ld", host, (long)getpid());
            name = id;
        }
        o.worker = name;
    }
    o.only = (const char *const *)(argv + i);
    o.nonly = (size_t)(argc - i);
    o.snapshot = snapshot;
    o.force_all = all;
    return cli_ingest(c, &o);
}

int
cmd_fetch(struct cli *c, int argc, char **argv)
{
    struct ingest_options o = { 0 };

    if (argc > 1 && argv[1][0] == '-') {
        fprintf(stderr, "almanac: fetch: unknown option '%s'\n", argv[1]);
        fprintf(stderr, "usage: almanac fetch [SOURCE...]\n");
        return 2;
    }
    /* Named sources are fetched now; with no names, every enabled one. */
    o.only = (const char *const *)(argv + 1);
    o.nonly = (size_t)(argc - 1);
    o.force_all = argc == 1;
    o.force_named = 1;
    return cli_ingest(c, &o);
}
