/*
 * ingest.c - `almanac ingest` and `almanac fetch`: the pipeline's first
 * three steps, fetch -> parse -> store, for every due source.
 *
 * Transfers run concurrently (fetch_run); each finished transfer is parsed
 * and its entries prepared (sanitized HTML, text, identity: store/rows.h)
 * on the fetching thread, then handed through a short queue to a writer
 * thread that stores it in its own transaction and logs the attempt. So
 * the two cores parse and write at once, one broken source never stops the
 * others, and a kill loses at most the feeds in flight (they were never
 * committed, nor was their fetch, so the next run takes them again).
 * Failures back off exponentially (5 min doubling, at most a day, never
 * sooner than a server's Retry-After). A full disk is not the source's
 * failure: the run stops storing at the first one, logs nothing for the
 * feeds it did not store (the next run takes them again) and exits 1.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "parse/feed.h"
#include "store/rows.h"

struct job {
    const struct source *src;
    int64_t source_id;
    int failures;
    char *url;
    char *etag, *last_modified;
    int snapshot;
    int pending;        /* snapshots of this source still in flight (on its first job) */
    struct job *first;  /* the source's first job */
    struct feed *feed;  /* a parsed snapshot waiting for its siblings */
};

/*
 * One finished transfer on its way to the writer: what to store (nothing
 * when the fetch or the parse failed, or a snapshot waits for its
 * siblings) and what to log. Owns every pointer.
 */
struct batch {
    struct job *j;
    struct feed *feed;
    struct feed_rows rows;
    char *error;           /* the fetch's or the parse's failure */
    long status, retry_after;
    int not_modified;
    size_t bytes;
    double duration;
    char *etag, *last_modified, *permanent_url;
    struct batch *next;
};

/* Prepared feeds waiting for the writer. One keeps it busy (the writer is
 * the slower side: a second changed nothing in bench/ingest) and bounds
 * memory to three feeds at once: one prepared, one waiting, one written. */
#define QUEUE_MAX 1

struct run {
    struct cli *c;
    struct job *jobs;
    size_t njobs;
    int progress;          /* stderr is a terminal: keep a live line */
    /* the queue from the fetching thread to the writer */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct batch *head, *tail;
    size_t queued;
    int closed;
    int full;              /* the disk is full: store nothing more (under lock) */
    /* the writer's own, read by the fetching thread only after the join */
    size_t done, unstored;
    int succeeded, failed;
    long long new_items, updated_items;
    char full_why[256];    /* the store's message when the disk filled up */
};

static time_t
backoff(int failures, long retry_after)
{
    time_t d = 300;

    for (int i = 1; i < failures && d < 86400; i++)
        d *= 2;
    if (d > 86400)
        d = 86400;
    if (retry_after > d)
        d = retry_after > 7 * 86400 ? 7 * 86400 : retry_after;
    return d;
}

static time_t
newest_entry(const struct feed *f)
{
    time_t t = 0;

    for (size_t i = 0; i < f->entries.n; i++) {
        const struct feed_entry *e = f->entries.v[i];
        if (e->has_published && e->published > t)
            t = e->published;
        if (e->has_updated && e->updated > t)
            t = e->updated;
    }
    return t;
}

/*
 * A source's snapshot files are captures of one feed at different times.
 * They are stored as one feed, newest capture first (the store keeps the
 * first copy of an entry listed twice), so re-ingesting them changes
 * nothing and the newest text of each item wins.
 */
static struct feed *
merge_snapshots(struct run *r, struct job *first)
{
    struct feed *all = NULL;

    for (;;) {
        struct job *best = NULL;
        for (size_t i = 0; i < r->njobs; i++) {
            struct job *j = &r->jobs[i];
            if (j->first == first && j->feed &&
                (best == NULL || newest_entry(j->feed) > newest_entry(best->feed)))
                best = j;
        }
        if (best == NULL)
            break;
        if (all == NULL) {
            all = best->feed;
        } else {
            for (size_t k = 0; k < best->feed->entries.n; k++)
                feed_list_push(&all->entries, best->feed->entries.v[k]);
            best->feed->entries.n = 0;
            feed_free(best->feed);
        }
        best->feed = NULL;
    }
    return all;
}

