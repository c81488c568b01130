/*
 * access_log.c - the server's access log, written in batches (see
 * access_log.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "web/access_log.h"

/* One thread's lines waiting to be written. */
struct tbuf {
    pthread_mutex_t lock; /* the owning thread and the flusher */
    char *data;
    size_t len, cap;
    struct tbuf *next;
};

struct access_log {
    int fd;
    pthread_key_t key;        /* the calling thread's tbuf */
    pthread_mutex_t lock;     /* guards the list, stop and the wake-up */
    pthread_cond_t wake;
    struct tbuf *bufs;
    int stop;
    pthread_t flusher;
};

/* Writes all of p; an error drops the batch (the log never stops the server). */
static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Under b->lock. */
static void
drain(struct access_log *l, struct tbuf *b)
{
    if (b->len > 0)
        write_all(l->fd, b->data, b->len);
    b->len = 0;
}

void
access_log_flush(struct access_log *l)
{
    pthread_mutex_lock(&l->lock);
    for (struct tbuf *b = l->bufs; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        drain(l, b);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&l->lock);
}

static void *
flusher_main(void *arg)
{
    struct access_log *l = arg;

    pthread_mutex_lock(&l->lock);
    while (!l->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&l->wake, &l->lock, &until);
        for (struct tbuf *b = l->bufs; b; b = b->next) {
            pthread_mutex_lock(&b->lock);
            drain(l, b);
            pthread_mutex_unlock(&b->lock);
        }
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

struct access_log *
access_log_new(int fd)
{
    struct access_log *l = xcalloc(1, sizeof(*l));

    l->fd = fd;
    if (pthread_key_create(&l->key, NULL) != 0) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->wake, NULL);
    if (pthread_create(&l->flusher, NULL, flusher_main, l) != 0) {
        pthread_cond_destroy(&l->wake);
        pthread_mutex_destroy(&l->lock);
        pthread_key_delete(l->key);
        free(l);
        return NULL;
    }
    return l;
}

/* The calling thread's buffer, made and listed on its first line. */
static struct tbuf *
own_buffer(struct access_log *l)
{
    struct tbuf *b = pthread_getspecific(l->key);

    if (b == NULL) {
        b = xcalloc(1, sizeof(*b));
        pthread_mutex_init(&b->lock, NULL);
        pthread_mutex_lock(&l->lock);
        b->next = l->bufs;
        l->bufs = b;
        pthread_mutex_unlock(&l->lock);
        pthread_setspecific(l->key, b);
    }
    return b;
}

void
access_log_add(struct access_log *l, const char *line, size_t n)
{
    struct tbuf *b = own_buffer(l);

    pthread_mutex_lock(&b->lock);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, line, n);
    b->len += n;
    if (b->len >= ACCESS_LOG_FLUSH_BYTES)
        drain(l, b);
    pthread_mutex_unlock(&b->lock);
}

void
access_log_free(struct access_log *l)
{
    struct tbuf *b, *next;

    if (l == NULL)
        return;
    pthread_mutex_lock(&l->lock);
    l->stop = 1;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
    pthread_join(l->flusher, NULL);
    for (b = l->bufs; b; b = next) {
        next = b->next;
        drain(l, b);
        pthread_mutex_destroy(&b->lock);
        free(b->data);
        free(b);
    }
    pthread_cond_destroy(&l->wake);
    pthread_mutex_destroy(&l->lock);
    pthread_key_delete(l->key);
    free(l);
}
