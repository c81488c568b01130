/*
 * defs_config.c - the definitions added through the API (api_defs) read
 * back as a configuration: store_defs_config() (store_alerts.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "store/store.h"
#include "store/store_alerts.h"

struct gather {
    struct buf text;
    size_t n, skipped;
};

/* One definition, kept when it reads on its own (a body written by an
 * older almanac that no longer does is left out, not fatal). */
static int
gather_one(const char *name, const char *body, void *arg)
{
    struct gather *g = arg;
    struct config *one = NULL;
    char err[256];

    (void)name;
    if (config_parse_fragment(body, strlen(body), &one, err, sizeof(err)) != ALM_OK) {
        g->skipped++;
        return ALM_OK;
    }
    config_free(one);
    buf_puts(&g->text, body);
    if (g->text.len > 0 && g->text.data[g->text.len - 1] != '\n')
        buf_puts(&g->text, "\n");
    g->n++;
    return ALM_OK;
}

int
store_defs_config(struct store *st, struct config **out, size_t *skipped, char *err,
                  size_t errlen)
{
    struct gather g = { BUF_INIT((size_t)64 << 20), 0, 0 };
    int rc;

    *out = NULL;
    rc = store_defs_list(st, "source", gather_one, &g);
    if (rc == ALM_OK)
        rc = store_defs_list(st, "alert", gather_one, &g);
    if (rc != ALM_OK) {
        err_set(err, errlen, "reading the API's sources and rules: %s", store_error(st));
        buf_fini(&g.text);
        return rc;
    }
    if (skipped)
        *skipped = g.skipped;
    if (g.n > 0 && config_parse_fragment(g.text.data, g.text.len, out, err, errlen) != ALM_OK)
        rc = ALM_ECONFIG;
    buf_fini(&g.text);
    return rc;
}
