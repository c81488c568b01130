/*
 * guides.h - the curated guides (guides/SLUG.md) and which events join them.
 *
 * A guide is a markdown file that opens with front matter, in the format
 * guides/README.md defines:
 *
 *     ---
 *     slug: export-controls-compute-governance
 *     title: Export controls and compute governance
 *     summary: One paragraph on one line.
 *     entities: Nvidia, U.S. Commerce Department, Huawei
 *     keywords: export controls, entity list, compute governance
 *     ---
 *     # Export controls and compute governance ...
 *
 * Line 1 is "---"; then one "key: value" a line (lower-case key, split at
 * the first colon, value trimmed, no quoting, no blank or comment lines)
 * up to the next "---". slug (1-64 of a-z 0-9 -, the file name without
 * ".md"), title and summary are required; entities and keywords are
 * comma-separated lists (empty items ignored), and so is weak; kind is
 * "topic" (the default), "lab" (a company and its models: matched as a
 * topic, listed apart) or "thread" (a storyline). Any other key, a repeated
 * key or a malformed line is an error. The rest is the markdown body.
 *
 * guides_load() reads every .md file of a directory but README.md and
 * hidden files, refuses files over GUIDES_MAX_FILE bytes, and keeps the
 * guides sorted by slug. The set owns every string; a struct guide stays
 * valid until guides_free(). Loading returns ALM_OK or a negative ALM_E*
 * with a message "DIR/FILE.md:LINE: reason" in err.
 *
 * Matching an event (title, text, entity names) weighs each guide with
 * the rule of guides/README.md:
 *
 *     weight = 0.4 E + 0.4 K + 0.2 S
 *
 *   E = 1 - 0.5^n, n = the guide's entities the event has: one of the
 *       event's entity names is the guide's name or starts with it and a
 *       space ("Claude Opus" covers "Claude Opus 4.6"), or the name stands
 *       as a phrase of folded words in the title or text (a one-word name
 *       in capitals, "AMD", only as a word in capitals). A name inside
 *       another of the guide's matched names counts once ("Meta" in "Meta
 *       AI"). Names compare case-insensitively, on their words.
 *   K = 1 - 0.6^k, k = the guide's distinct keywords found as phrases of
 *       stemmed folded words (text.h), so "open-weight" finds "open
 *       weights"; one found in the title counts 2, in the text 1; one found
 *       only inside a longer keyword of the guide does not count, and
 *       keywords with the same words count once.
 *   S = min(1, cos / 0.25), cos = the cosine of TF-IDF vectors: the
 *       event's title and text, and the guide's title and summary (three
 *       times), entities and keywords (twice) and body. tf is 1 + ln(count),
 *       idf = ln(1 + N / df) over the N guides, computed at load; a term no
 *       guide has counts as df 1.
 *
 * The optional "weak" list names some of the guide's entities and keywords
 * that stand in many events not about the guide ("Llama" in a customer's
 * story, "evaluation" in a tutorial on testing an app); each must be one of
 * the guide's entities or keywords (ASCII case ignored). They count in E and
 * K like the others but are not evidence on their own.
 *
 * A hit needs weight >= GUIDES_MIN_WEIGHT and specific evidence: one of the
 * guide's entities or keywords that is not weak in the title; a weak one in
 * the title and another that is not weak anywhere; GUIDES_TEXT_EVIDENCE of
 * its entities and keywords that are not weak in a text with S of at least
 * GUIDES_TEXT_SIMILARITY; or a text that reads like the guide (S at its cap,
 * with one keyword that is not weak). Names or words in passing are not
 * enough. Hits are kept best first, at most GUIDES_MAX_HITS topic guides,
 * then at most GUIDES_MAX_THREAD_HITS thread guides (best first among
 * themselves). A thread guide is a storyline followed over years: it takes
 * no place from the topic guides, its terms are not in the IDF table (N and
 * df count the topic guides only, so a new thread changes no topic guide's
 * S), and it is never a shared topic for related events.
 */
