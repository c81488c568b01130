/* Fuzz driver: the HTML sanitizer, text extraction and entity decoding. */
#define _GNU_SOURCE /* strcasestr */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *out = html_sanitize(s, size, "http://example.com/a/");

    /* The allowlist's promise, checked on every input. */
    if (strcasestr(out, "<script") || strcasestr(out, "javascript:") ||
        strcasestr(out, " onerror") || strcasestr(out, "<iframe"))
        abort();
    free(out);
    for (int mode = 0; mode <= 2; mode++)
        free(html_to_text(s, size, mode));
    free(html_decode_entities(s, size));
    html_looks_like_html(s, size);
    return 0;
}
