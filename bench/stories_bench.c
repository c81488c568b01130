/*
 * stories_bench.c - runs Almanac's story clustering over headlines read
 * from stdin ("id<TAB>publisher<TAB>unix-seconds<TAB>title", oldest first)
 * and prints "id<TAB>story" for each. Built and run by bench/stories.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/story.h"
#include "analyze/text.h"

int
main(int argc, char **argv)
{
    struct story_opts o = { 0 };
    struct story_index *ix;
    struct stemmer *st = stemmer_new();
    char line[8192];
    clock_t t0 = clock();
    size_t n = 0;

    if (argc > 1)
        o.threshold = atof(argv[1]);
    ix = story_new(&o);
    while (fgets(line, sizeof(line), stdin)) {
        char *id = strtok(line, "\t"), *pub = strtok(NULL, "\t"), *ts = strtok(NULL, "\t");
        char *title = strtok(NULL, "\n");
        uint64_t *terms, *sh;
        size_t nt, ns;
        int joined;

        if (!id || !pub || !ts || !title)
            continue;
        nt = text_terms(st, title, strlen(title), &terms);
        ns = text_shingles(st, title, strlen(title), 2, &sh);
        struct story_doc d = {
            .id = atoll(id),
            .source_id = (int64_t)text_hash(pub, strlen(pub), 0),
            .feed_id = (int64_t)text_hash(pub, strlen(pub), 0), /* a publisher, one feed */
            .tier = 2,
            .terms = terms,
            .nterms = nt,
            .ntitle = nt, /* a headline is all title */
            .simhash = story_simhash(sh, ns),
            .published = (time_t)atoll(ts),
        };
        printf("%s\t%lld\n", id, (long long)story_assign(ix, &d, &joined));
        free(terms);
        free(sh);
        n++;
    }
    fprintf(stderr, "clustered %zu headlines into %zu stories in %.3f s\n", n, story_count(ix),
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    story_free(ix);
    stemmer_free(st);
    return 0;
}
