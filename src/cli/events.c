/*
 * events.c - `almanac events`: the newest stored items, as the seed lists
 * events (source (author), age, title, link).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "parse/date.h"

struct list {
    struct cli *c;
    int json, n;
    struct buf out;
};

static int
print_item(const struct item *it, void *arg)
{
    struct list *l = arg;
    char age[32], date[32];

    cli_age(l->c->now, it->published, age, sizeof(age));
    date_format_rfc3339(it->published, date);
    if (l->json) {
        if (l->n++)
            buf_putc(&l->out, ',');
        buf_printf(&l->out, "{\"id\":%lld,\"link\":", (long long)it->id);
        buf_append_json(&l->out, it->url);
        buf_puts(&l->out, ",\"title\":");
        buf_append_json(&l->out, it->title);
        buf_puts(&l->out, ",\"source\":");
        buf_append_json(&l->out, it->source_slug);
        buf_puts(&l->out, ",\"source_name\":");
        buf_append_json(&l->out, it->source_name);
        buf_printf(&l->out, ",\"tier\":%d,\"published\":", it->tier);
        buf_append_json(&l->out, date);
        buf_putc(&l->out, '}');
        return 0;
    }
    l->n++;
    if (it->source_author && strcmp(it->source_author, it->source_name) != 0)
        printf("%s (%s) · %s\n", it->source_name, it->source_author, age);
    else
        printf("%s · %s\n", it->source_name, age);
    printf("  %s\n  %s\n\n", it->title ? it->title : "(untitled)", it->url ? it->url : "");
    return 0;
}

int
cmd_events(struct cli *c, int argc, char **argv)
{
    struct item_query q = { 0 };
    struct list l = { .c = c, .out = BUF_INIT((size_t)256 << 20) };
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            l.json = 1;
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            q.limit = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc) {
            q.source = argv[++i];
        } else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            if (date_parse(argv[++i], &q.since) != ALM_OK) {
                fprintf(stderr, "almanac: --since: cannot read date '%s'\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: almanac events [--limit N] [--source S] [--since DATE] [--json]\n");
            return 2;
        }
    }
    if (cli_store(c) == NULL)
        return 1;
    if (l.json)
        buf_putc(&l.out, '[');
    rc = store_list_items(c->st, &q, print_item, &l);
    if (l.json) {
        buf_puts(&l.out, "]\n");
        fwrite(l.out.data, 1, l.out.len, stdout);
    }
    buf_free(&l.out);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s\n", store_error(c->st));
        return 1;
    }
    return 0;
}
