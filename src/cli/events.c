/*
 * events.c - `almanac events`, `almanac event ID`, `almanac explain ID` and
 * `almanac analyze`: events as the seed page shows them.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "analyze/model.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "cli/cli.h"
#include "ingest/rows.h"
#include "parse/date.h"
#include "present/json.h"
#include "store/store.h"
#include "store/store_admin.h"
#include "store/store_ingest.h"
#include "store/store_web.h"

/* "Interconnects (Nathan Lambert)", or the name alone. */
static void
source_label(const struct item *it, char *out, size_t n)
{
    if (it->source_author && *it->source_author && strcmp(it->source_author, it->source_name))
        snprintf(out, n, "%s (%s)", it->source_name, it->source_author);
    else
        snprintf(out, n, "%s", it->source_name);
}

/* An event's object, open (callers add members and the brace): the
 * members of present/json.h as the CLI gives them, with its age. */
static void
event_json(struct buf *b, const struct event *e, time_t now)
{
    char age[32];

    timefmt_age(now, e->item.published, age, sizeof(age));
    buf_putc(b, '{');
    json_event_fields(b, e, &(struct json_event_opts){ .age = age });
}

/* The seed's row: score, source (author), age, title, summary, link. */
static void
event_text(const struct event *e, time_t now, const char *indent)
{
    char src[512], age[32];

    source_label(&e->item, src, sizeof(src));
    timefmt_age(now, e->item.published, age, sizeof(age));
    printf("%s%2d  %s · %s · #%lld\n", indent, e->score, src, age, (long long)e->item.id);
    printf("%s    %s\n", indent, e->item.title ? e->item.title : "(untitled)");
    printf("%s    %s\n", indent, e->summary);
    if (e->item.url)
        printf("%s    source ↗ %s\n", indent, e->item.url);
    printf("\n");
}

struct list {
    struct cli *c;
    int json, n;
    struct buf out;
};

static int
list_event(const struct event *e, void *arg)
{
    struct list *l = arg;

    if (l->json) {
        if (l->n++)
            buf_putc(&l->out, ',');
        event_json(&l->out, e, l->c->now);
        if (e->weight > 0)
            buf_printf(&l->out, ",\"weight\":%.3f", e->weight);
        buf_putc(&l->out, '}');
    } else {
        l->n++;
        event_text(e, l->c->now, "");
    }
    return 0;
}

/* The largest --limit: more than any almanac holds, few enough that the
 * listing stays within its output buffer's bound. */
#define EVENTS_LIMIT_MAX 1000000

/* --source and --guide name what the almanac has: 0, or 2 after saying
 * which value names nothing (1 when the store cannot tell). */
static int
check_names(struct cli *c, const struct event_query *q)
{
    int rc;

    if (q->source) {
        struct source_state ss;
        rc = store_get_source(c->st, q->source, &ss);
        if (rc == ALM_OK)
            source_state_fini(&ss);
        else if (rc == ALM_ENOTFOUND) {
            fprintf(stderr, "almanac: --source: no source '%s' (`almanac sources` lists them)\n",
                    q->source);
            return 2;
        } else {
            fprintf(stderr, "almanac: %s\n", store_error(c->st));
            return 1;
        }
    }
    if (q->guide) {
        struct guide_info g;
        rc = store_get_guide(c->st, q->guide, &g);
        if (rc == ALM_OK)
            guide_info_fini(&g);
        else if (rc == ALM_ENOTFOUND) {
            fprintf(stderr, "almanac: --guide: no guide '%s'\n", q->guide);
            return 2;
        } else {
            fprintf(stderr, "almanac: %s\n", store_error(c->st));
            return 1;
        }
    }
    return 0;
}

static int
usage_events(void)
{
    fprintf(stderr, "usage: almanac events [--min-score N] [--guide G] [--source S] [--kind K]\n"
                    "                      [--tier N] [--since DATE] [--top] [--limit N] [--json]\n");
    return 2;
}

