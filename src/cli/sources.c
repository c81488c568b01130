/*
 * sources.c - `almanac sources`: every configured source with its health,
 * and `almanac opml import|export`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "parse/opml.h"
#include "present/json.h"
#include "store/store_alerts.h"
#include "store/store_ingest.h"

int
cmd_sources(struct cli *c, int argc, char **argv)
{
    int json = argc > 1 && strcmp(argv[1], "--json") == 0;
    struct buf out = BUF_INIT((size_t)64 << 20);

    if (argc > 2 || (argc == 2 && !json)) {
        if (argc >= 2 && strcmp(argv[1], "--json") != 0)
            fprintf(stderr, "almanac: sources: unknown argument '%s'\n", argv[1]);
        fprintf(stderr, "usage: almanac sources [--json]\n");
        buf_fini(&out);
        return 2;
    }
    if (cli_defs(c) == NULL) {
        buf_fini(&out);
        return 1;
    }
    if (json)
        buf_putc(&out, '[');
    else
        printf("%-28s %-4s %-10s %-14s %6s  %-10s %s\n", "SOURCE", "TIER", "KIND", "HEALTH",
               "ITEMS", "LAST", "NAME");
    for (size_t i = 0; i < c->cfg->nsources; i++) {
        const struct source *s = &c->cfg->sources[i];
        struct source_state ss;
        int known = store_get_source(c->st, s->slug, &ss) == ALM_OK;
        char last[32] = "-";

        if (!known)
            memset(&ss, 0, sizeof(ss));
        if (ss.last_fetch)
            timefmt_age(c->now, ss.last_fetch, last, sizeof(last));
        if (json) {
            if (i)
                buf_putc(&out, ',');
            buf_putc(&out, '{');
            json_source_state_fields(&out, s, known ? &ss : NULL);
            buf_putc(&out, '}');
        } else {
            printf("%-28s %-4d %-10s %-14s %6lld  %-10s %s%s%s\n", s->slug, s->tier, s->kind,
                   json_source_health(known ? &ss : NULL), (long long)ss.items, last, s->name,
                   ss.last_error ? "  -- " : "", ss.last_error ? ss.last_error : "");
            if (ss.articles_ok + ss.articles_failed > 0)
                printf("%-28s articles: %lld fetched, %lld failed%s%s\n", "",
                       (long long)ss.articles_ok, (long long)ss.articles_failed,
                       ss.article_error ? "; last error: " : "",
                       ss.article_error ? ss.article_error : "");
        }
        if (known)
            source_state_fini(&ss);
    }
    if (json) {
        buf_puts(&out, "]\n");
        fwrite(out.data, 1, out.len, stdout);
    }
    buf_fini(&out);
    return 0;
}

/* Reads an OPML file into outlines; prints why not and returns 1. */
static int
read_outlines(const char *file, struct opml_outline **o, size_t *n)
{
    FILE *fp = fopen(file, "rb");
    struct buf in = BUF_INIT(OPML_MAX_BYTES + 1);
    char tmp[65536];
    size_t k;
    int rc;

    if (fp == NULL) {
        perror(file);
        return 1;
    }
    while ((k = fread(tmp, 1, sizeof(tmp), fp)) > 0) {
        if (buf_append(&in, tmp, k) != ALM_OK) {
            fprintf(stderr, "almanac: %s: larger than 16 MiB\n", file);
            fclose(fp);
            buf_fini(&in);
            return 1;
        }
    }
    fclose(fp);
    rc = opml_read(buf_cstr(&in), in.len, o, n);
    buf_fini(&in);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s: %s\n", file,
                rc == ALM_ETOOBIG ? "more outlines than an import takes (100,000)"
                                  : "not an OPML document");
        return 1;
    }
    return 0;
}

/* An outline's title or URL for a message on a terminal: no control
 * characters (C0, DEL, C1), at most 60 bytes cut at a character, then "...". */
