/*
 * search_query.h - the full-text query for what a reader typed, shared by
 * the search page and the API's search.
 */
#ifndef ALMANAC_WEB_SEARCH_QUERY_H
#define ALMANAC_WEB_SEARCH_QUERY_H

#define SEARCH_MAX 200            /* characters (code points) of query text */

/*
 * The FTS5 query for what a reader typed: each word quoted as an FTS5
 * string ("word", quotes doubled), so no input is FTS5 syntax; a final
 * '*' keeps a prefix search ("agent"*). ALM_EINVAL when there is no word,
 * ALM_ETOOBIG past 32 words, ALM_EDENIED for a prefix shorter than 3
 * characters or more than 3 prefixes (each expands to many terms, and
 * together they multiply). *out is malloc'd.
 */
int web_search_query(const char *text, char **out);

#endif
