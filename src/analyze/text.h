/*
 * text.h - the one tokenizer every analysis step uses.
 *
 * text_tokenize() splits UTF-8 text into words: runs of Unicode letters,
 * digits and marks, case-folded, NFC-composed and stripped of diacritics
 * (utf8proc), with possessive 's dropped and inner apostrophes joined
 * ("don't" -> "dont"). Hyphens, dots and slashes split words ("GPT-4o" ->
 * "gpt" "4o"), so dictionary phrases tokenized the same way match text.
 * Each token records whether it started with a capital letter and whether
 * it opens a sentence, for the entity-candidate finder. A struct tokens
 * owns its strings; tokens_fini() releases them.
 *
 * Stems come from Snowball's English stemmer (libstemmer); a struct stemmer
 * is not thread-safe, keep one per thread.
 */
#ifndef ALMANAC_TEXT_H
#define ALMANAC_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TOK_CAP 1u        /* first letter was upper case in the text */
#define TOK_SENT 2u       /* first word of a sentence (or of the text) */
#define TOK_NUM 4u        /* all digits */
#define TOK_ALLCAPS 8u    /* two or more letters, all upper case (an acronym) */

struct token {
    uint32_t off, len;    /* the folded word: tokens.text + off, len bytes */
    uint32_t src, srclen; /* where it stood in the input */
    uint32_t flags;
};

struct tokens {
    struct token *v;
    size_t n, cap;
    char *text;           /* folded words, each NUL-terminated */
    size_t tlen, tcap;
};

/* Appends the words of s[0..n) to t (which may already hold some). */
void text_tokenize(const char *s, size_t n, struct tokens *t);
static inline const char *
tok_str(const struct tokens *t, size_t i)
{
    return t->text + t->v[i].off;
}
void tokens_reset(struct tokens *t);
void tokens_fini(struct tokens *t);

/* 1 when the folded word is an English stop word. */
int text_is_stopword(const char *w, size_t n);

struct stemmer;
struct stemmer *stemmer_new(void);
void stemmer_free(struct stemmer *s);
/* The stem of a folded word; borrowed until the next call. */
const char *stemmer_stem(struct stemmer *s, const char *w, size_t n, size_t *outlen);

/* 64-bit FNV-1a of n bytes, seeded (0 for the default seed). */
uint64_t text_hash(const void *p, size_t n, uint64_t seed);

/*
 * The analysis terms of a text: stems of the words that are not stop
 * words, not single characters and not bare numbers, as 64-bit hashes, in
 * text order (duplicates kept). Returns how many; *out is malloc'd.
 */
size_t text_terms(struct stemmer *st, const char *s, size_t n, uint64_t **out);

/* Hashes of every k-word shingle of the stemmed non-stop words. */
size_t text_shingles(struct stemmer *st, const char *s, size_t n, int k, uint64_t **out);

/* qsort/bsearch order of uint64_t term hashes. */
int text_cmp_u64(const void *a, const void *b);

/*
 * A term vector: distinct term hashes, sorted, with a weight each, and the
 * weights' Euclidean norm. termvec_from_terms() takes terms (malloc'd; the
 * vector owns them from then on), sorts them and weighs each by its count;
 * a caller that reweighs (log counts, idf) calls termvec_norm() after.
 */
struct termvec {
    uint64_t *h;
    double *w;
    size_t n;
    double norm;
};
void termvec_from_terms(struct termvec *v, uint64_t *terms, size_t n);
void termvec_norm(struct termvec *v);
/* The cosine of two vectors; 0 when either is empty. */
double termvec_cos(const struct termvec *a, const struct termvec *b);
void termvec_fini(struct termvec *v);

#endif
