/* Fuzz driver: what the server parses from a request: the target's path
 * and query, Accept-Encoding, If-None-Match, If-Modified-Since, Host, and
 * the listen address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/http.h"
#include "web/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *path, *store, host[256];
    struct web_request r;
    unsigned port;

    memcpy(s, data, size);
    s[size] = '\0';
    path = malloc(size + 2);
    store = malloc(size + 2);
    memset(&r, 0, sizeof(r));
    if (web_decode_path(s, path, size + 2) == 200) {
        /* a decoded path never climbs out of the site */
        if (strstr(path, "/../") || (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")))
            abort();
        if (web_utf8_chars(path) < 0)
            abort();
    }
    web_parse_query(s, &r, store, size + 2);
    /* whatever reaches a handler is UTF-8 text */
    for (size_t i = 0; i < r.nparams; i++)
        if (r.params[i].name == NULL || r.params[i].value == NULL ||
            web_utf8_chars(r.params[i].name) < 0 || web_utf8_chars(r.params[i].value) < 0)
            abort();
    {
        time_t t;
        /* an HTTP-date is never longer than its longest form */
        if (web_http_date(s, 1785000000, &t) == 0 && strlen(s) > 33)
            abort();
    }
    web_host_valid(s);
    web_accepts_gzip(s);
    web_etag_match(s, "\"abc\"");
    web_parse_listen(s, host, sizeof(host), &port);
    free(path);
    free(store);
    free(s);
    return 0;
}
