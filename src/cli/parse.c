/*
 * parse.c - `almanac parse FILE|URL... [--json]`: one feed through the
 * parser, printed as the contract's JSON object (one per line when several
 * are given) or as a short human listing.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "parse/feed.h"

/*
 * A document's bytes. Files of MAP_MIN bytes or more are mapped rather
 * than read: for them the copy out of the page cache is a pass over the
 * whole input, and the parser only reads it. Smaller files, and whatever
 * is not a regular file, are read into buf, kept from document to
 * document so that a batch allocates once. (A mapped file that another
 * process truncates would fault; parse reads files, not logs in progress.)
 */
struct input {
    struct buf buf;
    void *map;      /* the mapping, or NULL when the bytes are in buf */
    size_t map_len;
    const char *data;
    size_t len;
};

#define MAP_MIN ((size_t)1 << 20)

/* Maps the first len bytes of fd; 0 when it cannot (the caller reads). */
static int
map_file(int fd, size_t len, struct input *in)
{
    int flags = MAP_PRIVATE;
    void *p;

#ifdef MAP_POPULATE
    flags |= MAP_POPULATE; /* the parser reads it all: fault it in at once */
#endif
    p = mmap(NULL, len, PROT_READ, flags, fd, 0);
    if (p == MAP_FAILED)
        return 0;
    in->map = p;
    in->map_len = len;
    in->data = p;
    in->len = len;
    return 1;
}

/* Reads fd to its end into in->buf, from the start of in->buf. */
static int
read_all(int fd, size_t max, size_t want, struct input *in)
{
    struct buf *b = &in->buf;

    buf_reset(b);
    while (b->len <= max) {
        size_t room;
        ssize_t n;

        if (want > max + 1 - b->len)
            want = max + 1 - b->len;
        if (buf_reserve(b, want) != ALM_OK)
            break;
        room = b->cap - b->len - 1;
        if (room > max + 1 - b->len)
            room = max + 1 - b->len;
        n = read(fd, b->data + b->len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ALM_EIO;
        if (n == 0)
            break;
        b->len += (size_t)n;
        /* Full (a pipe, or a file that grew): double. */
        want = b->len + 1 < b->cap ? 0 : b->len;
    }
    in->data = buf_cstr(b);
    in->len = b->len;
    return ALM_OK;
}

/*
 * Loads a whole file, at most max + 1 bytes (more is cut, and the parser
 * says so). Sets errno for perror() on failure.
 */
static int
read_file(const char *path, size_t max, struct input *in)
{
    struct stat st;
    size_t want = (size_t)1 << 16;
    int fd = open(path, O_RDONLY), rc = ALM_OK, err;

    if (fd < 0)
        return ALM_EIO;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        size_t size = (size_t)st.st_size;

        if (size >= MAP_MIN && map_file(fd, size < max + 1 ? size : max + 1, in)) {
            close(fd);
            return ALM_OK;
        }
        want = size + 1; /* + 1: the end shows without growing */
    }
    rc = read_all(fd, max, want, in);
    err = errno;
    close(fd);
    errno = err;
    return rc;
}

/* Done with the document's bytes: unmaps them (buf is kept). */
static void
input_release(struct input *in)
{
    if (in->map)
        munmap(in->map, in->map_len);
    in->map = NULL;
    in->data = NULL;
    in->len = 0;
}

/*
 * Each document builds a model of many small strings, then frees it all.
 * glibc's defaults suit that badly: fastbins defer those frees to a
 * malloc_consolidate() pass that walks them all again, and trimming the
 * heap after each document makes the next one fault its pages back in.
 * So: no fastbins (tcache still keeps the hottest sizes), no trimming, and
 * a fixed mmap threshold at the top of glibc's own adaptive range (which
 * setting the trim threshold switches off).
 */
static void
tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_MXFAST, 0);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
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
            timefmt_rfc3339(e->published, d);
        else if (e->has_updated)
            timefmt_rfc3339(e->updated, d);
        printf("  %-20s  %s\n  %20s  %s\n", d, e->title ? e->title : "(untitled)", "",
               e->link ? e->link : "");
    }
}

/* Loads a file or a URL's body into in. */
static int
load(const char *arg, struct input *in)
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
        /* More than the parser's limit is cut here as it would be there. */
        buf_reset(&in->buf);
        buf_append(&in->buf, res->body,
                   res->len < FEED_MAX_BYTES + 1 ? res->len : FEED_MAX_BYTES + 1);
        in->data = buf_cstr(&in->buf);
        in->len = in->buf.len;
        fetch_result_free(res);
        return ALM_OK;
    }
    if (read_file(arg, FEED_MAX_BYTES, in) != ALM_OK) {
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
    struct input in = { BUF_INIT(FEED_MAX_BYTES + 2), NULL, 0, NULL, 0 };

    (void)c;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "almanac: parse: unknown option '%s'\n", argv[i]);
            nfiles = 0;
            break;
        } else {
            nfiles++;
        }
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: almanac parse FILE|URL... [--json]\n");
        return 2;
    }
    tune_malloc();
    for (int i = 1; i < argc; i++) {
        struct feed *f;

        if (strcmp(argv[i], "--json") == 0)
            continue;
        if (load(argv[i], &in) != ALM_OK) {
            failed = 1;
            continue;
        }
        f = feed_parse(in.data, in.len, strncmp(argv[i], "http", 4) == 0 ? argv[i] : NULL);
        input_release(&in);
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
    }
    buf_fini(&in.buf);
    buf_fini(&out);
    if (fflush(stdout) != 0)
        failed = 1;
    return failed ? 1 : 0;
}