/*
 * Counts one snapshot of a source as done (fetched or failed); the last one
 * hands back the merged feed of those that arrived, the others NULL.
 */
static struct feed *
snapshot_done(struct run *r, struct job *j)
{
    if (--j->first->pending > 0)
        return NULL; /* stored with its last sibling */
    return merge_snapshots(r, j->first);
}

/* Parses a body; NULL with the reason in why when it is not a feed. */
static struct feed *
parse_body(const struct fetch_result *res, const char *base, char *why, size_t whylen)
{
    struct feed *f = feed_parse(res->body, res->len, base);

    if (f->format == FEED_UNKNOWN && f->entries.n == 0) {
        snprintf(why, whylen, "not a feed%s%s", f->bozo ? ": " : "",
                 f->bozo ? f->bozo_message : "");
        feed_free(f);
        return NULL;
    }
    return f;
}

static void
batch_free(struct batch *b)
{
    feed_rows_fini(&b->rows);
    feed_free(b->feed);
    free(b->error);
    free(b->etag);
    free(b->last_modified);
    free(b->permanent_url);
    free(b);
}

/* Writer side: the disk is full. Whatever comes next is not stored. */
static void
disk_full(struct run *r)
{
    snprintf(r->full_why, sizeof(r->full_why), "%s", store_error(r->c->st));
    pthread_mutex_lock(&r->lock);
    r->full = 1;
    pthread_mutex_unlock(&r->lock);
}

/* Writer side, once the disk is full: the batch is dropped unlogged, so
 * the next run fetches it again. */
static void
skip_batch(struct run *r, struct batch *b)
{
    r->done++;
    r->unstored++;
    if (r->progress)
        fprintf(stderr, "\r\033[K");
    printf("%-30s not stored: no space left for the database\n", b->j->src->slug);
    fflush(stdout);
}

/* Writer side: stores one batch, logs the attempt and prints its line. */
static void
write_batch(struct run *r, struct batch *b)
{
    struct job *j = b->j;
    struct put_stats stats = { 0, 0, 0 };
    struct fetch_record rec;
    const char *err = b->error;
    char why[512];
    time_t now = time(NULL);
    int interval = j->src->interval > 0 ? j->src->interval : r->c->cfg->interval;
    int rc = ALM_OK;

    if (r->full) {
        skip_batch(r, b);
        return;
    }
    r->done++;
    if (b->feed)
        rc = store_put_rows(r->c->st, j->source_id, &b->rows, r->c->now, &stats);
    if (rc == ALM_ENOSPC) {
        disk_full(r);
        r->unstored++;
        printf("%-30s FAILED  store: %s\n", j->src->slug, r->full_why);
        fflush(stdout);
        return;
    }
    if (rc != ALM_OK) {
        snprintf(why, sizeof(why), "store: %s", store_error(r->c->st));
        err = why;
    }
    memset(&rec, 0, sizeof(rec));
    rec.started = now - (time_t)b->duration;
    rec.status = b->status;
    rec.ok = err == NULL;
    rec.not_modified = b->not_modified;
    rec.bytes = b->bytes;
    rec.duration = b->duration;
    rec.new_items = stats.new_items;
    rec.updated_items = stats.updated_items;
    rec.error = err;
    rec.etag = b->etag;
    rec.last_modified = b->last_modified;
    rec.permanent_url = b->permanent_url;
    rec.next_due = now + (err ? backoff(j->failures + 1, b->retry_after) : interval);
    rc = store_record_fetch(r->c->st, j->source_id, &rec);
    if (rc == ALM_ENOSPC)
        disk_full(r); /* the feed is stored; its fetch is taken again next time */
    else if (rc != ALM_OK)
        fprintf(stderr, "almanac: %s: cannot log the fetch: %s\n", j->src->slug,
                store_error(r->c->st));

    if (err)
        r->failed++;
    else
        r->succeeded++;
    r->new_items += stats.new_items;
    r->updated_items += stats.updated_items;
    if (r->progress)
        fprintf(stderr, "\r\033[K");
    if (err)
        printf("%-30s FAILED  %s\n", j->src->slug, err);
    else if (b->not_modified)
        printf("%-30s %3ld not modified  %6.2fs\n", j->src->slug, b->status, b->duration);
    else
        printf("%-30s %3ld %9zu B %6.2fs  %4d new %4d updated %4d unchanged\n", j->src->slug,
               b->status, b->bytes, b->duration, stats.new_items, stats.updated_items,
               stats.unchanged);
    fflush(stdout);
    if (r->progress)
        fprintf(stderr, "[%zu/%zu] %d ok, %d failed, %lld new items", r->done, r->njobs,
                r->succeeded, r->failed, r->new_items);
}

