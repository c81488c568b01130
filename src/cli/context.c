/*
 * context.c - what every subcommand shares (cli.h): the configuration and
 * the store, loaded and opened on first use, and reading numeric options.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "cli/cli.h"
#include "base/logfmt.h"
#include "store/store.h"
#include "store/store_alerts.h"

struct config *
cli_config(struct cli *c)
{
    char err[512];

    if (c->cfg)
        return c->cfg;
    if (config_load(c->config_path, &c->cfg, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", err);
        c->cfg = NULL;
    }
    c->file = c->cfg;
    return c->cfg;
}

struct config *
cli_defs(struct cli *c)
{
    struct config *defs = NULL;
    size_t skipped = 0;
    char err[512];

    if (cli_config(c) == NULL || cli_store(c) == NULL)
        return NULL;
    if (store_defs_config(c->st, &defs, &skipped, err, sizeof(err)) != ALM_OK) {
        logfmt_print(stderr, "warn", "the API's sources and rules are left out", "error", err,
                     (char *)NULL);
        return c->cfg;
    }
    if (skipped > 0)
        logfmt_print(stderr, "warn", "a source or rule added through the API no longer reads;"
                     " left out", (char *)NULL);
    if (c->cfg != c->file)
        config_free(c->cfg);
    config_free(c->defs);
    c->defs = defs;
    c->cfg = defs ? config_merge(c->file, defs) : c->file;
    return c->cfg;
}

void
cli_config_free(struct cli *c)
{
    if (c->cfg != c->file)
        config_free(c->cfg);
    config_free(c->defs);
    config_free(c->file);
    c->cfg = c->file = c->defs = NULL;
}

struct store *
cli_store(struct cli *c)
{
    char err[512];
    const char *path = c->db_path;

    if (c->st)
        return c->st;
    if (path == NULL) {
        if (cli_config(c) == NULL)
            return NULL;
        path = c->cfg->database;
    }
    if (store_open(path, &c->st, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", err);
        c->st = NULL;
    }
    return c->st;
}

int
cli_number(const char *opt, const char *v, long long lo, long long hi, long long *out)
{
    const char *d = v && *v == '-' ? v + 1 : v;
    char *end = NULL;
    long long n = 0;

    /* strtoll alone takes " 5", "+5" and "5abc" (as 5) and "" (as 0) */
    if (d != NULL && *d >= '0' && *d <= '9') {
        errno = 0;
        n = strtoll(v, &end, 10);
    }
    if (end == NULL || *end != '\0' || errno == ERANGE || n < lo || n > hi) {
        if (hi == LLONG_MAX)
            fprintf(stderr, "almanac: %s: expected a whole number from %lld, not '%.40s'\n", opt,
                    lo, v ? v : "");
        else
            fprintf(stderr, "almanac: %s: expected a whole number from %lld to %lld, not "
                            "'%.40s'\n", opt, lo, hi, v ? v : "");
        return ALM_EINVAL;
    }
    *out = n;
    return ALM_OK;
}
