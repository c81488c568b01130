/*
 * entity_table.h - the entity dictionary as the web shows it: every entry
 * of data/entities.tsv (canonical name, kind, aliases, salience) with its
 * page's slug, and the written descriptions of data/entity-descriptions.tsv
 * (optional: "canonical<TAB>description", '#' comments). analyze writes it
 * into the store's entities table; the web reads it from there.
 */
#ifndef ALMANAC_ENTITY_TABLE_H
#define ALMANAC_ENTITY_TABLE_H

#include <stddef.h>

struct store;
struct entity_table;

/* Reads root/data/entities.tsv and root/data/entity-descriptions.tsv.
 * ALM_EIO when the dictionary cannot be read, ALM_EINVAL for a malformed
 * line (err names it). */
int entity_table_load(const char *root, struct entity_table **out, char *err, size_t errlen);
void entity_table_free(struct entity_table *t);
size_t entity_table_count(const struct entity_table *t);
/* The slug of entry i ("claude-3-5-sonnet"; a second entry with the same
 * slug gets "-2"), its name and its description (NULL when none). */
const char *entity_table_slug(const struct entity_table *t, size_t i);
const char *entity_table_name(const struct entity_table *t, size_t i);
const char *entity_table_description(const struct entity_table *t, size_t i);
/* Writes every entry with store_put_entity() (inside the caller's transaction). */
int entity_table_put(const struct entity_table *t, struct store *st);

#endif
