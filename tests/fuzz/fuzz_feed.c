/* Fuzz driver: the feed parser (XML and JSON Feed) and its JSON output. */
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "parse/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct feed *f = feed_parse((const char *)data, size, "http://example.com/feed/");
    struct buf out = BUF_INIT((size_t)64 << 20);

    feed_to_json(f, &out);
    buf_fini(&out);
    feed_free(f);
    return 0;
}
