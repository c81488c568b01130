/*
 * summary.h - the event summary: a few of the item's own sentences and one
 * sentence of context from what analysis found.
 *
 * The extract is 1 to SUMMARY_MAX_SENTENCES whole sentences of in->text,
 * SUMMARY_MAX_WORDS words at most in total, kept in their original order.
 * Sentences are chosen by lead position and centrality (cosine similarity
 * of a sentence's stemmed terms with those of the whole text and title);
 * sentences under SUMMARY_MIN_WORDS or over SUMMARY_MAX_WORDS words, a first
 * sentence that only repeats the title, and boilerplate (bylines,
 * datelines, "The post ... appeared first on ...", "Read more", sign-up and
 * cookie lines, credit-only captions, bare URLs, cut "[...]" tails) are
 * never chosen. Words and sentences are never cut; a sentence that lacked
 * final punctuation gets a period.
 *
 * Then one context sentence, which does not count toward the word limit:
 *
 *     As a tier-2 commentary from Interconnects, it bears on AI policy and
 *     open-weight models.
 *
 * ("it bears on" the first three guide titles, sentence case lowered; or,
 * without guides, "it concerns" the first three entities; or nothing.)
 * An item with no usable text gets "<Source> reports: <title>." (for
 * commentary "argues") instead of the extract.
 *
 * From a linked article (in->article) the rules change: sentences of 8 to
 * 45 words, never a question, a pleasantry or call to action ("We thank",
 * "Subscribe"), nor one that repeats the title; scored by centrality
 * (0.50), a gentler lead position (0.25), cues of what happened
 * ("releasing", "agreed", "today", ...) and of why it matters ("because",
 * "lets", "means that", ...) and figures; 2 to ARTICLE_MAX_SENTENCES of
 * them, ARTICLE_MIN_WORDS to ARTICLE_MAX_WORDS words, stopping once enough
 * is said unless nothing yet says why it matters. The context sentence
 * follows only when it names a guide or entity the sentences do not, and
 * fits in those limits. An article never yields "the feed has no excerpt". The result is plain UTF-8
 * text with no markup, never empty; the caller frees it.
 */
#ifndef ALMANAC_SUMMARY_H
#define ALMANAC_SUMMARY_H

#include <stddef.h>

#include "analyze/model.h"

#define SUMMARY_MAX_WORDS 60
#define SUMMARY_MAX_SENTENCES 3
#define SUMMARY_MIN_WORDS 5
/* From a linked article (in->article): 2 to 4 sentences, 45 to 90 words in
 * all, the context sentence included when it is added. */
#define ARTICLE_MIN_WORDS 45
#define ARTICLE_MAX_WORDS 90
#define ARTICLE_MAX_SENTENCES 4
/* Only this much of the text is read: the lead is what a summary needs. */
#define SUMMARY_SCAN_BYTES ((size_t)128 << 10)

/*
 * The summary of in (title, text, source_name and tier are read). The
 * guide titles (best first) and entity names (most salient first) are
 * borrowed; either list may be empty. Returns a malloc'd string.
 */
char *summary_make(const struct analysis_input *in, enum event_kind kind,
                   const char *const *guide_titles, size_t nguides,
                   const char *const *top_entities, size_t nentities);

/*
 * The sentences of plain text s[0..n), for tests and other steps: calls
 * fn once per sentence with its bytes (trimmed, not NUL-terminated) in
 * order. Paragraph breaks (a blank line) always end a sentence.
 */
void summary_sentences(const char *s, size_t n,
                       void (*fn)(const char *p, size_t len, void *arg), void *arg);

/* Whitespace-separated words of s[0..n) that hold a letter or digit. */
size_t summary_word_count(const char *s, size_t n);

#endif
