/*
 * extract.c - `almanac extract FILE|URL... [--json]`: the article in a
 * page (src/extract), printed as one JSON object per page (one per line)
 * or as its title, byline, date and text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "extract/extract.h"
#include "fetch/fetch.h"

/* Reads at most max bytes of path into b. */
static int
read_path(const char *path, size_t max, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    char tmp[65536];
    size_t n;

    if (f == NULL)
        return ALM_EIO;
    buf_reset(b);
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
        if (b->len + n > max)
            n = max - b->len;
        buf_append(b, tmp, n);
        if (b->len >= max)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        errno = e;
        return ALM_EIO;
    }
    fclose(f);
    return ALM_OK;
}

static int
extract_one(const char *arg, int json, struct buf *page, struct buf *out)
{
    struct extract_result *r = NULL;
    char *url = NULL, *ctype = NULL;
    int rc;

    if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0) {
        struct fetch_opts o;
        struct fetch_req req = { .url = arg };
        struct fetch_result *res = NULL;
        const char *local = getenv("ALMANAC_ALLOW_LOCAL");

        fetch_opts_default(&o);
        o.allow_local_all = local && strcmp(local, "1") == 0;
        if (fetch_one(&o, &req, &res) != ALM_OK || !res->ok) {
            fprintf(stderr, "almanac: %s: %s\n", arg,
                    res && res->error ? res->error : "fetch failed");
            fetch_result_free(res);
            return ALM_EFETCH;
        }
        buf_reset(page);
        buf_append(page, res->body, res->len < EXTRACT_MAX_IN ? res->len : EXTRACT_MAX_IN);
        url = xstrdup(res->effective_url ? res->effective_url : arg);
        ctype = res->content_type ? xstrdup(res->content_type) : NULL;
        fetch_result_free(res);
    } else if (read_path(arg, EXTRACT_MAX_IN, page) != ALM_OK) {
        fprintf(stderr, "almanac: %s: %s\n", arg, strerror(errno));
        return ALM_EIO;
    }
    rc = extract_html(buf_cstr(page), page->len, url, ctype, &r);
    free(url);
    free(ctype);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: %s: %s\n", arg, err_str(rc));
        return rc;
    }
    buf_reset(out);
    if (json) {
        rc = extract_to_json(r, out);
        buf_putc(out, '\n');
    } else {
        if (r->title)
            buf_printf(out, "%s\n", r->title);
        if (r->byline || r->published)
            buf_printf(out, "%s%s%s\n", r->byline ? r->byline : "",
                       r->byline && r->published ? ", " : "", r->published ? r->published : "");
        rc = buf_printf(out, "\n%s\n", r->text);
    }
    if (rc == ALM_OK)
        fwrite(out->data, 1, out->len, stdout);
    else
        fprintf(stderr, "almanac: %s: output too large\n", arg);
    extract_result_free(r);
    return rc;
}

int
cmd_extract(struct cli *c, int argc, char **argv)
{
    int json = 0, failed = 0, nfiles = 0;
    struct buf page = BUF_INIT(EXTRACT_MAX_IN + 2), out = BUF_INIT((size_t)256 << 20);

    (void)c;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "almanac: extract: unknown option %s\n", argv[i]);
            return 2;
        } else
            nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: almanac extract FILE|URL... [--json]\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            continue;
        if (extract_one(argv[i], json, &page, &out) != ALM_OK)
            failed = 1;
    }
    buf_fini(&page);
    buf_fini(&out);
    if (fflush(stdout) != 0)
        failed = 1;
    return failed ? 1 : 0;
}
