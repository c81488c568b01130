#include "analyze/text.h"

#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/err.h"
#include "base/hash.h"
#include "base/xalloc.h"

/* Common English function words, sorted for bsearch. */
static const char *const stopwords[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
    "during", "each", "even", "few", "for", "from", "further", "get", "gets", "got", "had",
    "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may",
    "me", "might", "more", "most", "much", "must", "my", "myself", "new", "no", "nor",
    "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours",
    "ourselves", "out", "over", "own", "said", "same", "says", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
    "until", "up", "us", "very", "via", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    "yours", "yourself", "yourselves",
};

static int
cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int
text_is_stopword(const char *w, size_t n)
{
    char tmp[16];

    if (n == 0 || n >= sizeof(tmp))
        return 0;
    memcpy(tmp, w, n);
    tmp[n] = '\0';
    return bsearch(tmp, stopwords, LEN(stopwords), sizeof(stopwords[0]), cmp_word) != NULL;
}

uint64_t
text_hash(const void *p, size_t n, uint64_t seed)
{
    return fnv1a64_add(FNV1A64_BASIS ^ seed, p, n);
}

static void
text_append(struct tokens *t, const char *p, size_t n)
{
    if (t->tlen + n + 1 > t->tcap) {
        size_t cap = t->tcap ? t->tcap : 256;
        while (cap < t->tlen + n + 1)
            cap *= 2;
        t->text = xrealloc(t->text, cap);
        t->tcap = cap;
    }
    memcpy(t->text + t->tlen, p, n);
    t->tlen += n;
    t->text[t->tlen++] = '\0';
}

static int
is_word_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static int
is_upper_cp(int32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
           utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}

static int32_t
next_cp(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    int32_t c;
    utf8proc_ssize_t k;

    if (s[i] < 0x80) {
        *len = 1;
        return s[i];
    }
    k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0) {
        *len = 1;
        return -1;
    }
    *len = (size_t)k;
    return c;
}

