/* Fuzz driver: the HTML sanitizer, text extraction and entity decoding. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An on...= attribute name outside quoted values. */
static int
has_handler(const char *tag)
{
    char q = 0;

    for (const char *p = tag; *p; p++) {
        if (q) {
            if (*p == q)
                q = 0;
            continue;
        }
        if (*p == '"' || *p == '\'') {
            q = *p;
        } else if ((*p == ' ' || *p == '/') && p[1] == 'o' && p[2] == 'n') {
            const char *e = p + 3;
            while (*e >= 'a' && *e <= 'z')
                e++;
            if (*e == '=')
                return 1;
        }
    }
    return 0;
}

/*
 * The allowlist's promise, checked on every output: inside markup (text is
 * escaped, so a raw '<' only opens a tag the sanitizer wrote) there is no
 * script, iframe, event handler or javascript: URL. Words in the text are
 * harmless and not checked.
 */
static void
check_markup(const char *out)
{
    const char *lt = out;

    while ((lt = strchr(lt, '<')) != NULL) {
        const char *gt = strchr(lt, '>');
        size_t n = gt ? (size_t)(gt - lt) : strlen(lt);
        char tag[512];

        if (n >= sizeof(tag))
            n = sizeof(tag) - 1;
        for (size_t i = 0; i < n; i++)
            tag[i] = (char)tolower((unsigned char)lt[i]);
        tag[n] = '\0';
        if (strstr(tag, "<script") || strstr(tag, "<iframe") || strstr(tag, "<svg") ||
            strstr(tag, "javascript:") || strstr(tag, "<style") || has_handler(tag))
            abort();
        lt += n ? n : 1;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *out = html_sanitize(s, size, "http://example.com/a/");

    check_markup(out);
    free(out);
    for (int mode = 0; mode <= 2; mode++)
        free(html_to_text(s, size, mode));
    free(html_decode_entities(s, size));
    html_looks_like_html(s, size);
    return 0;
}
