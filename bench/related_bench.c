/*
 * bench/related_bench.c - times the related-events index (src/analyze/related.c).
 *
 *     related_bench build  FILE N          add the first N documents, related_build_all
 *     related_bench update FILE BASE ADD   build BASE documents, then add ADD more,
 *                                          each followed by related_update_for
 *
 * FILE has one document a line: published<TAB>entities<TAB>guides<TAB>text,
 * entities and guides as comma-separated integers (possibly empty). Every
 * text is turned into terms with text_terms() before the clock starts (that
 * time is printed apart). Output is key=value lines for bench/related.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/related.h"
#include "analyze/text.h"
#include "base/err.h"
#include "base/xalloc.h"

#define K 8

struct bdoc {
    uint64_t *terms;
    size_t nterms;
    int32_t ents[64], guides[16];
    size_t nents, nguides;
    time_t published;
};

struct tally {
    size_t calls, hits, nonempty;
};

static double
clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time too: on a shared machine wall time includes other jobs' turns. */
static double
cpu(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static size_t
parse_ints(char *s, int32_t *out, size_t max)
{
    size_t n = 0;

    while (*s && n < max) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s)
            break;
        out[n++] = (int32_t)v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

/* Reads up to max documents; returns how many. */
static size_t
load(const char *path, size_t max, struct bdoc *docs, double *tok_seconds)
{
    FILE *f = fopen(path, "r");
    struct stemmer *st = stemmer_new();
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    double t0;

    if (f == NULL || st == NULL) {
        perror(path);
        exit(1);
    }
    *tok_seconds = 0;
    while (n < max && (len = getline(&line, &cap, f)) > 0) {
        char *fields[4], *p = line;
        struct bdoc *d = &docs[n];
        int i;

        if (line[len - 1] == '\n')
            line[--len] = '\0';
        for (i = 0; i < 4 && p; i++) {
            fields[i] = p;
            p = i < 3 ? strchr(p, '\t') : NULL;
            if (p)
                *p++ = '\0';
        }
        if (i < 4)
            continue;
        d->published = (time_t)strtoll(fields[0], NULL, 10);
        d->nents = parse_ints(fields[1], d->ents, 64);
        d->nguides = parse_ints(fields[2], d->guides, 16);
        t0 = now();
        d->nterms = text_terms(st, fields[3], strlen(fields[3]), &d->terms);
        *tok_seconds += now() - t0;
        n++;
    }
    free(line);
    fclose(f);
    stemmer_free(st);
    return n;
}

static void
add(struct related_index *ix, const struct bdoc *b, int64_t id)
{
    struct related_doc d = { id, b->terms, b->nterms, b->ents, b->nents,
                             b->guides, b->nguides, b->published };

    if (related_add(ix, &d) != ALM_OK) {
        fprintf(stderr, "related_add %lld failed\n", (long long)id);
        exit(1);
    }
}

static void
count(int64_t id, const struct related_hit *h, size_t n, void *arg)
{
    struct tally *t = arg;

    (void)id;
    (void)h;
    t->calls++;
    t->hits += n;
    t->nonempty += n > 0;
}

int
main(int argc, char **argv)
{
    size_t base, extra = 0, n, terms = 0;
    struct bdoc *docs;
    struct related_index *ix;
    struct tally tb = { 0 }, tu = { 0 };
    double tok, t0, c0, t_add, t_build, t_upd, c_build, c_upd;

    if (argc == 4 && strcmp(argv[1], "build") == 0) {
        base = strtoul(argv[3], NULL, 10);
    } else if (argc == 5 && strcmp(argv[1], "update") == 0) {
        base = strtoul(argv[3], NULL, 10);
        extra = strtoul(argv[4], NULL, 10);
    } else {
        fprintf(stderr, "usage: related_bench build FILE N | update FILE BASE ADD\n");
        return 2;
    }
    docs = xcalloc(base + extra, sizeof(*docs));
    n = load(argv[2], base + extra, docs, &tok);
    if (n < base + extra) {
        fprintf(stderr, "%s: only %zu documents\n", argv[2], n);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        terms += docs[i].nterms;
    printf("docs=%zu\nterms_per_doc=%.2f\ntokenize_s=%.4f\n", n, (double)terms / n, tok);

    ix = related_new();
    t0 = now();
    c0 = cpu();
    for (size_t i = 0; i < base; i++)
        add(ix, &docs[i], (int64_t)i + 1);
    t_add = now() - t0;
    related_build_all(ix, K, RELATED_THRESHOLD, count, &tb);
    t_build = now() - t0 - t_add;
    c_build = cpu() - c0;
    printf("base_docs=%zu\nadd_s=%.4f\nbuild_all_s=%.4f\nbuild_total_s=%.4f\n"
           "build_total_cpu_s=%.4f\n", base, t_add, t_build, t_add + t_build, c_build);
    printf("build_avg_hits=%.2f\nbuild_with_hits=%.3f\n", (double)tb.hits / base,
           (double)tb.nonempty / base);

    if (extra) {
        t0 = now();
        c0 = cpu();
        for (size_t i = base; i < n; i++) {
            add(ix, &docs[i], (int64_t)i + 1);
            if (related_update_for(ix, (int64_t)i + 1, K, RELATED_THRESHOLD, count, &tu)
                != ALM_OK) {
                fprintf(stderr, "related_update_for failed\n");
                return 1;
            }
        }
        t_upd = now() - t0;
        c_upd = cpu() - c0;
        printf("added_docs=%zu\nupdate_s=%.4f\nupdate_cpu_s=%.4f\nupdate_lists_reported=%zu\n",
               extra, t_upd, c_upd, tu.calls);
    }
    related_free(ix);
    for (size_t i = 0; i < n; i++)
        free(docs[i].terms);
    free(docs);
    return 0;
}