static void
shown(const char *s, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;

    while (p[o] && o < 60 && o + 5 < n) {
        int c1 = p[o] == 0xC2 && p[o + 1] >= 0x80 && p[o + 1] <= 0x9F;

        out[o] = p[o] < 0x20 || p[o] == 0x7F || c1 ? ' ' : (char)p[o];
        if (c1)
            out[++o] = ' ';
        o++;
    }
    if (p[o]) {
        while (o > 0 && (p[o] & 0xC0) == 0x80)
            o--; /* back to the start of the character cut */
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/* Says what happened to each outline: rejected ones on stderr. */
static void
report_outlines(const char *file, const struct opml_outline *o, const struct opml_import *v,
                size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char title[80], url[80];

        shown(o[i].title, title, sizeof(title));
        shown(o[i].xml_url, url, sizeof(url));
        if (v[i].verdict == OPML_REJECT)
            fprintf(stderr, "almanac: %s: outline %zu \"%s\" (%s) rejected: %s\n", file, i + 1,
                    title, url, v[i].note);
        else if (v[i].verdict == OPML_DUPLICATE)
            printf("skipped outline %zu \"%s\": %s\n", i + 1, title, v[i].note);
        else if (v[i].note[0] != '\0')
            printf("added \"%s\" from outline %zu: %s\n", v[i].slug, i + 1, v[i].note);
    }
}

struct expect {
    const struct config *old;
    const struct opml_import *v;
    size_t n, added;
};

/* The configuration as written must read back as meant: every source it
 * had, and each added one with its slug, name, feed and site exactly. */
static int
check_import(const struct config *c, void *arg, char *err, size_t errlen)
{
    const struct expect *x = arg;

    if (c->nsources != x->old->nsources + x->added) {
        snprintf(err, errlen, "it has %zu sources, not %zu", c->nsources,
                 x->old->nsources + x->added);
        return ALM_ECONFIG;
    }
    for (size_t i = 0; i < x->n; i++) {
        const struct opml_import *im = &x->v[i];
        const struct source *s = im->verdict == OPML_ADD ? config_find(c, im->slug) : NULL;

        if (im->verdict != OPML_ADD)
            continue;
        if (s == NULL || strcmp(s->name, im->name) != 0 || strcmp(s->feed_url, im->feed) != 0 ||
            (im->site ? s->site_url == NULL || strcmp(s->site_url, im->site) != 0
                      : s->site_url != NULL)) {
            snprintf(err, errlen, "source \"%s\" does not read back as written", im->slug);
            return ALM_ECONFIG;
        }
    }
    return ALM_OK;
}

/* The configuration file's bytes, ending in a newline. */
static int
read_config_text(const char *path, struct buf *out)
{
    FILE *fp = fopen(path, "rb");
    char tmp[65536];
    size_t k;
    int rc = ALM_OK;

    if (fp == NULL)
        return ALM_EIO;
    while (rc == ALM_OK && (k = fread(tmp, 1, sizeof(tmp), fp)) > 0)
        rc = buf_append(out, tmp, k);
    if (ferror(fp))
        rc = ALM_EIO;
    fclose(fp);
    if (rc == ALM_OK && out->len > 0 && out->data[out->len - 1] != '\n')
        rc = buf_putc(out, '\n');
    return rc;
}

/*
 * Adds the outlines of an OPML file as sources: each is checked against
 * the sources configured and the outlines before it (opml_plan_import);
 * the new configuration is written beside the old one, loaded, checked,
 * and only then put in its place (config_replace). The outlines that can
 * be added are added even when others are rejected; the exit status is 1
 * when any outline was rejected or nothing could be written.
 */
static int
opml_import(struct cli *c, const char *file)
{
    struct buf text = BUF_INIT((size_t)16 << 20);
    struct opml_outline *o = NULL;
    struct opml_import *v = NULL;
    struct expect x = { c->cfg, NULL, 0, 0 };
    size_t n = 0, dup = 0, rejected = 0;
    char err[512];
    int rc = 0;

    if (read_outlines(file, &o, &n) != 0)
        return 1;
    opml_plan_import(c->cfg, o, n, &v);
    report_outlines(file, o, v, n);
    for (size_t i = 0; i < n; i++) {
        x.added += v[i].verdict == OPML_ADD;
        dup += v[i].verdict == OPML_DUPLICATE;
        rejected += v[i].verdict == OPML_REJECT;
    }
    x.v = v;
    x.n = n;
    if (x.added > 0) {
        if (read_config_text(c->cfg->path, &text) != ALM_OK ||
            opml_import_render(v, n, &text) != ALM_OK) {
            fprintf(stderr, "almanac: %s: cannot read, or too large with the new sources\n",
                    c->cfg->path);
            rc = 1;
        } else if (config_replace(c->cfg->path, text.data, text.len, check_import, &x, NULL, err,
                                  sizeof(err)) != ALM_OK) {
            fprintf(stderr, "almanac: nothing imported, %s unchanged: the new configuration "
                            "does not load: %s\n", c->cfg->path, err);
            rc = 1;
        }
    }
    if (rc == 0)
        printf("imported %zu new sources of %zu outlines into %s (tier 3, community: edit to "
               "taste); %zu already there, %zu rejected\n", x.added, n, c->cfg->path, dup,
               rejected);
    buf_fini(&text);
    opml_import_free(v, n);
    opml_outlines_free(o, n);
    return rc != 0 || rejected > 0 ? 1 : 0;
}

int
cmd_opml(struct cli *c, int argc, char **argv)
{
    if (cli_config(c) == NULL)
        return 1;
    if (argc == 3 && strcmp(argv[1], "import") == 0)
        return opml_import(c, argv[2]);
    if (argc == 2 && strcmp(argv[1], "export") == 0) {
        struct buf out = BUF_INIT((size_t)16 << 20);
        struct config *defs = NULL, *view = NULL;
        struct store *st = NULL;
        char err[256];
        int rc;

        /* with the sources added through the API when the database is
         * there (read only: an export creates nothing) */
        if (store_open_readonly(c->db_path ? c->db_path : c->cfg->database, &st, err,
                                sizeof(err)) == ALM_OK &&
            store_defs_config(st, &defs, NULL, err, sizeof(err)) == ALM_OK && defs)
            view = config_merge(c->cfg, defs);
        store_close(st);
        rc = opml_write(view ? view : c->cfg, &out);
        if (rc == ALM_OK)
            fwrite(out.data, 1, out.len, stdout);
        buf_fini(&out);
        config_free(view);
        config_free(defs);
        return rc == ALM_OK ? 0 : 1;
    }
    if (argc >= 2 && strcmp(argv[1], "import") != 0 && strcmp(argv[1], "export") != 0)
        fprintf(stderr, "almanac: opml: unknown subcommand '%s'\n", argv[1]);
    fprintf(stderr, "usage: almanac opml import FILE | almanac opml export\n");
    return 2;
}
