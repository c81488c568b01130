/*
 * request.c - the request's state: query parameters, the thread's store
 * connection and its query budget, the clock (request.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "store/store.h"
#include "web/request.h"

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void
store_key_close(void *p)
{
    store_close(p);
}

static void
store_key_init(void)
{
    if (pthread_key_create(&store_key, store_key_close) != 0)
        abort();
}

/* When the thread's current request arrived: its budget counts from there,
 * so time spent waiting for a render slot is spent (server.c's render gate). */
static _Thread_local struct timespec request_start;
static _Thread_local int request_timed;

/* Milliseconds since start on the monotonic clock. */
static int
ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int)(((double)(now.tv_sec - start->tv_sec) +
                  (double)(now.tv_nsec - start->tv_nsec) / 1e9) * 1000);
}

struct store *
web_store(const struct web_ctx *ctx)
{
    struct store *st;
    char err[256];
    int budget = ctx && ctx->query_budget_ms > 0 ? ctx->query_budget_ms : WEB_QUERY_BUDGET_MS;

    pthread_once(&store_once, store_key_init);
    st = pthread_getspecific(store_key);
    if (st == NULL) {
        if (ctx == NULL || ctx->db_path == NULL ||
            store_open_readonly(ctx->db_path, &st, err, sizeof(err)) != ALM_OK)
            return NULL; /* tried again on the next request */
        if (pthread_setspecific(store_key, st) != 0) {
            store_close(st);
            return NULL;
        }
    }
    /* Handlers take the store first: the request's queries share one budget,
     * less what the request already waited. */
    if (request_timed) {
        int spent = ms_since(&request_start);
        budget = spent < budget ? budget - spent : 1;
    }
    store_arm_budget(st, budget);
    return st;
}

void
web_request_begin(const struct timespec *start)
{
    request_start = *start;
    request_timed = 1;
    /* Forgets the thread's last request: its budget and whether it ran out. */
    pthread_once(&store_once, store_key_init);
    store_arm_budget(pthread_getspecific(store_key), 0);
}

void
web_request_end(void)
{
    request_timed = 0;
}

void
web_store_release(void)
{
    struct store *st;

    pthread_once(&store_once, store_key_init);
    st = pthread_getspecific(store_key);
    if (st) {
        store_close(st);
        pthread_setspecific(store_key, NULL);
    }
}

int
web_error_status(int status)
{
    struct store *st;

    if (status != 500)
        return status;
    pthread_once(&store_once, store_key_init);
    st = pthread_getspecific(store_key);
    return store_timed_out(st) ? 503 : status;
}

time_t
web_now(const struct web_ctx *ctx)
{
    return ctx && ctx->fixed_now ? ctx->fixed_now : time(NULL);
}

const char *
web_param(const struct web_request *r, const char *name)
{
    for (size_t i = 0; i < r->nparams; i++) {
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    }
    return NULL;
}
