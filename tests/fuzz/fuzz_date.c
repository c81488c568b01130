/* Fuzz driver: the date parser and formatters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/timefmt.h"
#include "parse/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    time_t t;
    char out[32];

    memcpy(s, data, size);
    s[size] = '\0';
    if (date_parse(s, &t) == 0) {
        timefmt_rfc3339(t, out);
        timefmt_http(t, out);
        timefmt_age(t + 1000, t, out, sizeof(out));
    }
    free(s);
    return 0;
}
