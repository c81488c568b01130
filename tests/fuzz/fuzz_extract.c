/*
 * Fuzz driver: article extraction (charset decoding, libgumbo into the
 * capped arena, metadata and JSON-LD, scoring, text and sanitized HTML).
 * The first byte picks the Content-Type and URL it is given; every result
 * must be valid UTF-8 without NUL, and its JSON must be written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL)
        return;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
              : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0)
            abort();
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                abort();
        p += n;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ctypes[] = { NULL, "text/html; charset=utf-8",
                                          "text/html; charset=iso-8859-1",
                                          "text/html;charset=\"shift_jis\"",
                                          "text/html; charset=bogus" };
    struct extract_result *r = NULL;
    struct buf out = BUF_INIT((size_t)1 << 30);
    unsigned sel = size ? data[0] : 0;

    if (size) {
        data++;
        size--;
    }
    if (extract_html((const char *)data, size, sel & 8 ? "http://example.com/a/b.html" : NULL,
                     ctypes[sel % 5], &r) != ALM_OK)
        return 0;
    if (r->text == NULL || r->html == NULL)
        abort();
    check_utf8(r->text);
    check_utf8(r->html);
    check_utf8(r->title);
    check_utf8(r->byline);
    if (strstr(r->html, "<script") || strstr(r->html, "<iframe"))
        abort();
    if (extract_to_json(r, &out) != ALM_OK)
        abort();
    buf_fini(&out);
    extract_result_free(r);
    return 0;
}
