/* Fuzz driver: the OPML reader. */
#include <stdint.h>

#include "parse/opml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct opml_outline *o = NULL;
    size_t n = 0;

    if (opml_read((const char *)data, size, &o, &n) == 0)
        opml_outlines_free(o, n);
    return 0;
}
