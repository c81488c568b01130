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
#include "store/store.h"

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
    return c->cfg;
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
