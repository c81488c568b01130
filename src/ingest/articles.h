/*
 * articles.h - the second half of an ingest run: the linked articles of
 * new items, fetched politely and reduced to their main text.
 *
 * After the feeds of a run are stored (a slow article site never delays a
 * feed), the items first seen in the last ARTICLES_WINDOW whose article was
 * never fetched, or failed and is due again, are taken when their feed
 * text is short (under ARTICLES_SHORT_WORDS words) or their source says
 * fulltext = yes (and those whose entry the feed changed since their
 * article was fetched, asked for with a conditional GET): at most cfg->article_budget per host (scheme, host and
 * port) per run, newest first. Each host's robots.txt (for User-agent
 * "almanac", else "*") is kept in the store for a day: a 4xx means no
 * rules; a 5xx or a failed transfer means nothing may be fetched from the
 * host this run (and is not kept).
 * Pages come through the fetcher (its per-host limit, conditional GET with
 * the validators of the last fetch, cfg->article_max_bytes and
 * cfg->article_timeout caps, the SSRF guard on every hop unless the source
 * is local), are extracted (extract/extract.h) and stored beside the
 * feed's text (store_put_article), which makes analysis take the item
 * again. A failure (transfer, not HTML, no text found, refused by
 * robots.txt) is recorded on the article and tried again after 1 h
 * doubling per failure (at most a day, never sooner than a Retry-After),
 * ARTICLES_MAX_ATTEMPTS times in all. Snapshot ingests never come here, and
 * sources whose feed is a file:// URL are offline captures too: their
 * items' articles are never fetched.
 */
#ifndef ALMANAC_INGEST_ARTICLES_H
#define ALMANAC_INGEST_ARTICLES_H

#include <time.h>

#include "base/config.h"
#include "store/store.h"

#define ARTICLES_SHORT_WORDS 80
#define ARTICLES_WINDOW (14 * 86400)
#define ARTICLES_MAX_ATTEMPTS 5
/* Text kept of one article (cut at a paragraph), and the least that counts. */
#define ARTICLES_MAX_TEXT ((size_t)96 << 10)
#define ARTICLES_MIN_WORDS 25

struct articles_result {
    int planned;        /* fetches tried this run (robots refusals included) */
    int fetched;        /* extracted and stored */
    int not_modified;   /* 304: the stored text stands */
    int failed;         /* transfer, page or store failures */
    int refused;        /* disallowed by robots.txt or its host unreachable */
    int store_full;     /* the disk filled up: nothing more was recorded */
};

struct articles_options {
    const char *const *only;  /* source slugs, as in ingest_options */
    size_t nonly;
    int allow_local_all;
    time_t now;               /* the run's time (ALMANAC_NOW): the window ends here */
};

/* Runs the article stage; ALM_OK (failures are in out) or the store's
 * error when it cannot list the due articles. */
int ingest_articles(const struct config *cfg, struct store *st, const struct articles_options *o,
                    struct articles_result *out);

#endif