/* The writer thread: the only user of the store while transfers run. */
static void *
writer_main(void *arg)
{
    struct run *r = arg;

    for (;;) {
        struct batch *b;

        pthread_mutex_lock(&r->lock);
        while (r->head == NULL && !r->closed)
            pthread_cond_wait(&r->changed, &r->lock);
        b = r->head;
        if (b) {
            r->head = b->next;
            if (r->head == NULL)
                r->tail = NULL;
            r->queued--;
            pthread_cond_broadcast(&r->changed);
        }
        pthread_mutex_unlock(&r->lock);
        if (b == NULL)
            return NULL; /* closed and drained */
        write_batch(r, b);
        batch_free(b);
    }
}

/* Fetching side: waits while the queue is full, then appends. */
static void
enqueue(struct run *r, struct batch *b)
{
    pthread_mutex_lock(&r->lock);
    while (r->queued >= QUEUE_MAX)
        pthread_cond_wait(&r->changed, &r->lock);
    if (r->tail)
        r->tail->next = b;
    else
        r->head = b;
    r->tail = b;
    r->queued++;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Fetching side: parse and prepare what arrived, hand it to the writer. */
static void
on_done(const struct fetch_result *res, void *arg)
{
    struct run *r = arg;
    struct job *j = res->user;
    struct batch *b = xcalloc(1, sizeof(*b));
    const char *base = res->effective_url ? res->effective_url : j->url;
    char why[512];
    int full;

    if (j->snapshot)
        base = j->src->site_url ? j->src->site_url : j->src->feed_url;
    b->j = j;
    b->status = res->status;
    b->retry_after = res->retry_after;
    b->not_modified = res->not_modified;
    b->bytes = res->len;
    b->duration = res->duration;
    pthread_mutex_lock(&r->lock);
    full = r->full;
    pthread_mutex_unlock(&r->lock);
    if (full) {
        enqueue(r, b); /* nothing to parse: it will not be stored */
        return;
    }
    if (!res->ok) {
        b->error = xstrdup(res->error ? res->error : "fetch failed");
    } else if (!res->not_modified) {
        b->feed = parse_body(res, base, why, sizeof(why));
        if (b->feed == NULL)
            b->error = xstrdup(why);
    }
    if (j->snapshot) {
        /* a capture waits for its siblings; the last one brings them all */
        if (b->feed)
            j->feed = b->feed;
        b->feed = snapshot_done(r, j);
    } else {
        b->etag = dup_or_null(res->etag);
        b->last_modified = dup_or_null(res->last_modified);
        b->permanent_url = dup_or_null(res->permanent_url);
    }
    if (b->feed)
        feed_rows_prepare(&b->rows, b->feed, base, r->c->now);
    enqueue(r, b);
}

static int
named(int argc, char **argv, const char *slug)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], slug) == 0)
            return 1;
    }
    return 0;
}

