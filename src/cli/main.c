/*
 * main.c - the almanac command: global options, then a table of
 * subcommands. Only this file knows every module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "parse/date.h"

static const struct command {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
    const char *usage;
} commands[] = {
    { "ingest", cmd_ingest, "ingest [--snapshot] [--all] [--no-analyze] [SOURCE...]  fetch, parse, store, analyse" },
    { "fetch", cmd_fetch, "fetch [SOURCE...]         fetch sources now, due or not" },
    { "parse", cmd_parse, "parse FILE|URL [--json]   parse one feed and print it" },
    { "extract", cmd_extract, "extract FILE|URL [--json] the article in an HTML page: text and metadata" },
    { "sources", cmd_sources, "sources [--json]          list sources with their health" },
    { "analyze", cmd_analyze, "analyze [--rebuild]       analyse new items (all with --rebuild)" },
    { "events", cmd_events, "events [--min-score N] [--guide G] [--source S] [--kind K] [--tier N]\n"
                            "         [--since DATE] [--top] [--limit N] [--json]" },
    { "event", cmd_event, "event ID [--json]         one event: summary, guides, related events" },
    { "explain", cmd_explain, "explain ID                why an event has its score" },
    { "opml", cmd_opml, "opml import FILE | opml export" },
    { "serve", cmd_serve, "serve [--listen ADDR:PORT]   serve the site, API and feeds" },
    { "run", cmd_run, "run [--listen ADDR:PORT] [--every SECONDS]\n"
                      "         serve and ingest on a schedule" },
};

static void
usage(FILE *out)
{
    fprintf(out, "usage: almanac [--config FILE] [--db FILE] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < LEN(commands); i++)
        fprintf(out, "  %s\n", commands[i].usage);
    fprintf(out, "\nenvironment: ALMANAC_CONFIG, ALMANAC_DB, ALMANAC_NOW (fixed clock),\n"
                 "             ALMANAC_ALLOW_LOCAL=1 (let every source reach local addresses)\n");
}

static const char *
default_config(void)
{
    const char *env = getenv("ALMANAC_CONFIG");

    if (env && *env)
        return env;
    if (access("etc/almanac.conf", R_OK) == 0)
        return "etc/almanac.conf";
    return "/etc/almanac/almanac.conf";
}

int
main(int argc, char **argv)
{
    struct cli c = { 0 };
    const char *now;
    int i, rc;

    c.config_path = default_config();
    c.db_path = getenv("ALMANAC_DB");
    if (c.db_path && !*c.db_path)
        c.db_path = NULL;
    c.now = time(NULL);
    now = getenv("ALMANAC_NOW");
    if (now && *now && date_parse(now, &c.now) != ALM_OK) {
        fprintf(stderr, "almanac: ALMANAC_NOW: cannot read date '%s'\n", now);
        return 2;
    }
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            c.config_path = argv[++i];
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            c.db_path = argv[++i];
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "almanac: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    for (size_t k = 0; k < LEN(commands); k++) {
        if (strcmp(argv[i], commands[k].name) != 0)
            continue;
        fetch_global_init();
        rc = commands[k].run(&c, argc - i, argv + i);
        store_close(c.st);
        config_free(c.cfg);
        fetch_global_cleanup();
        return rc;
    }
    fprintf(stderr, "almanac: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}
