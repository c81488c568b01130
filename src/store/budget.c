/*
 * budget.c - a time budget for a reader's queries (sq_arm_budget()).
 *
 * SQLite calls the progress handler every few thousand virtual-machine
 * instructions of any statement on the connection; past the deadline it
 * answers non-zero and the statement stops with SQLITE_INTERRUPT. That bounds
 * every shape of query at once (prefix searches that expand to thousands of
 * terms, deep offsets, counts over everything) instead of guessing which
 * shapes are expensive.
 */
#include <stdint.h>
#include <time.h>

#include "store/sqlite_internal.h"
#include "store/store.h"

/* Instructions between two looks at the clock: a look costs ~20 ns, the
 * instructions a few microseconds, so the bound is kept to well under 1 ms. */
#define PROGRESS_STEP 4000

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
on_progress(void *arg)
{
    struct store *st = arg;

    if (st->deadline_ns == 0 || now_ns() < st->deadline_ns)
        return 0;
    st->timed_out = 1;
    return 1;
}

void
sq_arm_budget(struct store *st, int ms)
{
    if (st == NULL)
        return;
    st->timed_out = 0;
    if (ms <= 0) {
        st->budget_ms = 0;
        st->deadline_ns = 0;
        sqlite3_progress_handler(st->db, 0, NULL, NULL);
        return;
    }
    if (st->budget_ms == 0)
        sqlite3_progress_handler(st->db, PROGRESS_STEP, on_progress, st);
    st->budget_ms = ms;
    st->deadline_ns = now_ns() + (int64_t)ms * 1000000;
}

int
sq_timed_out(const struct store *st)
{
    return st && st->timed_out;
}
