/*
 * tests/unit/logfmt.c - logfmt lines: bare and quoted values, escapes that
 * keep a line one line of ASCII, cut values, a line that cannot overflow,
 * and logfmt_print's pairs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/logfmt.h"

static const char *
line(struct logfmt *l)
{
    size_t n = logfmt_end(l);

    assert_true(n < sizeof(l->v));
    l->v[n] = '\0'; /* room: logfmt_end wrote at most the last byte */
    return l->v;
}

static void
test_logfmt_values(void **state)
{
    static struct logfmt l;

    (void)state;
    logfmt_begin(&l, "2026-11-28T12:00:00Z", "info", "request");
    logfmt_str(&l, "addr", "127.0.0.1", 0);
    logfmt_str(&l, "path", "/healthz", 0);
    logfmt_uint(&l, "status", 200);
    logfmt_ms(&l, "ms", 1234);
    assert_string_equal(line(&l), "ts=2026-11-28T12:00:00Z level=info msg=\"request\" "
                                  "addr=127.0.0.1 path=/healthz status=200 ms=1.234\n");

    logfmt_begin(&l, "T", "error", "a \"b\"\n\\c");
    logfmt_str(&l, "e", "", 0);
    logfmt_str(&l, "n", NULL, 0);
    logfmt_str(&l, "s", "two words", 0);
    logfmt_str(&l, "q", "k=v", 0);
    logfmt_str(&l, "c", "\x01\t\r\x7f\xc3\xa9", 0);
    logfmt_ms(&l, "ms", 7);
    assert_string_equal(line(&l), "ts=T level=error msg=\"a \\\"b\\\"\\n\\\\c\" e=\"\" n=\"\" "
                                  "s=\"two words\" q=\"k=v\" c=\"\\x01\\t\\r\\x7f\\xc3\\xa9\" "
                                  "ms=0.007\n");

    logfmt_begin(&l, "T", "info", "m");
    logfmt_str(&l, "p", "/abcdef", 4);
    logfmt_str(&l, "k", "/abc", 4);
    assert_string_equal(line(&l), "ts=T level=info msg=\"m\" p=\"/abc...\" k=/abc\n");
}

static void
test_logfmt_bounded(void **state)
{
    static struct logfmt l;
    char *big = malloc(3 * LOGFMT_MAX);
    size_t n;

    (void)state;
    memset(big, '\x01', 3 * LOGFMT_MAX - 1);
    big[3 * LOGFMT_MAX - 1] = '\0';
    logfmt_begin(&l, "T", "info", big);
    logfmt_str(&l, "k", big, 0);
    n = logfmt_end(&l);
    assert_int_equal(n, LOGFMT_MAX);
    assert_int_equal(l.v[n - 1], '\n');
    assert_null(memchr(l.v, '\n', n - 1));
    free(big);
}

static void
test_logfmt_print(void **state)
{
    char out[512] = "";
    FILE *fp = fmemopen(out, sizeof(out) - 1, "w");

    (void)state;
    assert_non_null(fp);
    logfmt_print(fp, "warn", "cannot log the fetch", "source", "s-1", "skipped", (char *)NULL,
                 "error", "disk full", (char *)NULL);
    fclose(fp);
    assert_int_equal(strncmp(out, "ts=", 3), 0);
    assert_non_null(strstr(out, "Z level=warn msg=\"cannot log the fetch\" source=s-1 "
                                "error=\"disk full\"\n"));
    assert_null(strstr(out, "skipped"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logfmt_values),
        cmocka_unit_test(test_logfmt_bounded),
        cmocka_unit_test(test_logfmt_print),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
