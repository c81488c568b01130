/*
 * search_query.h - the full-text query (store.h's text_query) for what a
 * reader typed, shared by the search page and the API's search.
 */
#ifndef ALMANAC_WEB_SEARCH_QUERY_H
#define ALMANAC_WEB_SEARCH_QUERY_H

#include "store/store_web.h"

#define SEARCH_MAX 200            /* characters (code points) of query text */

/*
 * The search for what a reader typed: each run of characters between
 * spaces is a term, taken as text (no input is query syntax); a final '*'
 * makes it a prefix search ("agent*"). ALM_EINVAL when there is no word,
 * ALM_ETOOBIG past 32 words, ALM_EDENIED for a prefix shorter than 3
 * characters or more than 3 prefixes (each expands to many terms, and
 * together they multiply). *out is malloc'd (text_query_free).
 */
int web_search_query(const char *text, struct text_query **out);

#endif
