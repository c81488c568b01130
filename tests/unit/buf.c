/* tests/unit/buf.c - the buffer's bound: a refused append marks it cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "base/err.h"

static void
test_cut(void **state)
{
    struct buf b = BUF_INIT(16);
    char big[32];

    (void)state;
    memset(big, 'x', sizeof(big));
    assert_int_equal(buf_puts(&b, "0123456789"), ALM_OK);
    assert_false(buf_cut(&b));
    /* Refused: the buffer stays as it was, and says it was cut. */
    assert_int_equal(buf_append(&b, big, 10), ALM_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "0123456789");
    assert_true(buf_cut(&b));
    /* A later append that fits does not make it whole again. */
    assert_int_equal(buf_putc(&b, '!'), ALM_OK);
    assert_true(buf_cut(&b));
    buf_reset(&b);
    assert_false(buf_cut(&b));
    assert_int_equal(buf_printf(&b, "%s", "a long string of more than sixteen"), ALM_ETOOBIG);
    assert_true(buf_cut(&b));
    buf_fini(&b);
    assert_false(buf_cut(&b));
    /* The escaping writers go through the same bound. */
    assert_int_equal(buf_append_html(&b, "<<<<<<<<", 8), ALM_ETOOBIG);
    assert_true(buf_cut(&b));
    buf_fini(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
