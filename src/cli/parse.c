/*
 * parse.c - `almanac parse FILE|URL... [--json]`: one feed through the
 * parser, printed as the contract's JSON object (one per line when several
 * are given) or as a short human listing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "parse/date.h"
#include "parse/feed.h"

/* Reads a whole file, at most max bytes (more is cut, the parser says so). */
static int
read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    struct buf b = BUF_INIT(max + 2);
    char tmp[65536];
    size_t n;

    if (fp == NULL)
        return ALM_EIO;
    while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0) {
        size_t room = max + 1 - b.len;
        if (buf_append(&b, tmp, n < room ? n : room) != ALM_OK || b.len > max)
            break;
    }
    if (ferror(fp)) {
        fclose(fp);
        buf_free(&b);
        return ALM_EIO;
    }
    fclose(fp);
    *len = b.len;
    *out = buf_take(&b);
    return ALM_OK;
}

static void
print_human(const struct feed *f, const char *name)
{
    char d[32];

    printf("%s: %s, %s%s%s, %zu entries\n", name, feed_format_name(f->format), f->encoding,
           f->bozo ? ", bozo: " : "", f->bozo ? f->bozo_message : "", f->entries.n);
    if (f->title)
        printf("  %s%s%s\n", f->title, f->link ? " - " : "", f->link ? f->link : "");
    for (size_t i = 0; i < f->entries.n; i++) {
        const struct feed_entry *e = f->entries.v[i];
        strcpy(d, "-");
        if (e->has_published)
            date_format_rfc3339(e->published, d);
        else if (e->has_updated)
            date_format_rfc3339(e->updated, d);
        printf("  %-20s  %s\n  %20s  %s\n", d, e->title ? e->title : "(untitled)", "",
               e->link ? e->link : "");
    }
}

static int
load(const char *arg, char **data, size_t *len)
{
    if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0) {
        struct fetch_opts o;
        struct fetch_req r = { .url = arg };
        struct fetch_result *res = NULL;
        const char *local = getenv("ALMANAC_ALLOW_LOCAL");

        fetch_opts_default(&o);
        o.allow_local_all = local && strcmp(local, "1") == 0;
        if (fetch_one(&o, &r, &res) != ALM_OK || !res->ok) {
            fprintf(stderr, "almanac: %s: %s\n", arg, res && res->error ? res->error : "fetch failed");
            fetch_result_free(res);
            return ALM_EFETCH;
        }
        *data = res->body;
        *len = res->len;
        res->body = NULL;
        fetch_result_free(res);
        return ALM_OK;
    }
    if (read_file(arg, FEED_MAX_BYTES, data, len) != ALM_OK) {
        perror(arg);
        return ALM_EIO;
    }
    return ALM_OK;
}

int
cmd_parse(struct cli *c, int argc, char **argv)
{
    int json = 0, failed = 0, nfiles = 0;
    struct buf out = BUF_INIT((size_t)1 << 30);

    (void)c;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else
            nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: almanac parse FILE|URL... [--json]\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        char *data = NULL;
        size_t len = 0;
        struct feed *f;

        if (strcmp(argv[i], "--json") == 0)
            continue;
        if (load(argv[i], &data, &len) != ALM_OK) {
            failed = 1;
            continue;
        }
        f = feed_parse(data, len, strncmp(argv[i], "http", 4) == 0 ? argv[i] : NULL);
        if (json) {
            buf_reset(&out);
            if (feed_to_json(f, &out) == ALM_OK) {
                buf_putc(&out, '\n');
                fwrite(out.data, 1, out.len, stdout);
            } else {
                fprintf(stderr, "almanac: %s: output too large\n", argv[i]);
                failed = 1;
            }
        } else {
            print_human(f, argv[i]);
        }
        feed_free(f);
        free(data);
    }
    buf_free(&out);
    if (fflush(stdout) != 0)
        failed = 1;
    return failed ? 1 : 0;
}
