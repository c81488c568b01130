/*
 * ingest.c - the ingest stage (see ingest.h): plans the due sources' jobs,
 * runs the transfers, parses and prepares each finished one on this
 * thread and stores it on a writer thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "fetch/fetch.h"
#include "ingest/ingest.h"
#include "ingest/rows.h"
#include "parse/feed.h"
#include "store/store.h"
#include "store/store_ingest.h"

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
    struct store_rows rows;
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
    const struct config *cfg;
    struct store *st;
    time_t now;
    const struct ingest_progress *progress;
    const char *worker;    /* worker mode: the name its leases are held under */
    int lease_secs;
    struct job *jobs;
    size_t njobs;
    size_t fetches;        /* jobs run, every batch of a worker's included */
    const char **mine;     /* worker mode: the slugs it fetched (borrowed from cfg) */
    size_t nmine;
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
    char full_why[sizeof(((struct ingest_result *)0)->full_why)]; /* the store's message
                                                                 * when the disk filled */
};

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
    ingest_rows_fini(&b->rows);
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
    snprintf(r->full_why, sizeof(r->full_why), "%s", store_error(r->st));
    pthread_mutex_lock(&r->lock);
    r->full = 1;
    pthread_mutex_unlock(&r->lock);
}

/* Hands one transfer's fate to the caller. */
static void
report(struct run *r, struct ingest_report *rep, const struct job *j)
{
    rep->slug = j->src->slug;
    rep->done = r->done;
    rep->total = r->njobs;
    rep->succeeded = r->succeeded;
    rep->failed = r->failed;
    rep->new_items = r->new_items;
    if (r->progress && r->progress->report)
        r->progress->report(rep, r->progress->arg);
}

/* Writer side, once the disk is full: the batch is dropped unlogged, so
 * the next run fetches it again. */
static void
skip_batch(struct run *r, struct batch *b)
{
    struct ingest_report rep = { .outcome = INGEST_NOT_STORED };

    r->done++;
    r->unstored++;
    report(r, &rep, b->j);
}

/*
 * Worker mode, writer side: the source is recorded, so it goes back, and
 * the heartbeat extends what the worker still holds. A failure here only
 * leaves a lease to run out (the source waits until then): nothing to
 * report.
 */
static void
give_back(struct run *r, int64_t source_id)
{
    time_t now = time(NULL);

    (void)store_release_source(r->st, r->worker, source_id);
    (void)store_renew_leases(r->st, r->worker, now, r->lease_secs);
}

/* Writer side: stores one batch, logs the attempt and reports it. */
static void
write_batch(struct run *r, struct batch *b)
{
    struct job *j = b->j;
    struct ingest_report rep = { .outcome = INGEST_STORED };
    struct fetch_record rec;
    const char *err = b->error;
    char why[512], logwhy[512];
    time_t now = time(NULL);
    int interval = j->src->interval > 0 ? j->src->interval : r->cfg->interval;
    int rc = ALM_OK;

    if (r->full) {
        skip_batch(r, b);
        return;
    }
    r->done++;
    rep.status = b->status;
    rep.bytes = b->bytes;
    rep.duration = b->duration;
    if (b->feed)
        rc = store_put_rows(r->st, j->source_id, &b->rows, r->now, &rep.stats);
    if (rc == ALM_ENOSPC) {
        disk_full(r);
        r->unstored++;
        rep.outcome = INGEST_STORE_FULL;
        rep.error = r->full_why;
        report(r, &rep, j);
        return;
    }
    if (rc != ALM_OK) {
        snprintf(why, sizeof(why), "store: %s", store_error(r->st));
        err = why;
        memset(&rep.stats, 0, sizeof(rep.stats));
    }
    memset(&rec, 0, sizeof(rec));
    rec.started = now - (time_t)b->duration;
    rec.status = b->status;
    rec.ok = err == NULL;
    rec.not_modified = b->not_modified;
    rec.bytes = b->bytes;
    rec.duration = b->duration;
    rec.new_items = rep.stats.new_items;
    rec.updated_items = rep.stats.updated_items;
    rec.error = err;
    rec.etag = b->etag;
    rec.last_modified = b->last_modified;
    rec.permanent_url = b->permanent_url;
    rec.next_due = now + (err ? fetch_backoff(300, j->failures + 1, b->retry_after) : interval);
    rc = store_record_fetch(r->st, j->source_id, &rec);
    if (rc == ALM_ENOSPC) {
        disk_full(r); /* the feed is stored; its fetch is taken again next time */
    } else if (rc != ALM_OK) {
        snprintf(logwhy, sizeof(logwhy), "%s", store_error(r->st));
        rep.log_error = logwhy;
    }
    if (r->worker)
        give_back(r, j->source_id);

    if (err)
        r->failed++;
    else
        r->succeeded++;
    r->new_items += rep.stats.new_items;
    r->updated_items += rep.stats.updated_items;
    if (err) {
        rep.outcome = INGEST_FAILED;
        rep.error = err;
    } else if (b->not_modified) {
        rep.outcome = INGEST_NOT_MODIFIED;
    }
    report(r, &rep, j);
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
        ingest_rows_prepare(&b->rows, b->feed, base, r->now);
    enqueue(r, b);
}