static void
add_job(struct run *r, const struct source *src, const struct source_state *ss,
        char *url, int snapshot)
{
    struct job *j;

    r->jobs = xrealloc(r->jobs, (r->njobs + 1) * sizeof(*r->jobs));
    j = &r->jobs[r->njobs++];
    memset(j, 0, sizeof(*j));
    j->src = src;
    j->source_id = ss->id;
    j->failures = ss->failures;
    j->url = url;
    j->snapshot = snapshot;
    if (!snapshot) {
        j->etag = xstrdup(ss->etag);
        j->last_modified = xstrdup(ss->last_modified);
    }
}

/* Adds the jobs for one source: ALM_OK, or the store's failure (printed
 * unless it is ALM_ENOSPC, which stops the run and is said once). */
static int
plan_source(struct run *r, const struct source *src, int snapshot, int force)
{
    struct cli *c = r->c;
    struct source_state ss;
    int64_t id;
    int rc = store_sync_source(c->st, src, &id);

    if (rc == ALM_OK)
        rc = store_get_source(c->st, src->slug, &ss);
    if (rc == ALM_ENOSPC)
        return rc;
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s: %s\n", src->slug, store_error(c->st));
        return rc;
    }
    if (snapshot) {
        for (size_t k = 0; k < src->nsnapshots; k++) {
            char *path = config_snapshot_path(c->cfg, src->snapshots[k]);
            size_t n = strlen(path) + 8;
            char *url = xmalloc(n);
            snprintf(url, n, "file://%s", path);
            free(path);
            add_job(r, src, &ss, url, 1);
        }
    } else if (force || ss.next_due <= time(NULL)) {
        add_job(r, src, &ss, xstrdup(ss.feed_url), 0);
    }
    source_state_fini(&ss);
    return ALM_OK;
}

/* Where the database is, for messages. */
static const char *
db_name(const struct cli *c)
{
    return c->db_path ? c->db_path : c->cfg->database;
}

