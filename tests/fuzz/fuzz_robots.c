/* Fuzz driver: the robots.txt reader. The input is a robots.txt; its first
 * line (when it starts with '/') is also the path asked about. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *txt = (const char *)data;
    const char *nl = memchr(txt, '\n', size);
    size_t plen = nl && size > 0 && txt[0] == '/' ? (size_t)(nl - txt) : 0;
    char *path = malloc(plen + 16);

    if (plen > 0) {
        memcpy(path, txt, plen);
        path[plen] = '\0';
    } else {
        strcpy(path, "/a/b?c=d");
    }
    if (strlen(path) == plen || plen == 0) /* no NUL inside the path */
        robots_allowed(txt, size, "almanac", path);
    robots_allowed(txt, size, "", "/");
    free(path);
    return 0;
}
