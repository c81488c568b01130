/*
 * tests/unit/alert.c - the pieces of alert.c that need no network: the
 * HMAC-SHA256 signature (RFC 4231's vectors), quiet hours over midnight,
 * the webhook body, and the e-mail's headers (no header injection from a
 * title, RFC 2047 for non-ASCII subjects, both parts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"

static void
test_sign(void **state)
{
    char sig[ALERT_SIGNATURE_SIZE];
    const char *data = "what do ya want for nothing?";

    (void)state;
    /* RFC 4231, test case 2 */
    assert_int_equal(alert_sign("Jefe", 4, data, strlen(data), sig), ALM_OK);
    assert_string_equal(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b9"
                             "64ec3843");
    /* test case 1: a key of 20 bytes 0x0b, "Hi There" */
    char key[20];
    memset(key, 0x0b, sizeof(key));
    assert_int_equal(alert_sign(key, sizeof(key), "Hi There", 8, sig), ALM_OK);
    assert_string_equal(sig, "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c"
                             "2e32cff7");
}

static void
test_quiet(void **state)
{
    struct alert_rule r;
    time_t day = 1764547200; /* 2025-12-01T00:00:00Z */
    time_t until = 0;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.quiet_start = r.quiet_end = -1;
    assert_false(alert_quiet(&r, day + 3600, NULL));
    r.quiet_start = 23 * 60;
    r.quiet_end = 6 * 60;
    assert_true(alert_quiet(&r, day, &until));
    assert_int_equal(until, day + 6 * 3600);
    assert_true(alert_quiet(&r, day + 23 * 3600 + 30 * 60, &until));
    assert_int_equal(until, day + 86400 + 6 * 3600);
    assert_false(alert_quiet(&r, day + 6 * 3600, NULL));
    assert_false(alert_quiet(&r, day + 12 * 3600, NULL));
    r.quiet_start = 9 * 60;
    r.quiet_end = 17 * 60;
    assert_true(alert_quiet(&r, day + 9 * 3600, NULL));
    assert_false(alert_quiet(&r, day + 17 * 3600, NULL));
    assert_false(alert_quiet(&r, day + 8 * 3600, NULL));
}

static void
fill(struct event *e, const char *title)
{
    memset(e, 0, sizeof(*e));
    e->item.id = 42;
    e->item.title = (char *)title;
    e->item.url = (char *)"https://lab.example/a?x=1&y=<2>";
    e->item.source_slug = (char *)"lab";
    e->item.source_name = (char *)"Lab & Co";
    e->item.published = 1764547200;
    e->score = 8;
    e->kind = (char *)"release";
    e->summary = (char *)"It <b>shipped</b>.";
    static char *guides[] = { "agents", "coding" };
    e->guides.v = guides;
    e->guides.n = 2;
}

static void
test_webhook_body(void **state)
{
    struct buf b = BUF_INIT(1 << 20);
    struct event e;

    (void)state;
    fill(&e, "A \"quoted\" title");
    alert_webhook_body(&b, "big", &e);
    assert_non_null(strstr(buf_cstr(&b), "{\"rule\":\"big\",\"event\":{\"id\":42,"));
    assert_non_null(strstr(buf_cstr(&b), "\"title\":\"A \\\"quoted\\\" title\""));
    assert_non_null(strstr(buf_cstr(&b), "\"guides\":[\"agents\",\"coding\"]"));
    assert_string_equal(buf_cstr(&b) + b.len - 2, "}}");
    buf_fini(&b);
}

/* The header block: everything before the first empty line. */
static char *
headers(const char *msg)
{
    const char *end = strstr(msg, "\r\n\r\n");

    assert_non_null(end);
    return strndup(msg, (size_t)(end - msg) + 2);
}

static void
test_mail(void **state)
{
    struct buf b = BUF_INIT(1 << 20);
    struct event e;
    char *h;

    (void)state;
    fill(&e, "Evil\r\nBcc: victim@example.org\r\n\r\nbody");
    alert_mail_message(&b, "almanac@example.org", "me@example.org", "big", &e, 1764547200, 7);
    h = headers(buf_cstr(&b));
    assert_non_null(strstr(h, "Subject: [8] Evil  Bcc: victim@example.org    body\r\n"));
    assert_null(strstr(h, "\r\nBcc:"));
    assert_non_null(strstr(h, "From: Almanac <almanac@example.org>\r\n"));
    assert_non_null(strstr(h, "To: <me@example.org>\r\n"));
    assert_non_null(strstr(h, "Date: Mon, 01 Dec 2025 00:00:00 +0000\r\n"));
    assert_non_null(strstr(h, "Content-Type: multipart/alternative; boundary="));
    free(h);
    assert_non_null(strstr(buf_cstr(&b), "Content-Type: text/plain; charset=utf-8"));
    assert_non_null(strstr(buf_cstr(&b), "Content-Type: text/html; charset=utf-8"));
    /* every line within SMTP's limit, and CRLF only */
    for (const char *p = buf_cstr(&b), *nl; *p; p = nl + 2) {
        nl = strstr(p, "\r\n");
        assert_non_null(nl);
        assert_true(nl - p <= 998);
        assert_null(memchr(p, '\n', (size_t)(nl - p)));
    }

    buf_reset(&b);
    /* 30 two-byte characters: more than one encoded word, none split */
    char title[128] = "";
    for (int i = 0; i < 30; i++)
        strcat(title, "\xc3\xa9");
    fill(&e, title);
    alert_mail_message(&b, "almanac@example.org", "me@example.org", "big", &e, 1764547200, 7);
    h = headers(buf_cstr(&b));
    /* "[8] " + 60 bytes: words of 45 and 19 bytes (45 ends inside no character:
     * "[8] " is 4 bytes, so the cut moves back to 44) */
    assert_non_null(strstr(h, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(h, "?=\r\n =?UTF-8?B?"));
    free(h);
    buf_fini(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_quiet),
        cmocka_unit_test(test_webhook_body),
        cmocka_unit_test(test_mail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