int
cmd_events(struct cli *c, int argc, char **argv)
{
    struct event_query q = { 0 };
    struct list l = { .c = c, .out = BUF_INIT((size_t)512 << 20) };
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long long n;

        if (strcmp(a, "--json") == 0) {
            l.json = 1;
        } else if (strcmp(a, "--top") == 0) {
            q.by_score = 1;
        } else if (v == NULL) {
            if (strncmp(a, "--", 2) == 0)
                fprintf(stderr, "almanac: %s needs a value\n", a);
            return usage_events();
        } else if (strcmp(a, "--limit") == 0) {
            if (cli_number(a, v, 1, EVENTS_LIMIT_MAX, &n) != ALM_OK)
                return 2;
            q.limit = (int)n, i++;
        } else if (strcmp(a, "--min-score") == 0) {
            if (cli_number(a, v, 1, 10, &n) != ALM_OK)
                return 2;
            q.min_score = (int)n, i++;
        } else if (strcmp(a, "--tier") == 0) {
            if (cli_number(a, v, 1, 3, &n) != ALM_OK)
                return 2;
            q.tier = (int)n, i++;
        } else if (strcmp(a, "--guide") == 0) {
            q.guide = v, i++;
        } else if (strcmp(a, "--source") == 0) {
            q.source = v, i++;
        } else if (strcmp(a, "--kind") == 0) {
            if (strcmp(v, "other") != 0 && event_kind_parse(v) == KIND_OTHER) {
                fprintf(stderr, "almanac: --kind: no kind '%s' (release, research, policy, "
                                "business, security, commentary, digest, tutorial, other)\n", v);
                return 2;
            }
            q.kind = v, i++;
        } else if (strcmp(a, "--since") == 0) {
            if (date_parse(v, &q.since) != ALM_OK) {
                fprintf(stderr, "almanac: --since: cannot read date '%s'\n", v);
                return 2;
            }
            i++;
        } else {
            fprintf(stderr, "almanac: events: unknown option '%s'\n", a);
            return usage_events();
        }
    }
    if (cli_store(c) == NULL)
        return 1;
    if ((rc = check_names(c, &q)) != 0) {
        buf_fini(&l.out);
        return rc;
    }
    if (l.json)
        buf_putc(&l.out, '[');
    rc = store_list_events(c->st, &q, list_event, &l);
    if (l.json) {
        buf_puts(&l.out, "]\n");
        fwrite(l.out.data, 1, l.out.len, stdout);
    } else if (l.n == 0) {
        int64_t nev = -1;
        store_count_events(c->st, &nev);
        printf("no events%s\n", nev == 0 ? " yet: run `almanac ingest` (or `almanac analyze`)"
                                          : "");
    }
    buf_fini(&l.out);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", store_error(c->st));
        return 1;
    }
    return 0;
}

struct ents {
    struct buf *b;
    int json, n;
};

static int
list_entity(const char *name, const char *kind, int mentions, void *arg)
{
    struct ents *en = arg;

    if (en->json) {
        if (en->n)
            buf_putc(en->b, ',');
        buf_puts(en->b, "{\"name\":");
        buf_append_json(en->b, name);
        buf_puts(en->b, ",\"kind\":");
        buf_append_json(en->b, kind);
        buf_printf(en->b, ",\"mentions\":%d}", mentions);
    } else {
        buf_printf(en->b, "%s%s (%s)", en->n ? ", " : "", name, kind);
    }
    en->n++;
    return 0;
}

/* Prints the stored reasons, one per line. */
static void
print_reasons(const struct event *e)
{
    for (size_t i = 0; i < e->nreasons; i++)
        printf("  %+6.2f  %s\n", e->reasons[i].points, e->reasons[i].text);
    printf("  = %d (the sum: a whole number from 1 to 10)\n", e->score);
}

/* An event ID argument of command cmd; prints why not. */
static int
parse_id(const char *cmd, const char *s, int64_t *id)
{
    char opt[32];
    long long v;

    snprintf(opt, sizeof(opt), "%s ID", cmd);
    if (cli_number(opt, s, 1, LLONG_MAX, &v) != ALM_OK)
        return ALM_EINVAL;
    *id = v;
    return ALM_OK;
}

int
cmd_event(struct cli *c, int argc, char **argv)
{
    int json = 0;
    int64_t id = 0;
    struct event e;
    struct buf b = BUF_INIT((size_t)64 << 20);
    struct list rel = { .c = c, .json = 1, .out = BUF_INIT((size_t)64 << 20) };
    struct ents en = { .b = &b };
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (id != 0 || parse_id("event", argv[i], &id) != ALM_OK)
            id = -1;
    }
    if (id <= 0) {
        fprintf(stderr, "usage: almanac event ID [--json]\n");
        return 2;
    }
    if (cli_store(c) == NULL)
        return 1;
    rc = store_get_event(c->st, id, &e);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: event %lld: %s\n", (long long)id,
                rc == ALM_ENOTFOUND ? "no such event" : store_error(c->st));
        return 1;
    }
    if (json) {
        event_json(&b, &e, c->now);
        buf_puts(&b, ",\"reasons\":");
        json_reasons(&b, &e);
        buf_puts(&b, ",\"entities\":[");
        en.json = 1;
        store_event_entities(c->st, id, list_entity, &en);
        buf_puts(&b, "],\"related\":[");
        store_related_events(c->st, id, list_event, &rel);
        buf_append(&b, buf_cstr(&rel.out), rel.out.len);
        buf_puts(&b, "]}\n");
        fwrite(b.data, 1, b.len, stdout);
    } else {
        struct list tl = { .c = c, .json = 0, .out = BUF_INIT(1 << 20) };
        printf("← Events\n\n");
        event_text(&e, c->now, "");
        if (e.summary_model)
            printf("Summary written by a language model (%s)\n\n", e.summary_model);
        printf("Related guides (%zu)\n", e.guides.n);
        for (size_t i = 0; i < e.guides.n; i++)
            printf("  %s\n", e.guides.v[i]);
        printf("\nRelated events\n");
        store_related_events(c->st, id, list_event, &tl);
        if (tl.n == 0)
            printf("  (none yet)\n\n");
        printf("Why %d:\n", e.score);
        print_reasons(&e);
        store_event_entities(c->st, id, list_entity, &en);
        printf("\nEntities: %s\n", en.n ? buf_cstr(&b) : "none found");
        printf("Story: #%lld\n", (long long)e.story_id);
        buf_fini(&tl.out);
    }
    buf_fini(&b);
    buf_fini(&rel.out);
    event_fini(&e);
    return 0;
}

