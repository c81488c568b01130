/*
 * summarize.c - `almanac summarize [--limit N]`: summaries written by the
 * language model of the [llm] section (src/llm) for the events that have
 * none, after ingest and analyze do the same on their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "cli/cli.h"
#include "llm/llm.h"
#include "store/store.h"

int
cli_summarize(struct cli *c, int limit)
{
    struct llm_stats s;
    const char *local = getenv("ALMANAC_ALLOW_LOCAL");
    int rc;

    if (cli_config(c) == NULL || !c->cfg->llm.enabled)
        return 0;
    if (cli_store(c) == NULL)
        return 1;
    if (c->llm == NULL)
        c->llm = llm_client_new(&c->cfg->llm, c->cfg->user_agent, local && strcmp(local, "1") == 0);
    if (c->llm == NULL)
        return 0;
    rc = llm_summarize(c->llm, c->st, limit, c->now, stderr, &s);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: summarize: %s\n", store_error(c->st));
        return 1;
    }
    printf("llm: %d events with text and no model summary: %d from the cache (%d kept "
           "rejections), %d asked: %d written, %d rejected, %d failed; %d left for later\n",
           s.candidates, s.cached, s.cached_rejected, s.sent, s.written, s.rejected, s.failed,
           s.skipped);
    if (s.kind_same + s.kind_other > 0)
        printf("llm: the model's kind agrees with the fitted kind on %d of %d (a hint only)\n",
               s.kind_same, s.kind_same + s.kind_other);
    return 0;
}

int
cmd_summarize(struct cli *c, int argc, char **argv)
{
    long long limit = -1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (cli_number("--limit", argv[++i], 0, 1000000, &limit) != ALM_OK)
                return 2;
        } else {
            fprintf(stderr, "almanac: summarize: unknown argument '%s'\n", argv[i]);
            fprintf(stderr, "usage: almanac summarize [--limit N]\n");
            return 2;
        }
    }
    if (cli_config(c) == NULL)
        return 1;
    if (!c->cfg->llm.enabled) {
        fprintf(stderr, "almanac: summarize: %s has no [llm] section (or it says enabled = "
                        "no)\n", c->cfg->path);
        return 1;
    }
    return cli_summarize(c, (int)limit);
}
