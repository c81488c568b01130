/* Fuzz driver: URL resolution, canonical form, host and slugs. The input
 * is split at the first newline into a base and a reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *ref, *r, *c, host[256];

    memcpy(s, data, size);
    s[size] = '\0';
    ref = strchr(s, '\n');
    if (ref)
        *ref++ = '\0';
    else
        ref = s;
    r = url_resolve(s, ref);
    if (r) {
        c = url_canonical(r);
        free(c);
        url_host(r, host, sizeof(host));
    }
    free(r);
    free(url_slugify(s, 80));
    free(s);
    return 0;
}
