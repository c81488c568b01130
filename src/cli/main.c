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
#include "llm/llm.h"
#include "parse/date.h"
#include "store/store.h"
#include "version.h"

static const struct command {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
    const char *usage;  /* one line (or two) in the list of commands */
    const char *help;   /* `almanac help NAME`, `almanac NAME --help` */
} commands[] = {
    { "ingest", cmd_ingest, "ingest [--snapshot] [--all] [--no-analyze] [SOURCE...]  fetch, parse, store, analyse",
      "usage: almanac ingest [--snapshot] [--all] [--no-analyze] [SOURCE...]\n"
      "       almanac ingest --worker [--worker-id NAME] [--lease SECONDS] [--no-analyze]\n\n"
      "Fetches the sources that are due (or the SOURCEs named, by slug), parses and stores\n"
      "their entries, then analyses what changed.\n\n"
      "  --snapshot     read each source's bundled snapshot files instead of the network\n"
      "  --all          every enabled source, due or not\n"
      "  --no-analyze   store only; run `almanac analyze` later (bulk loads)\n"
      "  --worker       share the sources with other workers on one database: claim due\n"
      "                 sources under a lease, batch by batch, until none is due; then\n"
      "                 analyse unless another worker is analysing\n"
      "  --worker-id NAME  the name leases are held under (default HOST:PID)\n"
      "  --lease SECONDS   how long a claim lasts without a heartbeat (default 300)\n\n"
      "Exit status: 0, 1 when nothing was ingested or the analysis failed, 2 for a usage\n"
      "error or an unknown source.\n" },
    { "fetch", cmd_fetch, "fetch [SOURCE...]         fetch sources now, due or not",
      "usage: almanac fetch [SOURCE...]\n\n"
      "Fetches every enabled source now (or the SOURCEs named, by slug), due or not, and\n"
      "ingests and analyses what they hold.\n" },
    { "parse", cmd_parse, "parse FILE|URL [--json]   parse one feed and print it",
      "usage: almanac parse FILE|URL... [--json]\n\n"
      "Parses feeds (RSS, Atom, RDF, JSON Feed) and prints them; nothing is stored.\n\n"
      "  --json   one JSON object per feed, one per line (the parse contract)\n" },
    { "extract", cmd_extract, "extract FILE|URL [--json] the article in an HTML page: text and metadata",
      "usage: almanac extract FILE|URL... [--json]\n\n"
      "Extracts the article of HTML pages: title, author, date, text; nothing is stored.\n\n"
      "  --json   one JSON object per page\n" },
    { "sources", cmd_sources, "sources [--json]          list sources with their health",
      "usage: almanac sources [--json]\n\n"
      "Lists the configured sources with their tier, kind, health, item count and last\n"
      "fetch.\n\n"
      "  --json   a JSON array\n" },
    { "analyze", cmd_analyze, "analyze [--rebuild]       analyse new items (all with --rebuild)",
      "usage: almanac analyze [--rebuild]\n\n"
      "Analyses the items stored since the last analysis: entities, kind, guides, stories,\n"
      "scores, summaries and related events.\n\n"
      "  --rebuild   analyse every item again\n" },
    { "summarize", cmd_summarize, "summarize [--limit N]     summaries by the [llm] section's model",
      "usage: almanac summarize [--limit N]\n\n"
      "Asks the language model of the configuration's [llm] section (an OpenAI-compatible\n"
      "chat completions API) for the summaries of the events that have text and no model\n"
      "summary, newest first; answers kept from earlier runs are used without asking. An\n"
      "answer that fails the checks (2-4 sentences, 45-90 words, not the title again, no\n"
      "entity the text does not name) leaves the summary drawn from the text. ingest and\n"
      "analyze do this on their own after the analysis.\n\n"
      "  --limit N   ask at most N (default: the section's per_run)\n" },
    { "events", cmd_events, "events [--min-score N] [--guide G] [--source S] [--kind K] [--tier N]\n"
                            "         [--since DATE] [--top] [--limit N] [--json]",
      "usage: almanac events [--min-score N] [--guide G] [--source S] [--kind K]\n"
      "                      [--tier N] [--since DATE] [--top] [--limit N] [--json]\n\n"
      "Lists events, newest first (highest score first with --top).\n\n"
      "  --min-score N   only events scored N or more (1 to 10)\n"
      "  --guide G       only events in guide G (a slug)\n"
      "  --source S      only events from source S (a slug)\n"
      "  --kind K        release, research, policy, business, security, commentary,\n"
      "                  digest, tutorial or other\n"
      "  --tier N        only sources of tier N (1 to 3)\n"
      "  --since DATE    only events published at or after DATE (RFC 3339 or a feed date)\n"
      "  --top           by score, then date\n"
      "  --limit N       at most N events\n"
      "  --json          a JSON array\n" },
    { "event", cmd_event, "event ID [--json]         one event: summary, guides, related events",
      "usage: almanac event ID [--json]\n\n"
      "Shows one event: its summary, guides, related events, why its score, entities and\n"
      "story.\n\n"
      "  --json   a JSON object\n" },
    { "explain", cmd_explain, "explain ID                why an event has its score",
      "usage: almanac explain ID\n\n"
      "Prints the reasons that make up an event's score, with their points.\n" },
    { "digest", cmd_digest, "digest --day|--week [DATE] [--format md|html]\n"
                            "         a day's or a week's top events, their stories and guides",
      "usage: almanac digest --day [YYYY-MM-DD] | --week [YYYY-Www|YYYY-MM-DD]\n"
      "                      [--format md|html] [--base-url URL]\n\n"
      "Prints the period's 10 top events (by score, then date), each with its score,\n"
      "source, kind, summary, link, guides and its story's other reports. Without DATE,\n"
      "today or this week (UTC; ALMANAC_NOW fixes the clock). Weeks are ISO 8601, Monday\n"
      "first. The site has the same at /digest/YYYY-MM-DD and /digest/YYYY-Www.\n\n"
      "  --format md|html   Markdown (the default) or a standalone HTML page\n"
      "  --base-url URL     link each event to its page on the site at URL\n" },
    { "opml", cmd_opml, "opml import FILE | opml export",
      "usage: almanac opml import FILE\n"
      "       almanac opml export\n\n"
      "import adds the feeds of an OPML file to the configuration as tier-3 sources (the\n"
      "file is rewritten only when the new configuration loads); export prints the\n"
      "configured sources as OPML.\n" },
    { "serve", cmd_serve, "serve [--listen ADDR:PORT]   serve the site, API and feeds",
      "usage: almanac serve [--listen ADDR:PORT] [--access-log FILE] [--base-url URL]\n"
      "                     [--threads N] [--max-connections N] [--max-per-address N]\n"
      "                     [--header-timeout S] [--request-timeout S]\n\n"
      "Serves the site, the API (/api/v1/) and the feeds until SIGTERM or SIGINT.\n\n"
      "  --listen ADDR:PORT     where to listen (default 127.0.0.1:8080)\n"
      "  --access-log FILE      the access log (default: stderr)\n"
      "  --base-url URL         the public URL, for feeds' absolute links\n"
      "  --threads N            worker threads (1 to 64)\n"
      "  --max-connections N    connections at once (1 to 65536)\n"
      "  --max-per-address N    connections at once from one address (1 to 65536)\n"
      "  --header-timeout S     seconds to receive a request's headers (1 to 3600)\n"
      "  --request-timeout S    seconds for a whole request (1 to 86400)\n" },
    { "run", cmd_run, "run [--listen ADDR:PORT] [--every SECONDS]\n"
                      "         serve and ingest on a schedule",
      "usage: almanac run [--every SECONDS] [serve's options]\n\n"
      "Serves as `almanac serve` does and ingests the due sources every SECONDS (10 to\n"
      "604800, default 300).\n" },
    { "backup", cmd_backup, "backup [--force] FILE     an online, consistent copy of the database",
      "usage: almanac backup [--force] FILE\n\n"
      "Copies the database to FILE through SQLite's online backup: the database as it\n"
      "was when the copy began, taken while `serve` or an ingest goes on writing. The\n"
      "copy is written to FILE.tmp, then renamed to FILE; `almanac --db FILE` opens it.\n\n"
      "  --force   replace FILE if it exists (refused otherwise)\n\n"
      "Exit status: 0, 1 when FILE exists or the copy failed, 2 for a usage error.\n" },
    { "migrate-to", cmd_migrate_to, "migrate-to DSN            copy this SQLite almanac into an empty PostgreSQL database",
      "usage: almanac migrate-to DSN\n\n"
      "Copies the almanac this command opens (a SQLite database: --db, $ALMANAC_DB or\n"
      "the configuration's `database`) into the empty PostgreSQL database DSN names\n"
      "(postgres://... or postgresql://...): every table, with its ids; the identity\n"
      "sequences move past the largest id and the search vectors fill themselves. One\n"
      "transaction on PostgreSQL: a failure leaves it as it was. A line per table, then\n"
      "a check that every table holds as many rows on both sides. Stop ingests first:\n"
      "what they write during the copy stays in SQLite. Then point `database` (or\n"
      "ALMANAC_DB) at DSN. docs/deploy.md tells the whole move.\n\n"
      "Exit status: 0, 1 when the target is not empty, the source is not SQLite or\n"
      "the copy failed (nothing is kept), 2 for a usage error.\n" },
    { "doctor", cmd_doctor, "doctor [--json]           check configuration, database, disk, sources, clock",
      "usage: almanac doctor [--json]\n\n"
      "Checks the installation and prints one line each: the configuration loads (and\n"
      "its sources); the database opens, its schema is current and PRAGMA quick_check\n"
      "says ok (read only: nothing is migrated or written); free space on the database's\n"
      "filesystem (warns under 1 GB or 10%); the sources' health (warns when one failed\n"
      "5 times in a row, naming the worst); the clock (fails when it is more than a day\n"
      "before the newest item's first sighting).\n\n"
      "  --json   one JSON object: {\"ok\": true|false, \"checks\": [{check, status, detail}]}\n\n"
      "Exit status: 0 when every check is ok, 1 otherwise, 2 for a usage error.\n" },
    { "prune", cmd_prune, "prune --older-than AGE [--dry-run]  remove old items not cited",
      "usage: almanac prune --older-than AGE [--dry-run]\n\n"
      "Removes the items published more than AGE ago, with their events, except the\n"
      "stories that a guide or a newer report cites: an old event stays when an event of\n"
      "its story joined a guide (a guide's timeline shows every event that joined it) or\n"
      "was published within AGE. A story goes whole or stays whole. Other events'\n"
      "related lists lose the removed ones. One transaction.\n\n"
      "  --older-than AGE   N days, weeks, months or years: 90d, 6w, 18m, 2y\n"
      "  --dry-run          count what would go, remove nothing\n\n"
      "An entry a feed still lists comes back as new at the next ingest.\n\n"
      "Exit status: 0, 1 when the database failed, 2 for a usage error.\n" },
    { "alerts", cmd_alerts, "alerts [--limit N] | alerts send\n"
                            "         alert rules, deliveries, retries, dead letters; deliver what is due",
      "usage: almanac alerts [--limit N]\n"
      "       almanac alerts send\n\n"
      "Lists the [alert NAME] rules of the configuration, the latest deliveries, the\n"
      "pending retries and the dead letters (deliveries that failed every attempt).\n\n"
      "  --limit N   at most N recent deliveries and dead letters (default 20)\n\n"
      "`alerts send` records a delivery for every event a rule matches that has none for\n"
      "it yet (each event alerts once per rule), then sends those that are due: a webhook\n"
      "gets a JSON POST signed with HMAC-SHA256 (X-Almanac-Signature: sha256=HEX), an\n"
      "e-mail address a text and HTML message over SMTP. A failure is tried again after\n"
      "1, 2, 4... minutes (a longer Retry-After wins) until the rule's attempts run out;\n"
      "quiet hours hold deliveries until they end. `ingest` does the same after its\n"
      "analysis.\n\n"
      "Exit status: 0 (failed deliveries included: they are kept), 1 when the database\n"
      "failed, 2 for a usage error.\n" },
};

