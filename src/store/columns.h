/*
 * columns.h - the text shapes both backends keep store.h's lists in, so
 * that SQLite and PostgreSQL store the same text: an event's reasons as a
 * JSON array, an entity's aliases joined by '|', a path's steps as lines
 * "kind|slug|why", aggregated lists joined by '\n'. Not for callers of
 * store.h.
 */
#ifndef ALMANAC_STORE_COLUMNS_H
#define ALMANAC_STORE_COLUMNS_H

#include <stddef.h>

#include "store/store.h"

/* s split at each sep into out (s NULL or empty: none; a sep at the end
 * closes the last element). */
void col_split(const char *s, char sep, struct str_list *out);
/* v joined by sep (malloc'd). */
char *col_join(const char *const *v, size_t n, char sep);
/* Reasons as the JSON array [{"points":1.25,"text":"..."}, ...] (malloc'd),
 * and back (entries not of that shape skipped; *v malloc'd, NULL when none). */
char *col_reasons_json(const struct event_reason *v, size_t n);
void col_reasons_read(const char *json, struct event_reason **v, size_t *n);
/* Path steps as lines "kind|slug|why\n" (malloc'd), and back. */
char *col_steps_text(const struct path_step *v, size_t n);
void col_steps_read(const char *text, struct path_step **v, size_t *n);

#endif
