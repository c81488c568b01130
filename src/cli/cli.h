/*
 * cli.h - what the subcommands share: the loaded configuration, the open
 * store and the clock. main.c owns it; each cmd_* borrows it.
 */
#ifndef ALMANAC_CLI_H
#define ALMANAC_CLI_H

#include <time.h>

#include "base/config.h"
#include "ingest/ingest.h"
#include "store/store.h"

struct llm_client;

struct cli {
    const char *config_path;
    const char *db_path;   /* --db, else $ALMANAC_DB, else the config's */
    struct config *cfg;    /* loaded on demand by cli_config(); after cli_defs(), the
                            * file's sections and the API's (config_merge) */
    struct config *file;   /* the configuration file as loaded */
    struct config *defs;   /* the API's sources and rules (cli_defs), or NULL */
    struct store *st;      /* opened on demand by cli_store() */
    time_t now;            /* $ALMANAC_NOW or the clock */
    int no_analyze;        /* ingest --no-analyze: store only (bulk loads) */
    struct llm_client *llm; /* made by cli_summarize() on first use; its circuit
                             * breaker lasts as long as the process */
};

/* Load / open on first use; print the reason and return NULL on failure. */
struct config *cli_config(struct cli *c);
struct store *cli_store(struct cli *c);
/*
 * The configuration with the sources and alert rules added through the API
 * (the store's api_defs) after the file's: c->cfg becomes that view, read
 * again at each call (`run` calls it before each ingest). A store that
 * cannot be read leaves the file's alone, with a warning. NULL when the
 * configuration or store cannot be had.
 */
struct config *cli_defs(struct cli *c);
/* Frees c's configurations (main.c). */
void cli_config_free(struct cli *c);

/*
 * The value v of a numeric option opt ("--limit"): a whole decimal number,
 * digits with an optional leading '-', from lo to hi. ALM_OK and *out set,
 * or ALM_EINVAL after printing "almanac: OPT: expected a whole number from
 * LO to HI, not 'V'" (the caller exits 2).
 */
int cli_number(const char *opt, const char *v, long long lo, long long hi, long long *out);


int cmd_parse(struct cli *c, int argc, char **argv);
int cmd_extract(struct cli *c, int argc, char **argv);
int cmd_ingest(struct cli *c, int argc, char **argv);
int cmd_fetch(struct cli *c, int argc, char **argv);
/* The ingest stage with the CLI's clock, one printed line per transfer, a
 * summary, then the analysis of what changed (unless no_analyze): what
 * ingest, fetch and run do. The exit status: 0, 1 (nothing ingested, or the
 * analysis failed), 2 (an unknown source). */
int cli_ingest(struct cli *c, const struct ingest_options *o);
int cmd_sources(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_event(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_analyze(struct cli *c, int argc, char **argv);
/* Runs the analysis over new and changed items (all with rebuild). */
int cli_analyze(struct cli *c, int rebuild);
/* summarize [--limit N]: model summaries (summarize.c). cli_summarize runs
 * them after ingest and analyze: nothing without an [llm] section; 0, or 1
 * when the store failed (a failed request is not a failure). limit < 0:
 * the section's per_run. */
int cmd_summarize(struct cli *c, int argc, char **argv);
int cli_summarize(struct cli *c, int limit);
int cmd_opml(struct cli *c, int argc, char **argv);
/* digest --day|--week [DATE] [--format md|html]: the period's top events. */
int cmd_digest(struct cli *c, int argc, char **argv);
/* serve: the web server until SIGTERM/SIGINT; run: the same, ingesting every --every s. */
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_run(struct cli *c, int argc, char **argv);
/* backup [--force] FILE: an online copy of the database; doctor [--json]:
 * the installation's checks, exit 0 when all are ok (ops.c). */
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_doctor(struct cli *c, int argc, char **argv);
/* migrate-to DSN: the SQLite almanac copied into an empty PostgreSQL
 * database, a line per table (ops.c). */
int cmd_migrate_to(struct cli *c, int argc, char **argv);
/* prune --older-than AGE [--dry-run]: retention (ops.c). */
int cmd_prune(struct cli *c, int argc, char **argv);
/* alerts [--limit N]: rules, recent deliveries, retries, dead letters;
 * alerts send: queue and deliver what is due (alerts.c). */
int cmd_alerts(struct cli *c, int argc, char **argv);
/* Queues the deliveries the rules match and sends what is due, with one
 * summary line (none when quiet and there are no rules): 0, or 1 when the
 * store failed. */
int cli_alerts(struct cli *c, int quiet);

#endif