static int
named(const struct ingest_options *o, const char *slug)
{
    for (size_t i = 0; i < o->nonly; i++) {
        if (strcmp(o->only[i], slug) == 0)
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

/* Adds the jobs for one source: ALM_OK, or the store's failure (reported
 * unless it is ALM_ENOSPC, which stops the run). */
static int
plan_source(struct run *r, const struct source *src, int snapshot, int force)
{
    struct source_state ss;
    int64_t id;
    int rc = store_sync_source(r->st, src, &id);

    if (rc == ALM_OK)
        rc = store_get_source(r->st, src->slug, &ss);
    if (rc == ALM_ENOSPC)
        return rc;
    if (rc != ALM_OK) {
        struct ingest_report rep = { .outcome = INGEST_PLAN_FAILED,
                                     .error = store_error(r->st) };
        report(r, &rep, &(struct job){ .src = src });
        return rc;
    }
    if (snapshot) {
        for (size_t k = 0; k < src->nsnapshots; k++) {
            char *path = config_snapshot_path(r->cfg, src->snapshots[k]);
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

static void
free_jobs(struct run *r)
{
    for (size_t i = 0; i < r->njobs; i++) {
        free(r->jobs[i].url);
        free(r->jobs[i].etag);
        free(r->jobs[i].last_modified);
        feed_free(r->jobs[i].feed);
    }
    free(r->jobs);
    r->jobs = NULL;
    r->njobs = 0;
}

/* The writer thread's totals, handed back. */
static void
result_from(const struct run *r, struct ingest_result *out)
{
    out->succeeded = r->succeeded;
    out->failed = r->failed;
    out->new_items = r->new_items;
    out->updated_items = r->updated_items;
    out->unstored = r->unstored;
    out->full = r->full;
    snprintf(out->full_why, sizeof(out->full_why), "%s", r->full_why);
}

/*
 * Fetches r's jobs and stores them through the writer thread; the jobs are
 * gone after. ALM_EIO when the writer thread cannot start.
 */
static int
run_jobs(struct run *r, const struct ingest_options *o)
{
    const struct config *cfg = r->cfg;
    struct fetch_opts fo;
    struct fetch_req *reqs;
    pthread_t writer;

    /* Snapshot jobs of one source know their first sibling (the array
     * no longer moves). */
    for (size_t i = 0; i < r->njobs; i++) {
        struct job *j = &r->jobs[i];
        j->first = j;
        if (i > 0 && r->jobs[i - 1].src == j->src)
            j->first = r->jobs[i - 1].first;
        j->first->pending++;
    }
    if (r->njobs == 0)
        return ALM_OK;

    fetch_opts_default(&fo);
    fo.user_agent = cfg->user_agent;
    fo.concurrency = cfg->concurrency;
    fo.per_host = cfg->per_host;
    fo.timeout = cfg->timeout;
    fo.max_bytes = (size_t)cfg->max_bytes;
    fo.allow_local_all = o->allow_local_all;
    reqs = xcalloc(r->njobs, sizeof(*reqs));
    for (size_t i = 0; i < r->njobs; i++) {
        reqs[i].url = r->jobs[i].url;
        reqs[i].etag = r->jobs[i].etag;
        reqs[i].last_modified = r->jobs[i].last_modified;
        reqs[i].allow_local = r->jobs[i].snapshot || r->jobs[i].src->local;
        reqs[i].user = &r->jobs[i];
    }
    r->closed = 0;
    r->done = 0;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->changed, NULL);
    if (pthread_create(&writer, NULL, writer_main, r) != 0) {
        pthread_cond_destroy(&r->changed);
        pthread_mutex_destroy(&r->lock);
        free(reqs);
        free_jobs(r);
        return ALM_EIO;
    }
    fetch_run(&fo, reqs, r->njobs, on_done, r);
    pthread_mutex_lock(&r->lock);
    r->closed = 1;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
    pthread_join(writer, NULL);
    pthread_cond_destroy(&r->changed);
    pthread_mutex_destroy(&r->lock);
    r->fetches += r->njobs;
    free_jobs(r);
    free(reqs);
    return ALM_OK;
}

/* Plans the chosen sources of the configuration (all of them at once). */
static int
plan_all(struct run *r, const struct ingest_options *o, struct ingest_result *out)
{
    const struct config *cfg = r->cfg;

    for (size_t i = 0; i < cfg->nsources; i++) {
        const struct source *src = &cfg->sources[i];
        int is_named = o->nonly > 0 && named(o, src->slug);
        int rc;

        if (o->nonly > 0 && !is_named)
            continue;
        if (!src->enabled && !is_named)
            continue;
        rc = plan_source(r, src, o->snapshot, o->force_all || (o->force_named && is_named));
        if (rc == ALM_ENOSPC)
            return rc;
        if (rc != ALM_OK)
            out->unplanned++;
    }
    return ALM_OK;
}

/* A worker's round claims what it fetches at once (the configuration's
 * concurrency), at most this many: a larger claim would hold sources other
 * workers could be fetching. */
#define CLAIM_MAX 32

/* The configuration's source the store knows as id, else NULL. */
static const struct source *
source_of(const struct config *cfg, const int64_t *ids, int64_t id)
{
    for (size_t i = 0; i < cfg->nsources; i++) {
        if (ids[i] == id)
            return &cfg->sources[i];
    }
    return NULL;
}

/*
 * Worker mode: every enabled source is synced (the store learns them and
 * their ids), then rounds of claim, fetch, store, give back until no
 * source is due and free. A source handled once in this run is not taken
 * again in it (a round whose claims were all such ends the run): a
 * recorded fetch moves next_due ahead, so this only happens when recording
 * failed, and the lease then keeps the source from every worker until it
 * runs out.
 */
static int
work_rounds(struct run *r, const struct ingest_options *o, struct ingest_result *out)
{
    const struct config *cfg = r->cfg;
    int64_t *ids = xcalloc(cfg->nsources + 1, sizeof(*ids));
    int64_t *seen = NULL, claimed[CLAIM_MAX];
    size_t nseen = 0;
    int rc = ALM_OK, n;
    int max = cfg->concurrency > 0 && cfg->concurrency < CLAIM_MAX ? cfg->concurrency : CLAIM_MAX;

    for (size_t i = 0; i < cfg->nsources; i++) {
        ids[i] = -1;
        if (!cfg->sources[i].enabled)
            continue;
        rc = store_sync_source(r->st, &cfg->sources[i], &ids[i]);
        if (rc == ALM_ENOSPC)
            goto done;
        if (rc != ALM_OK)
            out->unplanned++;
    }
    rc = ALM_OK;
    for (;;) {
        int fresh = 0;

        rc = store_claim_sources(r->st, r->worker, time(NULL), r->lease_secs, max, claimed,
                                 &n);
        if (rc != ALM_OK || n == 0)
            break;
        for (int k = 0; k < n; k++) {
            const struct source *src = source_of(cfg, ids, claimed[k]);
            int again = 0;

            for (size_t m = 0; m < nseen; m++)
                again |= seen[m] == claimed[k];
            if (again)
                continue;
            seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
            seen[nseen++] = claimed[k];
            fresh++;
            if (src == NULL) {
                out->foreign++;
                continue;
            }
            rc = plan_source(r, src, 0, 1);
            if (rc == ALM_ENOSPC)
                goto done;
            if (rc != ALM_OK) {
                out->unplanned++;
                (void)store_release_source(r->st, r->worker, claimed[k]);
                continue;
            }
            r->mine = xrealloc(r->mine, (r->nmine + 1) * sizeof(*r->mine));
            r->mine[r->nmine++] = src->slug;
        }
        if (fresh == 0)
            break;
        if ((rc = run_jobs(r, o)) != ALM_OK)
            break;
        if (r->full)
            break;
    }
done:
    free(ids);
    free(seen);
    return rc;
}

int
ingest_run(const struct config *cfg, struct store *st, const struct ingest_options *o,
           const struct ingest_progress *progress, struct ingest_result *out)
{
    struct run r = { .cfg = cfg, .st = st, .now = o->now, .progress = progress,
                     .worker = o->worker, .lease_secs = o->lease_secs > 0 ? o->lease_secs : 300 };
    const char *const *ao_only = o->only;
    size_t ao_n = o->nonly;
    int rc;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < o->nonly; i++) {
        if (config_find(cfg, o->only[i]) == NULL)
            return ALM_ENOTFOUND;
    }
    if (o->worker && (o->nonly > 0 || o->snapshot))
        return ALM_EINVAL;
    rc = o->worker ? work_rounds(&r, o, out) : plan_all(&r, o, out);
    if (rc == ALM_OK && !o->worker)
        rc = run_jobs(&r, o);
    if (rc == ALM_ENOSPC) {
        snprintf(out->full_why, sizeof(out->full_why), "%s", store_error(st));
        out->full = 1;
        free_jobs(&r);
        free(r.mine);
        return ALM_ENOSPC;
    }
    if (rc != ALM_OK) {
        free_jobs(&r);
        free(r.mine);
        return rc;
    }
    out->fetches = r.fetches;
    result_from(&r, out);
    if (out->fetches == 0) {
        free(r.mine);
        return ALM_OK;
    }
    /* The articles come after every feed is stored: a slow site delays no
     * feed. A snapshot is offline and stays so. */
    /* A worker takes the articles of the sources it fetched: each item's
     * article is then fetched by one worker. */
    if (o->worker) {
        ao_only = r.mine;
        ao_n = r.nmine;
    }
    if (!o->snapshot && !out->full && (!o->worker || ao_n > 0)) {
        struct articles_options ao = { .only = ao_only, .nonly = ao_n,
                                       .allow_local_all = o->allow_local_all, .now = o->now };
        ingest_articles(cfg, st, &ao, &out->articles);
        if (out->articles.store_full) {
            out->full = 1;
            snprintf(out->full_why, sizeof(out->full_why), "%s", store_error(st));
        }
    }
    free(r.mine);
    return ALM_OK;
}

int
ingest_put_feed(struct store *st, int64_t source_id, const struct feed *f,
                const char *feed_url, time_t now, struct put_stats *stats)
{
    struct store_rows rows;
    int rc;

    ingest_rows_prepare(&rows, f, feed_url, now);
    rc = store_put_rows(st, source_id, &rows, now, stats);
    ingest_rows_fini(&rows);
    return rc;
}
