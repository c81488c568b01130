/*
 * tests/unit/access_log.c - the batched access log: lines from several
 * threads all arrive whole and in each thread's order, a quiet log still
 * reaches its file within about a second, and freeing writes out the rest.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "web/access_log.h"

#define THREADS 4
#define LINES 20000 /* per thread: several batches of ACCESS_LOG_FLUSH_BYTES */

struct writer {
    struct access_log *log;
    int id;
};

static void *
write_lines(void *arg)
{
    struct writer *w = arg;
    char line[96];

    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof(line), "thread %d line %06d %s\n", w->id, i,
                         "padding-padding-padding");
        access_log_add(w->log, line, (size_t)n);
    }
    return NULL;
}

/* The file's bytes, NUL-terminated. */
static char *
slurp(FILE *f, size_t *n)
{
    char *s;

    fflush(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    s = malloc(*n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, *n, f), *n);
    s[*n] = '\0';
    return s;
}

static void
test_threads(void **state)
{
    FILE *f = tmpfile();
    struct access_log *log;
    pthread_t t[THREADS];
    struct writer w[THREADS];
    int next[THREADS] = { 0 };
    size_t n, lines = 0;
    char *all, *p;

    (void)state;
    assert_non_null(f);
    log = access_log_new(fileno(f));
    assert_non_null(log);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct writer){ log, i };
        assert_int_equal(pthread_create(&t[i], NULL, write_lines, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    access_log_free(log);
    all = slurp(f, &n);
    for (p = all; *p; lines++) {
        int id, k;
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0'; /* sscanf would measure the whole rest of the file each time */
        assert_int_equal(sscanf(p, "thread %d line %d padding-padding-padding", &id, &k), 2);
        assert_true(id >= 0 && id < THREADS);
        assert_int_equal(k, next[id]); /* whole, and in its thread's order */
        next[id]++;
        p = nl + 1;
    }
    assert_int_equal(lines, (size_t)THREADS * LINES);
    free(all);
    fclose(f);
}

static void
test_quiet_log_is_written_soon(void **state)
{
    FILE *f = tmpfile();
    struct access_log *log;
    size_t n = 0;
    char *s = NULL;

    (void)state;
    assert_non_null(f);
    log = access_log_new(fileno(f));
    access_log_add(log, "one\n", 4);
    for (int i = 0; i < 30 && n == 0; i++) { /* at most 3 s */
        usleep(100 * 1000);
        free(s);
        s = slurp(f, &n);
    }
    assert_string_equal(s, "one\n"); /* without a flush or a free */
    free(s);
    access_log_add(log, "two\n", 4);
    access_log_flush(log);
    s = slurp(f, &n);
    assert_string_equal(s, "one\ntwo\n");
    free(s);
    access_log_free(log);
    access_log_free(NULL);
    fclose(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_quiet_log_is_written_soon),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