/* Adds one word, folded; ascii says it needs no Unicode mapping. */
static void
add_word(struct tokens *t, const char *s, size_t b, size_t e, int ascii, uint32_t flags)
{
    struct token *tok;
    char small[64];
    char *w;
    size_t wn;
    uint8_t *mapped = NULL;

    if (ascii) {
        wn = 0;
        w = e - b < sizeof(small) ? small : xmalloc(e - b + 1);
        for (size_t i = b; i < e; i++) {
            char c = s[i];
            if (c == '\'')
                continue;
            w[wn++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    } else {
        utf8proc_ssize_t r = utf8proc_map((const uint8_t *)s + b, (utf8proc_ssize_t)(e - b),
                                          &mapped, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
        if (r < 0)
            return;
        /* drop apostrophes (ASCII and U+2019) left inside */
        wn = 0;
        for (utf8proc_ssize_t i = 0; i < r; i++) {
            if (mapped[i] == '\'')
                continue;
            if (i + 2 < r && mapped[i] == 0xE2 && mapped[i + 1] == 0x80 && mapped[i + 2] == 0x99) {
                i += 2;
                continue;
            }
            mapped[wn++] = mapped[i];
        }
        w = (char *)mapped;
    }
    if (wn == 0 || wn > 64) {
        if (w != small)
            free(w);
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    tok = &t->v[t->n++];
    tok->off = (uint32_t)t->tlen;
    tok->len = (uint32_t)wn;
    tok->src = (uint32_t)b;
    tok->srclen = (uint32_t)(e - b);
    tok->flags = flags;
    text_append(t, w, wn);
    if (w != small)
        free(w);
}

void
text_tokenize(const char *str, size_t n, struct tokens *t)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int sentence = 1;

    if (n > UINT32_MAX / 2)
        n = UINT32_MAX / 2;
    while (i < n) {
        size_t len, b, e;
        int32_t c = next_cp(s, n, i, &len);
        int ascii = 1, upper, allcaps = 1, letters = 0, digits_only = 1;

        if (!is_word_cp(c)) {
            if (c == '.' || c == '!' || c == '?' || c == '\n')
                sentence = 1;
            i += len;
            continue;
        }
        b = i;
        upper = is_upper_cp(c);
        for (;;) {
            c = next_cp(s, n, i, &len);
            if (is_word_cp(c)) {
                if (c >= 0x80)
                    ascii = 0;
                if (!(c >= '0' && c <= '9')) {
                    digits_only = 0;
                    letters++;
                    if (!is_upper_cp(c))
                        allcaps = 0;
                }
                i += len;
                continue;
            }
            /* An apostrophe between letters: "'s" ends the word, others join. */
            if ((c == '\'' || c == 0x2019) && i + len < n) {
                size_t l2;
                int32_t c2 = next_cp(s, n, i + len, &l2);
                if (is_word_cp(c2)) {
                    size_t l3;
                    int32_t c3 = i + len + l2 < n ? next_cp(s, n, i + len + l2, &l3) : -1;
                    if ((c2 == 's' || c2 == 'S') && !is_word_cp(c3)) {
                        e = i;
                        i += len + l2;
                        goto word;
                    }
                    if (c == 0x2019)
                        ascii = 0;
                    i += len;
                    continue;
                }
            }
            break;
        }
        e = i;
word:
        add_word(t, str, b, e, ascii,
                 (upper ? TOK_CAP : 0) | (sentence ? TOK_SENT : 0) |
                     (digits_only ? TOK_NUM : 0) | (allcaps && letters >= 2 ? TOK_ALLCAPS : 0));
        sentence = 0;
    }
}

void
tokens_reset(struct tokens *t)
{
    t->n = 0;
    t->tlen = 0;
}

void
tokens_fini(struct tokens *t)
{
    free(t->v);
    free(t->text);
    memset(t, 0, sizeof(*t));
}

struct stemmer {
    struct sb_stemmer *sb;
};

struct stemmer *
stemmer_new(void)
{
    struct stemmer *s = xcalloc(1, sizeof(*s));

    s->sb = sb_stemmer_new("english", "UTF_8");
    if (s->sb == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void
stemmer_free(struct stemmer *s)
{
    if (s == NULL)
        return;
    sb_stemmer_delete(s->sb);
    free(s);
}

const char *
stemmer_stem(struct stemmer *s, const char *w, size_t n, size_t *outlen)
{
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);

    if (r == NULL) {
        *outlen = n;
        return w;
    }
    *outlen = (size_t)sb_stemmer_length(s->sb);
    return (const char *)r;
}

static int
is_term(const struct tokens *t, size_t i)
{
    const struct token *k = &t->v[i];

    return k->len > 1 && !(k->flags & TOK_NUM) && !text_is_stopword(tok_str(t, i), k->len);
}

size_t
text_terms(struct stemmer *st, const char *s, size_t n, uint64_t **out)
{
    struct tokens t = { 0 };
    uint64_t *v;
    size_t m = 0;

    text_tokenize(s, n, &t);
    v = xmalloc((t.n ? t.n : 1) * sizeof(*v));
    for (size_t i = 0; i < t.n; i++) {
        size_t sl;
        const char *stem;
        if (!is_term(&t, i))
            continue;
        stem = stemmer_stem(st, tok_str(&t, i), t.v[i].len, &sl);
        v[m++] = text_hash(stem, sl, 0);
    }
    tokens_fini(&t);
    *out = v;
    return m;
}

size_t
text_shingles(struct stemmer *st, const char *s, size_t n, int k, uint64_t **out)
{
    uint64_t *terms, *v;
    size_t nt = text_terms(st, s, n, &terms), m = 0;

    if (k < 1)
        k = 1;
    v = xmalloc((nt ? nt : 1) * sizeof(*v));
    for (size_t i = 0; i + (size_t)k <= nt; i++) {
        uint64_t h = 0x9e3779b97f4a7c15ULL;
        for (int j = 0; j < k; j++)
            h = (h ^ terms[i + (size_t)j]) * 0x100000001b3ULL + (uint64_t)j;
        v[m++] = h;
    }
    if (m == 0 && nt > 0) /* shorter than one shingle: the words themselves */
        for (; m < nt; m++)
            v[m] = terms[m];
    free(terms);
    *out = v;
    return m;
}

int
text_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

void
termvec_from_terms(struct termvec *v, uint64_t *terms, size_t n)
{
    size_t m = 0;

    qsort(terms, n, sizeof(*terms), text_cmp_u64);
    v->h = terms;
    v->w = xmalloc((n ? n : 1) * sizeof(*v->w));
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && v->h[m - 1] == terms[i]) {
            v->w[m - 1] += 1;
            continue;
        }
        v->h[m] = terms[i];
        v->w[m++] = 1;
    }
    v->n = m;
    termvec_norm(v);
}

void
termvec_norm(struct termvec *v)
{
    double sq = 0;

    for (size_t i = 0; i < v->n; i++)
        sq += v->w[i] * v->w[i];
    v->norm = sqrt(sq);
}

double
termvec_cos(const struct termvec *a, const struct termvec *b)
{
    double dot = 0;
    size_t i = 0, j = 0;

    if (a->norm == 0 || b->norm == 0)
        return 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] < b->h[j])
            i++;
        else if (a->h[i] > b->h[j])
            j++;
        else
            dot += a->w[i++] * b->w[j++];
    }
    return dot / (a->norm * b->norm);
}

void
termvec_fini(struct termvec *v)
{
    free(v->h);
    free(v->w);
    memset(v, 0, sizeof(*v));
}
