/*
 * sources.c - `almanac sources`: every configured source with its health,
 * and `almanac opml import|export`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "parse/date.h"
#include "parse/opml.h"

static const char *
health(const struct source_state *ss, int known)
{
    if (!known || ss->last_fetch == 0)
        return "never fetched";
    if (ss->failures == 0)
        return "ok";
    return ss->failures >= 5 ? "failing" : "retrying";
}

int
cmd_sources(struct cli *c, int argc, char **argv)
{
    int json = argc > 1 && strcmp(argv[1], "--json") == 0;
    struct buf out = BUF_INIT((size_t)64 << 20);

    if (cli_config(c) == NULL || cli_store(c) == NULL)
        return 1;
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
            cli_age(c->now, ss.last_fetch, last, sizeof(last));
        if (json) {
            if (i)
                buf_putc(&out, ',');
            buf_puts(&out, "{\"slug\":");
            buf_append_json(&out, s->slug);
            buf_puts(&out, ",\"name\":");
            buf_append_json(&out, s->name);
            buf_puts(&out, ",\"author\":");
            buf_append_json(&out, s->author);
            buf_puts(&out, ",\"feed_url\":");
            buf_append_json(&out, known ? ss.feed_url : s->feed_url);
            buf_puts(&out, ",\"site_url\":");
            buf_append_json(&out, s->site_url);
            buf_printf(&out, ",\"tier\":%d,\"kind\":", s->tier);
            buf_append_json(&out, s->kind);
            buf_printf(&out, ",\"enabled\":%s,\"health\":", s->enabled ? "true" : "false");
            buf_append_json(&out, health(&ss, known));
            buf_printf(&out, ",\"items\":%lld,\"failures\":%d,\"last_status\":%ld,"
                             "\"last_fetch\":%lld,\"last_error\":",
                       (long long)ss.items, ss.failures, ss.last_status,
                       (long long)ss.last_fetch);
            buf_append_json(&out, ss.last_error);
            buf_putc(&out, '}');
        } else {
            printf("%-28s %-4d %-10s %-14s %6lld  %-10s %s%s%s\n", s->slug, s->tier, s->kind,
                   health(&ss, known), (long long)ss.items, last, s->name,
                   ss.last_error ? "  -- " : "", ss.last_error ? ss.last_error : "");
        }
        if (known)
            source_state_fini(&ss);
    }
    if (json) {
        buf_puts(&out, "]\n");
        fwrite(out.data, 1, out.len, stdout);
    }
    buf_free(&out);
    return 0;
}

/* A slug for an imported feed that no other source has. */
static char *
unique_slug(const struct config *cfg, const char *title, const char *url)
{
    char *base = url_slugify(title && *title ? title : url, 48);
    char *slug;

    if (*base == '\0') {
        free(base);
        base = xstrdup("feed");
    }
    slug = xstrdup(base);
    for (int n = 2; config_find(cfg, slug) != NULL; n++) {
        size_t len = strlen(base) + 16;
        free(slug);
        slug = xmalloc(len);
        snprintf(slug, len, "%s-%d", base, n);
    }
    free(base);
    return slug;
}

static int
have_url(const struct config *cfg, const char *url)
{
    for (size_t i = 0; i < cfg->nsources; i++) {
        if (strcmp(cfg->sources[i].feed_url, url) == 0)
            return 1;
    }
    return 0;
}

/* Appends [source] sections for the outlines the config lacks. */
static int
opml_import(struct cli *c, const char *file)
{
    FILE *fp = fopen(file, "rb");
    struct buf in = BUF_INIT((size_t)16 << 20), add = BUF_INIT((size_t)16 << 20);
    struct opml_outline *o = NULL;
    size_t n = 0, added = 0;
    char tmp[65536];
    size_t k;
    FILE *cf;

    if (fp == NULL) {
        perror(file);
        return 1;
    }
    while ((k = fread(tmp, 1, sizeof(tmp), fp)) > 0) {
        if (buf_append(&in, tmp, k) != ALM_OK) {
            fprintf(stderr, "almanac: %s: larger than 16 MiB\n", file);
            fclose(fp);
            buf_free(&in);
            return 1;
        }
    }
    fclose(fp);
    if (opml_read(buf_cstr(&in), in.len, &o, &n) != ALM_OK) {
        fprintf(stderr, "almanac: %s: not an OPML document\n", file);
        buf_free(&in);
        return 1;
    }
    buf_free(&in);
    for (size_t i = 0; i < n; i++) {
        char *slug;
        if (o[i].xml_url == NULL || have_url(c->cfg, o[i].xml_url) ||
            strchr(o[i].xml_url, '\n') || (o[i].title && strchr(o[i].title, '\n')))
            continue;
        slug = unique_slug(c->cfg, o[i].title, o[i].xml_url);
        buf_printf(&add, "\n[source \"%s\"]\nname = %s\nfeed = %s\n", slug,
                   o[i].title && *o[i].title ? o[i].title : slug, o[i].xml_url);
        if (o[i].html_url && !strchr(o[i].html_url, '\n'))
            buf_printf(&add, "site = %s\n", o[i].html_url);
        buf_puts(&add, "tier = 3\nkind = community\n");
        free(slug);
        added++;
    }
    opml_outlines_free(o, n);
    if (added) {
        cf = fopen(c->cfg->path, "ab");
        if (cf == NULL || fwrite(add.data, 1, add.len, cf) != add.len || fclose(cf) != 0) {
            perror(c->cfg->path);
            buf_free(&add);
            return 1;
        }
    }
    buf_free(&add);
    printf("imported %zu new sources of %zu outlines into %s (tier 3, community: edit to taste)\n",
           added, n, c->cfg->path);
    return 0;
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
        int rc = opml_write(c->cfg, &out);
        if (rc == ALM_OK)
            fwrite(out.data, 1, out.len, stdout);
        buf_free(&out);
        return rc == ALM_OK ? 0 : 1;
    }
    fprintf(stderr, "usage: almanac opml import FILE | almanac opml export\n");
    return 2;
}
