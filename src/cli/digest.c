/*
 * digest.c - `almanac digest --day|--week [DATE] [--format md|html]`: a
 * day's or a week's top events with their stories and guides
 * (present/digest.h), on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "present/digest.h"
#include "store/store.h"

static int
usage_digest(void)
{
    fprintf(stderr, "usage: almanac digest --day [YYYY-MM-DD] | --week [YYYY-Www|YYYY-MM-DD]\n"
                    "                      [--format md|html] [--base-url URL]\n");
    return 2;
}

int
cmd_digest(struct cli *c, int argc, char **argv)
{
    struct digest_period p;
    struct buf out = BUF_INIT((size_t)64 << 20);
    const char *when = NULL, *base = NULL;
    int week = -1, html = 0, rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--day") == 0 || strcmp(a, "--week") == 0) {
            week = a[2] == 'w';
            if (v && v[0] != '-')
                when = v, i++;
        } else if (strcmp(a, "--format") == 0 && v) {
            if (strcmp(v, "md") != 0 && strcmp(v, "html") != 0) {
                fprintf(stderr, "almanac: --format: md or html, not '%s'\n", v);
                return 2;
            }
            html = v[0] == 'h', i++;
        } else if (strcmp(a, "--base-url") == 0 && v) {
            base = v, i++;
        } else {
            fprintf(stderr, "almanac: digest: unknown or incomplete option '%s'\n", a);
            return usage_digest();
        }
    }
    if (week < 0) {
        fprintf(stderr, "almanac: digest: --day or --week is needed\n");
        return usage_digest();
    }
    if (when == NULL) {
        digest_period_of(c->now, week, &p);
    } else if (digest_period_parse(when, &p) != ALM_OK) {
        fprintf(stderr, "almanac: digest: '%s' is not a %s\n", when,
                week ? "week (2026-W48) or a day in it (2026-11-27)" : "day (2026-11-27)");
        return 2;
    } else if (p.week != week) {
        if (!week) {
            fprintf(stderr, "almanac: digest: --day takes a day (2026-11-27), not '%s'\n", when);
            return 2;
        }
        digest_period_of(p.start, 1, &p); /* the week of that day */
    }
    if (cli_store(c) == NULL)
        return 1;
    rc = digest_write(c->st, &p, base, html, &out);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", store_error(c->st));
        buf_fini(&out);
        return 1;
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_fini(&out);
    return 0;
}
