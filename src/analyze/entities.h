/*
 * entities.h - the entity dictionary and the matcher that finds its names in text.
 *
 * The dictionary comes from a TSV file (data/entities.tsv):
 *
 *     # comment lines; one of them may say "# version: N"
 *     canonical<TAB>kind<TAB>alias|alias|...<TAB>salience (1-5)
 *
 * The canonical name and every alias are tokenized with text_tokenize() and
 * stored as phrases of folded words (1 to ENTITIES_MAX_WORDS words) in a hash
 * table keyed by the phrase hash; a longer name (a statute's full title) is
 * skipped and counted, not an error. An alias of one short word written all upper
 * case in the file ("EU", "US", "AI2") is an acronym: it matches only a text
 * token that was all upper case too, so the pronoun "us" never means "US".
 * When two entities share a phrase the first one in the file keeps it.
 *
 * Matching is greedy: at each token the longest phrase that matches wins and
 * consumes its tokens. The dictionary owns every string it hands out; a hit's
 * name and kind stay valid until entities_free(). Functions that can fail
 * return ALM_OK or a negative ALM_E* (see base/err.h).
 */
#ifndef ALMANAC_ENTITIES_H
#define ALMANAC_ENTITIES_H

#include <stddef.h>

#include "analyze/model.h"
#include "analyze/text.h"

#define ENTITIES_MAX_WORDS 8      /* longest phrase, in words */
#define ENTITIES_MAX_CANDIDATES 20

struct entity_dict;

/*
 * Loads the dictionary at path. On failure returns ALM_EIO/ALM_ENOTFOUND (file)
 * or ALM_EINVAL (content) and writes a message naming the line into err
 * ("entities.tsv:12: unknown kind 'labb'"); err may be NULL.
 */
int entities_load(const char *path, struct entity_dict **out, char *err, size_t errlen);
void entities_free(struct entity_dict *d);

size_t entities_count(const struct entity_dict *d);
/* Canonical name, kind, salience of entity i; NULL (0) when i is out of range. */
const char *entities_name(const struct entity_dict *d, int i);
const char *entities_kind(const struct entity_dict *d, int i);
int entities_salience(const struct entity_dict *d, int i);
/* The "# version: N" of the file, 0 when it had none. */
int entities_version(const struct entity_dict *d);
/* How many names were longer than ENTITIES_MAX_WORDS words and cannot match. */
size_t entities_skipped(const struct entity_dict *d);

/*
 * Finds the dictionary's entities in a title and a body (either may be NULL).
 * Returns the number of distinct entities and sets *out to a malloc'd array
 * (NULL when none), one hit per entity with its mention count, whether the
 * title names it, and its first token position: an index into title, or
 * title->n + an index into body. Hits are sorted by
 * salience * (1 + in_title) + count, highest first.
 */
size_t entities_match(const struct entity_dict *d, const struct tokens *title,
                      const struct tokens *body, struct entity_hit **out);

/*
 * Names the dictionary does not know: runs of 1-4 capitalized words that are
 * not stop words, not part of a dictionary match (d may be NULL), and, when a
 * single word, not the first word of a sentence. Returns how many (at most
 * ENTITIES_MAX_CANDIDATES, no duplicates) and sets *out to a malloc'd array of
 * malloc'd strings ("Dean Ball", "AWS"): the folded words with their capitals
 * put back. Meant for body text: a text whose words are mostly capitalized
 * (a title-case headline) yields nothing.
 */
size_t entities_candidates(const struct entity_dict *d, const struct tokens *t, char ***out);
/* Frees what entities_candidates() returned. */
void entities_candidates_free(char **v, size_t n);

#endif
