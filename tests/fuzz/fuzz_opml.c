/* Fuzz driver: the OPML reader, and the import's decisions on what it read. */
#include <stdint.h>

#include "base/buf.h"
#include "base/config.h"
#include "parse/opml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct opml_outline *o = NULL;
    struct opml_import *v = NULL;
    struct config c = { 0 };
    struct buf out = BUF_INIT((size_t)64 << 20);
    size_t n = 0;

    if (opml_read((const char *)data, size, &o, &n) != 0)
        return 0;
    if (opml_plan_import(&c, o, n, &v) == 0) {
        (void)opml_import_render(v, n, &out);
        opml_import_free(v, n);
    }
    buf_fini(&out);
    opml_outlines_free(o, n);
    return 0;
}