static int
run_pipeline(struct cli *c, int argc, char **argv, int snapshot, int force_all, int force_named)
{
    struct run r = { .c = c };
    struct fetch_opts o;
    struct fetch_req *reqs;
    pthread_t writer;
    const char *local = getenv("ALMANAC_ALLOW_LOCAL");
    int unknown = 0, analysed = 0, unplanned = 0, rc;

    if (cli_config(c) == NULL || cli_store(c) == NULL)
        return 1;
    for (int i = 0; i < argc; i++) {
        if (config_find(c->cfg, argv[i]) == NULL) {
            fprintf(stderr, "almanac: no source '%s' in %s\n", argv[i], c->cfg->path);
            unknown = 1;
        }
    }
    if (unknown)
        return 2;
    for (size_t i = 0; i < c->cfg->nsources; i++) {
        const struct source *src = &c->cfg->sources[i];
        int is_named = argc > 0 && named(argc, argv, src->slug);
        if (argc > 0 && !is_named)
            continue;
        if (!src->enabled && !is_named)
            continue;
        rc = plan_source(&r, src, snapshot, force_all || (force_named && is_named));
        if (rc == ALM_ENOSPC) {
            fprintf(stderr, "almanac: no space left for the database %s: %s; nothing was "
                            "fetched\n", db_name(c), store_error(c->st));
            for (size_t k = 0; k < r.njobs; k++)
                free(r.jobs[k].url), free(r.jobs[k].etag), free(r.jobs[k].last_modified);
            free(r.jobs);
            return 1;
        }
        if (rc != ALM_OK)
            unplanned++;
    }
    /* Snapshot jobs of one source know their first sibling (the array
     * no longer moves). */
    for (size_t i = 0; i < r.njobs; i++) {
        struct job *j = &r.jobs[i];
        j->first = j;
        if (i > 0 && r.jobs[i - 1].src == j->src)
            j->first = r.jobs[i - 1].first;
        j->first->pending++;
    }
    if (r.njobs == 0 && unplanned > 0) {
        fprintf(stderr, "almanac: nothing ingested: the store failed for %d source%s\n",
                unplanned, unplanned == 1 ? "" : "s");
        free(r.jobs);
        return 1;
    }
    if (r.njobs == 0) {
        printf("nothing to do: no source is due%s\n",
               snapshot ? " (no source has a snapshot)" : "");
        free(r.jobs);
        return 0;
    }

    fetch_opts_default(&o);
    o.user_agent = c->cfg->user_agent;
    o.concurrency = c->cfg->concurrency;
    o.per_host = c->cfg->per_host;
    o.timeout = c->cfg->timeout;
    o.max_bytes = (size_t)c->cfg->max_bytes;
    o.allow_local_all = local && strcmp(local, "1") == 0;
    reqs = xcalloc(r.njobs, sizeof(*reqs));
    for (size_t i = 0; i < r.njobs; i++) {
        reqs[i].url = r.jobs[i].url;
        reqs[i].etag = r.jobs[i].etag;
        reqs[i].last_modified = r.jobs[i].last_modified;
        reqs[i].allow_local = r.jobs[i].snapshot || r.jobs[i].src->local;
        reqs[i].user = &r.jobs[i];
    }
    r.progress = isatty(STDERR_FILENO);
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    if (pthread_create(&writer, NULL, writer_main, &r) != 0) {
        fprintf(stderr, "almanac: cannot start the writer thread\n");
        exit(1);
    }
    fetch_run(&o, reqs, r.njobs, on_done, &r);
    pthread_mutex_lock(&r.lock);
    r.closed = 1;
    pthread_cond_broadcast(&r.changed);
    pthread_mutex_unlock(&r.lock);
    pthread_join(writer, NULL);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&r.lock);
    if (r.progress)
        fprintf(stderr, "\r\033[K");
    printf("%zu fetches: %d ok, %d failed; %lld new items, %lld updated; %lld stored in all\n",
           r.njobs, r.succeeded, r.failed, r.new_items, r.updated_items,
           (long long)store_count_items(c->st, 0));
    for (size_t i = 0; i < r.njobs; i++) {
        free(r.jobs[i].url);
        free(r.jobs[i].etag);
        free(r.jobs[i].last_modified);
        feed_free(r.jobs[i].feed);
    }
    free(r.jobs);
    free(reqs);
    if (r.full) {
        fprintf(stderr, "almanac: stopped: no space left for the database %s: %s. What was "
                        "stored is kept (%d feeds); the %zu not stored are fetched again on "
                        "the next run\n", db_name(c), r.full_why, r.succeeded, r.unstored);
        return 1;
    }
    /* Analysis runs over whatever was stored, even after partial failure. */
    if (!c->no_analyze && (r.new_items + r.updated_items > 0 ||
                           store_count_events(c->st) < store_count_items(c->st, 0)))
        analysed = cli_analyze(c, 0);
    /* Non-zero when nothing could be ingested at all, or the analysis of
     * what was failed (it is retried on the next run). */
    return r.succeeded == 0 || analysed != 0 ? 1 : 0;
}

int
cmd_ingest(struct cli *c, int argc, char **argv)
{
    int snapshot = 0, all = 0, i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--snapshot") == 0) {
            snapshot = 1;
        } else if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (strcmp(argv[i], "--no-analyze") == 0) {
            c->no_analyze = 1; /* a bulk load: `almanac analyze` later */
        } else {
            fprintf(stderr, "usage: almanac ingest [--snapshot] [--all] [--no-analyze] "
                            "[SOURCE...]\n");
            return 2;
        }
    }
    return run_pipeline(c, argc - i, argv + i, snapshot, all, 0);
}

int
cmd_fetch(struct cli *c, int argc, char **argv)
{
    if (argc > 1 && argv[1][0] == '-') {
        fprintf(stderr, "usage: almanac fetch [SOURCE...]\n");
        return 2;
    }
    /* Named sources are fetched now; with no names, every enabled one. */
    return run_pipeline(c, argc - 1, argv + 1, 0, argc == 1, 1);
}