static const char version_text[] =
    "almanac " ALMANAC_VERSION
#ifdef ALMANAC_COMMIT
    " (" ALMANAC_COMMIT ")"
#endif
    "\n";

static void
usage(FILE *out)
{
    fprintf(out, "usage: almanac [--config FILE] [--db FILE] COMMAND [ARGS]\n"
                 "       almanac help [COMMAND] | --help | --version\n\ncommands:\n");
    for (size_t i = 0; i < LEN(commands); i++)
        fprintf(out, "  %s\n", commands[i].usage);
    fprintf(out, "  help [COMMAND]            this text, or a command's\n");
    fprintf(out, "\nenvironment: ALMANAC_CONFIG, ALMANAC_DB, ALMANAC_NOW (fixed clock),\n"
                 "             ALMANAC_ALLOW_LOCAL=1 (let every source reach local addresses)\n"
                 "\n`almanac COMMAND --help` or `almanac help COMMAND` describes a command;\n"
                 "man almanac, the rest.\n");
}

static const struct command *
find_command(const char *name)
{
    for (size_t k = 0; k < LEN(commands); k++)
        if (strcmp(name, commands[k].name) == 0)
            return &commands[k];
    return NULL;
}

/* `almanac help [COMMAND]`: 0, or 2 for an unknown command. */
static int
help(int argc, char **argv)
{
    const struct command *cmd;

    if (argc == 1) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "help") == 0) {
        printf("usage: almanac help [COMMAND]\n\nDescribes COMMAND, or lists them all.\n");
        return 0;
    }
    cmd = argc == 2 ? find_command(argv[1]) : NULL;
    if (cmd == NULL) {
        if (argc == 2)
            fprintf(stderr, "almanac: help: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    fputs(cmd->help, stdout);
    return 0;
}

/* A command's arguments ask for its help: --help anywhere before "--",
 * or -h first. */
static int
wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || (i == 1 && strcmp(argv[i], "-h") == 0))
            return 1;
    return 0;
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
    const struct command *cmd;
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
        } else if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "--db") == 0)) {
            fprintf(stderr, "almanac: %s needs a value\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            fputs(version_text, stdout);
            return 0;
        } else {
            fprintf(stderr, "almanac: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0)
        return help(argc - i, argv + i);
    cmd = find_command(argv[i]);
    if (cmd != NULL) {
        if (wants_help(argc - i, argv + i)) {
            fputs(cmd->help, stdout);
            return 0;
        }
        fetch_global_init();
        rc = cmd->run(&c, argc - i, argv + i);
        llm_client_free(c.llm);
        store_close(c.st);
        cli_config_free(&c);
        fetch_global_cleanup();
        return rc;
    }
    fprintf(stderr, "almanac: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}