/* The event's date, and the feed's own when it came from the future. */
static void
print_dates(struct cli *c, const struct event *e)
{
    char date[32], claim[32];
    time_t claimed = 0;

    timefmt_rfc3339(e->item.published, date);
    if (store_item_claimed(c->st, e->item.id, &claimed) != ALM_OK || claimed == 0) {
        printf("published %s\n", date);
        return;
    }
    timefmt_rfc3339(claimed, claim);
    printf("published %s: the feed says %s, more than %d h after it was fetched, so the\n"
           "  fetch time is used\n", date, claim, ROWS_FUTURE_SKEW / 3600);
}

int
cmd_explain(struct cli *c, int argc, char **argv)
{
    int64_t id;
    struct event e;

    if (argc != 2 || parse_id("explain", argv[1], &id) != ALM_OK) {
        fprintf(stderr, "usage: almanac explain ID\n");
        return 2;
    }
    if (cli_store(c) == NULL)
        return 1;
    if (store_get_event(c->st, id, &e) != ALM_OK) {
        fprintf(stderr, "almanac: event %lld: no such event\n", (long long)id);
        return 1;
    }
    printf("%s\n%s, %s · kind %s\n", e.item.title ? e.item.title : "(untitled)",
           e.item.source_name, e.item.tier == 1 ? "tier 1" : e.item.tier == 2 ? "tier 2" : "tier 3",
           e.kind);
    print_dates(c, &e);
    print_reasons(&e);
    event_fini(&e);
    return 0;
}

/*
 * Where data/entities.tsv and guides/ live: $ALMANAC_DATA, else beside the
 * configuration (the repository when run from a checkout), else beside the
 * binary, else the installed share directory.
 */
static const char *
data_root(struct cli *c)
{
    static char exe[4096];
    const char *env = getenv("ALMANAC_DATA");
    char probe[4200];
    ssize_t n;

    if (env && *env)
        return env;
    snprintf(probe, sizeof(probe), "%s/data/entities.tsv", c->cfg->dir);
    if (access(probe, R_OK) == 0)
        return c->cfg->dir;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(probe, sizeof(probe), "%s/data/entities.tsv", exe);
        if (access(probe, R_OK) == 0)
            return exe;
        /* build-asan/almanac: the checkout is one level up */
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(probe, sizeof(probe), "%s/data/entities.tsv", exe);
            if (access(probe, R_OK) == 0)
                return exe;
        }
    }
    return "/usr/share/almanac";
}

int
cli_analyze(struct cli *c, int rebuild)
{
    struct analyzer *a;
    struct analyze_stats s;
    char err[512];

    if (cli_config(c) == NULL || cli_store(c) == NULL)
        return 1;
    if (analyzer_open(data_root(c), &a, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: analysis: %s\n", err);
        return 1;
    }
    if (analyze_run(a, c->st, rebuild, c->now, &s, err, sizeof(err)) != ALM_OK) {
        fprintf(stderr, "almanac: analysis: %s\n", err);
        analyzer_close(a);
        return 1;
    }
    printf("analysed %d events (%d new or changed) in %.2f s; %d stories, %d related lists"
           " written\n", s.analyzed, s.fresh, s.seconds, s.stories, s.related_lists);
    analyzer_close(a);
    return 0;
}

int
cmd_analyze(struct cli *c, int argc, char **argv)
{
    int rebuild = argc == 2 && strcmp(argv[1], "--rebuild") == 0;

    if (argc > 2 || (argc == 2 && !rebuild)) {
        fprintf(stderr, "almanac: analyze: unknown argument '%s'\n", argv[argc == 2 ? 1 : 2]);
        fprintf(stderr, "usage: almanac analyze [--rebuild]\n");
        return 2;
    }
    if (cli_analyze(c, rebuild) != 0)
        return 1;
    return cli_summarize(c, -1);
}