#ifndef ALMANAC_GUIDES_H
#define ALMANAC_GUIDES_H

#include <stddef.h>

#include "analyze/text.h"

#define GUIDES_MAX_FILE ((size_t)1 << 20)
/* One of the guide's own entities is enough to join (0.2): a release of
 * Gemma or Devstral belongs to open-weight models even with a bare title. */
#define GUIDES_MIN_WEIGHT 0.2
#define GUIDES_MAX_HITS 5
/* Thread guides (kind: thread) are matched by the same rule but kept apart:
 * an event joins at most GUIDES_MAX_HITS topic guides and, after them, at
 * most this many thread guides. */
#define GUIDES_MAX_THREAD_HITS 3
/* Without the guide's subject in the title, an event joins only on this many
 * of its entities and keywords (weak ones not counted) in the text, and this
 * much similarity (S). */
#define GUIDES_TEXT_EVIDENCE 4
#define GUIDES_TEXT_SIMILARITY 0.6
/* Only this much of an event's text is read for matching. */
#define GUIDES_SCAN_BYTES ((size_t)256 << 10)

struct guide {
    char *slug, *title, *summary, *body;  /* never NULL; body is the markdown */
    char **entities;                      /* canonical entity names */
    size_t nentities;
    char **keywords;                      /* lower-case phrases */
    size_t nkeywords;
    char **weak;                          /* entities and keywords that are not */
    size_t nweak;                         /* evidence on their own */
    char *path;                           /* the file it came from */
    const char *kind;                     /* "topic", "lab" or "thread" (static) */
    int thread;                           /* kind: thread (a storyline) */
};

struct guide_hit {
    size_t guide;                         /* index for guides_get() */
    double weight;                        /* GUIDES_MIN_WEIGHT..1 */
};

struct guide_set;

/*
 * Loads the .md files of dir. ALM_ENOTFOUND when dir does not exist,
 * ALM_EIO when a file cannot be read, ALM_ETOOBIG for a file over
 * GUIDES_MAX_FILE, ALM_EINVAL for bad front matter, a missing slug, title
 * or summary, or a slug two files share. An empty directory is a set of
 * no guides. err may be NULL.
 */
int guides_load(const char *dir, struct guide_set **out, char *err, size_t errlen);
void guides_free(struct guide_set *g);

size_t guides_count(const struct guide_set *g);
/* Guide i in slug order, or NULL when i is out of range. */
const struct guide *guides_get(const struct guide_set *g, size_t i);
/* The index of the guide with this slug, or (size_t)-1. */
size_t guides_find(const struct guide_set *g, const char *slug);

/*
 * The guides an event joins (see the formula above). title, text and the
 * entity names may be NULL; entity_in_title (NULL: none) says which of the
 * event's entities its title names, which is specific evidence; st may be
 * NULL (one is made for the call). Returns the number of hits and sets *out
 * to a malloc'd array: the topic guides by weight, highest first, then the
 * thread guides by weight (NULL when there are none).
 */
size_t guides_match(const struct guide_set *g, struct stemmer *st, const char *title,
                    const char *text, const char *const *entity_names,
                    const int *entity_in_title, size_t nentities, struct guide_hit **out);

/*
 * guides_match, and in *topics (NULL when there are none) the guides the
 * event shares a topic with, the same way but on looser evidence: any of
 * the guide's entities or keywords in the title (weak ones too), two of its
 * entities anywhere, or three of its entities and keywords in a text with S
 * of at least 0.5 (the membership rule before the weak lists). Related
 * events weigh the guides two events share with these: their ranking was
 * fitted on them. topics may be NULL.
 */
size_t guides_match_topics(const struct guide_set *g, struct stemmer *st, const char *title,
                           const char *text, const char *const *entity_names,
                           const int *entity_in_title, size_t nentities,
                           struct guide_hit **out, struct guide_hit **topics, size_t *ntopics);

#endif
