/*
 * paths.h - learning paths: ordered walks through guides and entity pages,
 * read from data/learning-paths.txt (its header says the format) and
 * written into the store by analyze, as the guides are.
 */
#ifndef ALMANAC_PATHS_H
#define ALMANAC_PATHS_H

#include <stddef.h>

struct store;
struct path_set;

#define PATHS_MIN_STEPS 3

/* Reads root/data/learning-paths.txt; a missing file is an empty set.
 * ALM_EINVAL for a malformed line (err names file and line). */
int paths_load(const char *root, struct path_set **out, char *err, size_t errlen);
void paths_free(struct path_set *s);
size_t paths_count(const struct path_set *s);
/* Replaces the store's paths with these (inside the caller's transaction). */
int paths_put(const struct path_set *s, struct store *st);

#endif
