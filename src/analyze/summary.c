#include "analyze/summary.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analyze/text.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "html/html.h"

/*
 * The text goes through three stages: clean_text() makes it valid UTF-8
 * without markup or control bytes; build_doc() joins wrapped lines into
 * paragraphs, drops boilerplate lines and strips bylines and datelines;
 * split_para() cuts each paragraph into sentences. summary_make() then
 * scores the eligible sentences and picks a few.
 */

#define CUT_MARK '\x01'      /* stands where a "[...]" tail was; input never has it */
#define MAX_CANDIDATES 80    /* sentences scored; later ones rarely make a lead */
#define MAX_LISTED 3         /* guides or entities named in the context sentence */
#define LONG_LINE 2000       /* longer lines are prose, never boilerplate */

#define S_NOTERM 1u          /* no final punctuation */
#define S_CUT 2u             /* cut short by a "[...]" tail or the scan limit */

struct sent {
    size_t off, len;         /* in doc.text */
    size_t para;
    size_t words;
    unsigned flags;
};

struct doc {
    struct buf text;         /* the kept paragraphs, each ended by '\n' */
    struct sent *v;
    size_t n, cap;
    size_t npara;
};

/* ---- small string helpers ---- */

static int
is_sp(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
starts_ci(const char *s, size_t n, const char *pfx)
{
    size_t k = strlen(pfx);

    if (k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)pfx[i]))
            return 0;
    return 1;
}

/* A prefix that ends at a word boundary: "subscribe" but not "subscribers". */
static int
starts_word_ci(const char *s, size_t n, const char *pfx)
{
    size_t k = strlen(pfx);

    if (!starts_ci(s, n, pfx))
        return 0;
    return k == n || !isalnum((unsigned char)pfx[k - 1]) || !isalnum((unsigned char)s[k]);
}

static int
contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (tolower((unsigned char)s[i]) == tolower((unsigned char)needle[0]) &&
            starts_ci(s + i, n - i, needle))
            return 1;
    return 0;
}

/* The code point at s[i] (-1 for a bad byte) and its length. */
static int32_t
cp_at(const char *s, size_t n, size_t i, size_t *len)
{
    int32_t c;
    utf8proc_ssize_t k;

    if ((unsigned char)s[i] < 0x80) {
        *len = 1;
        return (unsigned char)s[i];
    }
    k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0) {
        *len = 1;
        return -1;
    }
    *len = (size_t)k;
    return c;
}

static int
cp_is_upper(int32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
           utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}

static int
cp_is_alnum(int32_t c)
{
    if (c < 0)
        return 0;
    if (c < 0x80)
        return isalnum(c);
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static int
is_vowel(char c)
{
    return strchr("aeiouAEIOU", c) != NULL && c != '\0';
}

/* Words (up to max) of s[0..n): whitespace-separated runs holding a letter or digit. */
static size_t
count_words_max(const char *s, size_t n, size_t max)
{
    size_t words = 0, i = 0;

    while (i < n && words < max) {
        int alnum = 0;
        while (i < n && is_sp((unsigned char)s[i]))
            i++;
        if (i == n)
            break;
        while (i < n && !is_sp((unsigned char)s[i])) {
            size_t len;
            int32_t c = cp_at(s, n, i, &len);
            if (!alnum && cp_is_alnum(c))
                alnum = 1;
            i += len;
        }
        words += (size_t)alnum;
    }
    return words;
}

size_t
summary_word_count(const char *s, size_t n)
{
    return count_words_max(s, n, SIZE_MAX);
}

/* ---- stage 1: clean text ---- */

/* Decodes the character references in s (html/html.h); returns 1 when any
 * was "&amp;" (text escaped twice). */
static int
decode_refs(const char *s, size_t n, struct buf *out)
{
    int amp = 0;

    for (size_t i = 0; i < n;) {
        size_t k = s[i] == '&' ? html_decode_ref(s + i, n - i, out) : 0;
        if (k == 0) {
            buf_putc(out, s[i]);
            i++;
            continue;
        }
        if (k == 5 && memcmp(s + i, "&amp;", 5) == 0)
            amp = 1;
        i += k;
    }
    return amp;
}

/*
 * Length of a bracketed run at s[0] == '[' that is not text: a "[...]" or
 * "[…]" tail (*cut set) or a CMS shortcode such as [caption id="1"] or
 * [/embed]. 0 for ordinary brackets such as "[sic]".
 */
static size_t
bracket_len(const char *s, size_t n, int *cut)
{
    size_t i = 1, end;

    while (i < n && s[i] == ' ')
        i++;
    if (i + 3 <= n && memcmp(s + i, "...", 3) == 0)
        end = i + 3;
    else if (i + 3 <= n && memcmp(s + i, "\xe2\x80\xa6", 3) == 0)
        end = i + 3;
    else
        end = 0;
    if (end) {
        while (end < n && s[end] == ' ')
            end++;
        if (end < n && s[end] == ']') {
            *cut = 1;
            return end + 1;
        }
    }
    *cut = 0;
    if (!(i < n && (isalpha((unsigned char)s[i]) || s[i] == '/')))
        return 0;
    for (size_t k = i; k < n && k < 300 && s[k] != '\n' && s[k] != '['; k++) {
        if (s[k] == ']') {
            if (s[i] == '/' || memchr(s + i, '=', k - i) != NULL)
                return k + 1;
            return 0;
        }
    }
    return 0;
}

/*
 * Valid UTF-8 without tags, references, control bytes or zero-width
 * characters; odd spaces become ' ', line separators '\n' (or ' ' when
 * flat). Cut tails become CUT_MARK unless flat.
 */
static void
clean_text(const char *src, size_t n, int flat, struct buf *out)
{
    struct buf d1 = BUF_INIT(n + 16), d2 = BUF_INIT(n + 16);
    const char *s;

    /* References first, twice for text escaped twice, so "&amp;lt;b>" cannot leave a tag. */
    if (decode_refs(src, n, &d1)) {
        decode_refs(buf_cstr(&d1), d1.len, &d2);
        s = buf_cstr(&d2);
        n = d2.len;
    } else {
        s = buf_cstr(&d1);
        n = d1.len;
    }
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len, k;
        int32_t cp;
        int flag;

        if (c == '<' && (k = html_tag_span(s + i, n - i, &flag)) > 0) {
            if (flag)
                buf_putc(out, flat ? ' ' : '\n');
            i += k;
            continue;
        }
        if (c == '[' && (k = bracket_len(s + i, n - i, &flag)) > 0) {
            if (flag && !flat)
                buf_putc(out, CUT_MARK);
            i += k;
            continue;
        }
        if (c == '\r') {
            if (!(i + 1 < n && s[i + 1] == '\n'))
                buf_putc(out, flat ? ' ' : '\n');
            i++;
            continue;
        }
        if (c == '\n') {
            buf_putc(out, flat ? ' ' : '\n');
            i++;
            continue;
        }
        if (c == '\t' || c == '\f' || c == '\v') {
            buf_putc(out, ' ');
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            i++;
            continue;
        }
        if (c < 0x80) {
            buf_putc(out, (char)c);
            i++;
            continue;
        }
        cp = cp_at(s, n, i, &len);
        if (cp < 0 || (cp >= 0x80 && cp < 0xa0) || cp == 0xad || (cp >= 0x200b && cp <= 0x200f) ||
            cp == 0x2060 || cp == 0xfeff || cp == 0xfffd) {
            /* bad bytes, C1 controls, soft hyphens, zero-width marks, U+FFFD */
        } else if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
                   cp == 0x205f || cp == 0x3000) {
            buf_putc(out, ' ');
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
            buf_putc(out, flat ? ' ' : '\n');
        } else {
            buf_append(out, s + i, len);
        }
        i += len;
    }
    buf_fini(&d1);
    buf_fini(&d2);
}

/* ---- stage 2: paragraphs, boilerplate, bylines and datelines ---- */

static const char *const boiler_prefixes[] = {
    "continue reading", "read more", "read the full", "read the rest", "read the original",
    "click here", "tap here", "subscribe", "sign up", "sign in to", "log in to",
    "this article originally appeared", "this article was originally published",
    "this article first appeared", "this story originally appeared",
    "this post originally appeared", "this post first appeared", "originally published",
    "share this", "follow us", "listen to this", "skip to", "photo:", "image:", "credit:",
    "photo credit", "image credit", "photograph:", "illustration:", "(photo", "advertisement",
};

static const char *const credit_marks[] = {
    "getty images", "shutterstock", "ap photo", "afp via", "/reuters", "reuters/",
    "courtesy of", "photo by", "image by", "illustration by", "photograph by",
};

/* One line or sentence that is boilerplate wherever it stands. */
static int
is_boilerplate(const char *s, size_t n)
{
    size_t words;

    for (size_t k = 0; k < LEN(boiler_prefixes); k++)
        if (starts_word_ci(s, n, boiler_prefixes[k]))
            return 1;
    if ((starts_ci(s, n, "http://") || starts_ci(s, n, "https://") || starts_ci(s, n, "www.")) &&
        count_words_max(s, n, 2) == 1)
        return 1;
    if (n > LONG_LINE)
        return 0;
    if (starts_ci(s, n, "the post ") && contains_ci(s, n, " appeared first on"))
        return 1;
    if (starts_ci(s, n, "loading the ") && contains_ci(s, n, "player"))
        return 1;
    if (contains_ci(s, n, "all rights reserved"))
        return 1;
    if (contains_ci(s, n, "cookie") &&
        (contains_ci(s, n, "accept") || contains_ci(s, n, "consent") ||
         contains_ci(s, n, "cookie policy") || contains_ci(s, n, "cookie settings") ||
         contains_ci(s, n, "uses cookies") || contains_ci(s, n, "use cookies")))
        return 1;
    if (contains_ci(s, n, "newsletter") &&
        (contains_ci(s, n, "sign up") || contains_ci(s, n, "subscribe") ||
         contains_ci(s, n, "inbox") || contains_ci(s, n, "delivered")))
        return 1;
    words = count_words_max(s, n, 16);
    if (words <= 15)
        for (size_t k = 0; k < LEN(credit_marks); k++)
            if (contains_ci(s, n, credit_marks[k]))
                return 1;
    return 0;
}

static const char *const months[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
};

static const char *const weekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static int
word_in(const char *w, size_t n, const char *const *list, size_t nlist)
{
    for (size_t k = 0; k < nlist; k++)
        if (strlen(list[k]) == n && starts_ci(w, n, list[k]))
            return 1;
    return 0;
}

/* The word at s[*i] (letters, digits, . ' - , /), advancing past it and the spaces after. */
static size_t
next_word(const char *s, size_t n, size_t *i, size_t *start)
{
    size_t b = *i, e;

    while (b < n && s[b] == ' ')
        b++;
    e = b;
    while (e < n && !is_sp((unsigned char)s[e]))
        e++;
    *start = b;
    *i = e;
    while (*i < n && s[*i] == ' ')
        (*i)++;
    return e - b;
}

/* A dash or bar separating a dateline from the text; advances past it. */
static int
skip_sep(const char *s, size_t n, size_t *i, int colon)
{
    size_t k = *i;

    while (k < n && s[k] == ' ')
        k++;
    if (k + 3 <= n && (memcmp(s + k, "\xe2\x80\x94", 3) == 0 ||
                       memcmp(s + k, "\xe2\x80\x93", 3) == 0))
        k += 3;
    else if (k < n && (s[k] == '-' || s[k] == '|' || (colon && s[k] == ':')))
        k++;
    else
        return 0;
    if (k < n && s[k] != ' ')
        return 0;
    while (k < n && s[k] == ' ')
        k++;
    *i = k;
    return 1;
}

/* Is w ("The", "As") a stop word once folded? */
static int
lower_stopword(const char *w, size_t n)
{
    char tmp[16];

    if (n == 0 || n >= sizeof(tmp))
        return 0;
    for (size_t i = 0; i < n; i++)
        tmp[i] = (char)tolower((unsigned char)w[i]);
    return text_is_stopword(tmp, n);
}

static int
is_name_word(const char *w, size_t n)
{
    if (n == 0)
        return 0;
    if (word_in(w, n, (const char *const[]){ "and", "de", "van", "von", "la", "le", "&" }, 7))
        return 1;
    return isupper((unsigned char)w[0]) && !word_in(w, n, months, LEN(months)) &&
           !word_in(w, n, weekdays, LEN(weekdays));
}

/* Lower-case words a byline line may hold: "By Jane Doe and John Roe, 3 min read". */
static const char *const byline_words[] = {
    "and", "min", "read", "updated", "published", "am", "pm", "ago",
};

/* "By Jane Doe —" or "By Jane Doe and John Roe |": bytes to skip, or 0. */
static size_t
strip_byline(const char *s, size_t n, int whole_line)
{
    size_t i = 3, names = 0, start, wl;

    if (!(n > 3 && memcmp(s, "By ", 3) == 0))
        return 0;
    while (i < n && names < 6) {
        size_t save = i;
        int comma;
        wl = next_word(s, n, &i, &start);
        comma = wl > 1 && s[start + wl - 1] == ',';
        if (!is_name_word(s + start, comma ? wl - 1 : wl) ||
            (isupper((unsigned char)s[start]) && lower_stopword(s + start, wl))) {
            i = save;
            break;
        }
        names++;
        if (comma)
            break;
    }
    if (names == 0)
        return 0;
    if (i >= n)
        return n;
    if (skip_sep(s, n, &i, 0))
        return i;
    /* glued to the text: "By Jane Doe and John Roe As the ..." */
    if (names >= 2 && !whole_line) {
        size_t k = i;
        wl = next_word(s, n, &k, &start);
        if (wl && isupper((unsigned char)s[start]) && lower_stopword(s + start, wl))
            return i;
    }
    if (whole_line) {
        /* the rest of a byline line: names, an outlet, a date, "3 min read" */
        size_t k = i;
        while (k < n) {
            wl = next_word(s, n, &k, &start);
            if (wl && islower((unsigned char)s[start]) && !word_in(s + start, wl, byline_words,
                                                                   LEN(byline_words)))
                return 0;
        }
        return n;
    }
    return 0;
}

/* "June 3, 2026 —", "3 June 2026 -", "2026-06-03 |": bytes to skip, or 0. */
static size_t
strip_date(const char *s, size_t n)
{
    size_t i = 0, start, wl, k;
    int saw_month = 0, saw_num = 0;

    for (k = 0; k < 5 && i < n; k++) {
        size_t save = i;
        int colon = 0;
        wl = next_word(s, n, &i, &start);
        if (wl > 1 && s[start + wl - 1] == ':') {
            colon = 1;   /* "June 3, 2026: The ..." */
            wl--;
        }
        while (wl && (s[start + wl - 1] == ',' || s[start + wl - 1] == '.'))
            wl--;
        if (wl && word_in(s + start, wl, months, LEN(months))) {
            saw_month = 1;
        } else if (wl && word_in(s + start, wl, weekdays, LEN(weekdays))) {
            /* "Tuesday, June 3" */
        } else if (wl && isdigit((unsigned char)s[start])) {
            size_t d = 0;
            while (d < wl && (isdigit((unsigned char)s[start + d]) || s[start + d] == '-' ||
                              s[start + d] == '/'))
                d++;
            if (d != wl && !(wl - d == 2 && (starts_ci(s + start + d, 2, "st") ||
                                             starts_ci(s + start + d, 2, "nd") ||
                                             starts_ci(s + start + d, 2, "rd") ||
                                             starts_ci(s + start + d, 2, "th")))) {
                i = save;
                break;
            }
            saw_num = 1;
            if (wl >= 8 && memchr(s + start, '-', wl))
                saw_month = 1;  /* 2026-06-03 */
            if (colon)
                return saw_month && i < n ? i : 0;
        } else {
            i = save;
            break;
        }
    }
    if (!saw_month || !saw_num)
        return 0;
    return skip_sep(s, n, &i, 1) ? i : 0;
}

/* "NEW YORK (Reuters) -", "WASHINGTON —", "(AP) —", "SAN FRANCISCO, Calif. —". */
static size_t
strip_city(const char *s, size_t n)
{
    size_t i = 0, caps = 0, start, wl;
    int agency = 0;

    while (i < n && caps < 5) {
        size_t save = i, letters = 0, upper = 0;
        wl = next_word(s, n, &i, &start);
        for (size_t k = 0; k < wl; k++) {
            unsigned char c = (unsigned char)s[start + k];
            if (isalpha(c)) {
                letters++;
                upper += isupper(c) != 0;
            } else if (!strchr(".,'/-", c)) {
                letters = 0;
                break;
            }
        }
        if (letters >= 2 && upper == letters) {
            caps++;
            continue;
        }
        /* a state after the city: "Calif." */
        if (caps > 0 && wl >= 3 && wl <= 7 && isupper((unsigned char)s[start]) &&
            s[start + wl - 1] == '.') {
            caps++;
            continue;
        }
        i = save;
        break;
    }
    if (i < n && s[i] == '(') {
        const char *close = memchr(s + i, ')', n - i < 40 ? n - i : 40);
        if (close != NULL && isupper((unsigned char)s[i + 1])) {
            agency = 1;
            i = (size_t)(close - s) + 1;
        }
    }
    if (caps == 0 && !agency)
        return 0;
    return skip_sep(s, n, &i, 0) ? i : 0;
}

/* Bytes of byline and dateline at the start of a paragraph. */
static size_t
strip_lead(const char *s, size_t n)
{
    size_t total = 0;

    for (int round = 0; round < 3; round++) {
        size_t k = strip_byline(s + total, n - total, 0);
        if (k == 0)
            k = strip_date(s + total, n - total);
        if (k == 0)
            k = strip_city(s + total, n - total);
        if (k == 0 || k >= n - total)
            break;
        total += k;
    }
    return total;
}

/* A whole line that is not text: boilerplate, a byline, an "Updated ..." stamp. */
static int
line_is_junk(const char *s, size_t n)
{
    if (is_boilerplate(s, n))
        return 1;
    if (n <= LONG_LINE && strip_byline(s, n, 1) == n)
        return 1;
    if ((starts_word_ci(s, n, "updated") || starts_word_ci(s, n, "published") ||
         starts_word_ci(s, n, "last updated")) && count_words_max(s, n, 11) <= 10)
        return 1;
    if (n <= 40 && count_words_max(s, n, 5) <= 4 &&
        (contains_ci(s, n, "min read") || contains_ci(s, n, "minute read")))
        return 1;
    return 0;
}

/* 1 when s ends in sentence punctuation, closing quotes and brackets aside. */
static int
ends_terminal(const char *s, size_t n)
{
    while (n > 0) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']') {
            n--;
        } else if (n >= 3 && (memcmp(s + n - 3, "\xe2\x80\x9d", 3) == 0 ||
                              memcmp(s + n - 3, "\xe2\x80\x99", 3) == 0)) {
            n -= 3;
        } else if (n >= 2 && memcmp(s + n - 2, "\xc2\xbb", 2) == 0) {
            n -= 2;
        } else {
            break;
        }
    }
    if (n == 0)
        return 0;
    if (strchr(".!?", s[n - 1]) != NULL)
        return 1;
    return n >= 3 && memcmp(s + n - 3, "\xe2\x80\xa6", 3) == 0;
}

/* ---- stage 3: sentences ---- */

/* Abbreviations after which a '.' never ends a sentence. */
static const char *const abbr_never[] = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "capt",
    "sgt", "rev", "hon", "pres", "st", "vs", "v", "cf", "e.g", "i.e", "eg", "ie", "approx",
    "fig", "mt", "ft", "gen", "adm", "atty", "supt", "messrs",
};

/* ... that end one only when a number does not follow: "No. 1", "Jan. 5". */
static const char *const abbr_number[] = {
    "no", "nos", "vol", "pp", "p", "art", "sec", "ch", "op", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
};

/* ... that may end one: only when the next word is "The", "It", "But"... */
static const char *const abbr_maybe[] = {
    "inc", "corp", "ltd", "co", "llc", "plc", "jr", "sr", "etc", "bros", "al",
};

/* Does a '.' at s[dot] (next word at s[next]) end a sentence? */
static int
period_ends(const char *s, size_t n, size_t dot, size_t next)
{
    size_t b = dot, wl, nb, ne;
    const char *w;
    int dotted = 0;
    struct tokens t = { 0 };
    int stop;

    while (b > 0 && !is_sp((unsigned char)s[b - 1]) && s[b - 1] != '(' && s[b - 1] != '"')
        b--;
    w = s + b;
    wl = dot - b;
    if (wl == 0)
        return 1;
    if (word_in(w, wl, abbr_never, LEN(abbr_never)))
        return 0;
    if (word_in(w, wl, abbr_number, LEN(abbr_number)) && isdigit((unsigned char)s[next]))
        return 0;
    for (size_t k = 0; k + 1 < wl; k++)
        if (w[k] == '.' && isalpha((unsigned char)w[k + 1]))
            dotted = 1;  /* U.S, a.m, D.C */
    if (!dotted && !(wl == 1 && isupper((unsigned char)w[0])) &&
        !word_in(w, wl, abbr_maybe, LEN(abbr_maybe)))
        return 1;
    /* "U.S. The" ends; "U.S. Commerce", "Apple Inc. Chief", "John F. Kennedy" do not. */
    nb = next;
    while (nb < n && !isalnum((unsigned char)s[nb]) && !((unsigned char)s[nb] & 0x80) &&
           !is_sp((unsigned char)s[nb]))
        nb++;
    ne = nb;
    while (ne < n && isalpha((unsigned char)s[ne]))
        ne++;
    if (ne == nb)
        return 1;
    text_tokenize(s + nb, ne - nb, &t);
    stop = t.n == 1 && text_is_stopword(tok_str(&t, 0), t.v[0].len);
    tokens_fini(&t);
    return stop;
}

/* Can the text at s[i] open a sentence? */
static int
opens_sentence(const char *s, size_t n, size_t i)
{
    size_t len;
    int32_t c;

    if (i >= n)
        return 1;
    c = cp_at(s, n, i, &len);
    if (c == CUT_MARK || (c < 0x80 && strchr("\"'([", (int)c) != NULL && c != 0))
        return 1;
    if (c == 0x201c || c == 0x2018 || c == 0xab)
        return 1;
    if (c >= '0' && c <= '9')
        return 1;
    if (cp_is_upper(c))
        return 1;
    /* a name written in lower case first: "xAI", "iPhone", "eBay" */
    for (i += len; i < n && !is_sp((unsigned char)s[i]); i += len) {
        c = cp_at(s, n, i, &len);
        if (cp_is_upper(c))
            return 1;
        if (!cp_is_alnum(c))
            break;
    }
    return 0;
}

static void
add_sent(struct doc *d, size_t b, size_t e, size_t para, unsigned flags)
{
    const char *s = d->text.data;
    struct sent *x;

    while (b < e && is_sp((unsigned char)s[b]))
        b++;
    while (e > b && is_sp((unsigned char)s[e - 1]))
        e--;
    if (b == e)
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    x = &d->v[d->n++];
    x->off = b;
    x->len = e - b;
    x->para = para;
    x->words = count_words_max(s + b, e - b, SUMMARY_MAX_WORDS + 1);
    x->flags = flags | (ends_terminal(s + b, e - b) ? 0 : S_NOTERM);
}

/* Cuts the paragraph at d->text[off..off+n) into sentences. */
static void
split_para(struct doc *d, size_t off, size_t n, size_t para)
{
    const char *s = d->text.data;
    size_t end = off + n, start = off, i = off;

    while (i < end) {
        unsigned char c = (unsigned char)s[i];
        size_t j, k;
        int single_dot;

        if (c == CUT_MARK) {
            add_sent(d, start, i, para, S_CUT);
            start = ++i;
            continue;
        }
        if (!(c == '.' || c == '!' || c == '?' ||
              (c == 0xe2 && i + 2 < end && memcmp(s + i, "\xe2\x80\xa6", 3) == 0))) {
            i++;
            continue;
        }
        /* the run of marks and closing quotes: "?!", "...", ".\u201d)" */
        j = i;
        for (;;) {
            if (j < end && strchr(".!?\"')]", s[j]) != NULL && s[j] != '\0')
                j++;
            else if (j + 2 < end && ((unsigned char)s[j] == 0xe2 &&
                                     (memcmp(s + j, "\xe2\x80\xa6", 3) == 0 ||
                                      memcmp(s + j, "\xe2\x80\x9d", 3) == 0 ||
                                      memcmp(s + j, "\xe2\x80\x99", 3) == 0)))
                j += 3;
            else if (j + 1 < end && memcmp(s + j, "\xc2\xbb", 2) == 0)
                j += 2;
            else
                break;
        }
        single_dot = c == '.' && !(i + 1 < end && s[i + 1] == '.');
        if (j < end && !is_sp((unsigned char)s[j])) {
            i = j;   /* 3.5, U.S.A, example.com */
            continue;
        }
        k = j;
        while (k < end && is_sp((unsigned char)s[k]))
            k++;
        if (k < end &&
            (!opens_sentence(s, end, k) || (single_dot && !period_ends(s, end, i, k)))) {
            i = j;
            continue;
        }
        add_sent(d, start, j, para, 0);
        start = i = k;
    }
    add_sent(d, start, end, para, 0);
}

/* Does a line that follows prev continue prev's paragraph (hard-wrapped text)? */
static int
joins(const char *prev, size_t pn, const char *line, size_t ln)
{
    if (ends_terminal(prev, pn) || (pn > 0 && prev[pn - 1] == ':'))
        return 0;
    if (count_words_max(prev, pn, 6) < 6)
        return 0;   /* a heading, a caption, a list item */
    if (ln >= 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ')
        return 0;
    return !(ln >= 3 && memcmp(line, "\xe2\x80\xa2", 3) == 0);
}

static void
flush_para(struct doc *d, struct buf *para, int filter)
{
    size_t skip = 0, off;

    if (para->len == 0)
        return;
    if (filter)
        skip = strip_lead(para->data, para->len);
    off = d->text.len;
    buf_append(&d->text, para->data + skip, para->len - skip);
    buf_putc(&d->text, '\n');
    split_para(d, off, para->len - skip, d->npara++);
    buf_reset(para);
}

/* Cleaned text s (filter: drop boilerplate, bylines, datelines) into paragraphs and sentences. */
static void
build_doc(const char *s, size_t n, int filter, struct doc *d)
{
    struct buf para = BUF_INIT(n + 16);
    size_t i = 0, prev = 0, prevlen = 0;

    buf_init(&d->text, 2 * n + 64);
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, b = i;

        i = e + 1;
        while (b < e && is_sp((unsigned char)s[b]))
            b++;
        while (e > b && is_sp((unsigned char)s[e - 1]))
            e--;
        if (b == e || (filter && line_is_junk(s + b, e - b))) {
            flush_para(d, &para, filter);
            continue;
        }
        if (para.len > 0 && !joins(s + prev, prevlen, s + b, e - b))
            flush_para(d, &para, filter);
        if (para.len > 0)
            buf_putc(&para, ' ');
        buf_append(&para, s + b, e - b);
        prev = b;
        prevlen = e - b;
    }
    flush_para(d, &para, filter);
    buf_fini(&para);
}

static void
doc_free(struct doc *d)
{
    buf_fini(&d->text);
    free(d->v);
}

void
summary_sentences(const char *s, size_t n, void (*fn)(const char *p, size_t len, void *arg),
                  void *arg)
{
    struct buf c = BUF_INIT(n + 16);
    struct doc d = { 0 };

    if (s == NULL)
        return;
    clean_text(s, n, 0, &c);
    build_doc(buf_cstr(&c), c.len, 0, &d);
    for (size_t i = 0; i < d.n; i++)
        fn(d.text.data + d.v[i].off, d.v[i].len, arg);
    doc_free(&d);
    buf_fini(&c);
}

/* ---- scoring ---- */

/* Does s read as prose: at least a third of its words, and two, lower case? */
static int
prose(const char *s, size_t n)
{
    size_t words = 0, lower = 0, i = 0;

    while (i < n) {
        size_t len;
        int32_t c;
        while (i < n && is_sp((unsigned char)s[i]))
            i++;
        if (i == n)
            break;
        c = cp_at(s, n, i, &len);
        words++;
        if (c >= 0 && ((c < 0x80 && islower(c)) ||
                       (c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL)))
            lower++;
        while (i < n && !is_sp((unsigned char)s[i]))
            i++;
    }
    return lower >= 2 && lower * 3 >= words;
}

/* A raw link in a sentence reads badly in a summary. */
static int
has_url(const char *s, size_t n)
{
    return contains_ci(s, n, "http://") || contains_ci(s, n, "https://") ||
           contains_ci(s, n, " www.");
}

/* Is the sentence little more than the title's words? */
static int
repeats_title(const char *s, size_t n, const char *title)
{
    struct tokens st = { 0 }, tt = { 0 };
    size_t common = 0;
    int rep = 0;

    text_tokenize(title, strlen(title), &tt);
    text_tokenize(s, n, &st);
    /* most of its words are the title's, and it adds few: "<title> - with Jane Doe" */
    if (tt.n >= 2 && st.n > 0 && st.n <= tt.n + 3 + tt.n / 4) {
        for (size_t i = 0; i < st.n; i++)
            for (size_t j = 0; j < tt.n; j++)
                if (strcmp(tok_str(&st, i), tok_str(&tt, j)) == 0) {
                    common++;
                    break;
                }
        rep = common * 10 >= st.n * 8 || (common * 10 >= tt.n * 9 && st.n <= tt.n + 3);
    }
    tokens_fini(&st);
    tokens_fini(&tt);
    return rep;
}

struct cand {
    size_t sent;
    double score;
    struct termvec tv;
};

static int
cmp_cand_score(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->sent < y->sent ? -1 : x->sent > y->sent;
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* ---- cues for an article's summary ---- */

/* What happened: the verbs and markers of news. */
static const char *const happened_cues[] = {
    "announc", "releas", "launch", "introduc", "unveil", "today", "publish", "open-sourc",
    "acquir", "rais", "sign", "ruled", "fined", "approv", "ban", "propos", "partner",
    "now available", "is available", "are available", "we are releasing", "we built",
    "new model", "agreed", "filed", "passed", "shipped",
};
/* Why it matters: consequence, reason, scale. */
static const char *const matters_cues[] = {
    "because", "which means", "means that", "so that", "allows", "allowing", "lets ",
    "enables", "enabling", "for the first time", "matters", "important", "significant",
    "could ", "will ", "would ", "impact", "risk", "first ", "largest", "cheaper", "faster",
    "outperform", "beats", "matches", "without ", "instead of", "in order to",
};
/* Pleasantries and calls to action, never the point of an article. */
static const char *const fluff_cues[] = {
    "thank", "excited to", "grateful", "stay tuned", "subscribe", "sign up", "follow us",
    "click", "learn more", "read more", "contact us", "join us", "we're hiring",
    "we are hiring", "cookie", "all rights reserved", "share this",
};

static int
cue_count(const char *s, size_t n, const char *const *cues, size_t ncues)
{
    int k = 0;

    for (size_t i = 0; i < ncues; i++)
        k += contains_ci(s, n, cues[i]);
    return k;
}

static int
has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 1;
    return 0;
}

#define NCUES(v) (sizeof(v) / sizeof((v)[0]))

/* Whether sentence i of d says why it matters. */
static int
sent_says_why(const struct doc *d, size_t i)
{
    return cue_count(d->text.data + d->v[i].off, d->v[i].len, matters_cues,
                     NCUES(matters_cues)) > 0;
}

static int
has_why(const struct doc *d, const size_t *sel, size_t nsel)
{
    for (size_t k = 0; k < nsel; k++)
        if (sent_says_why(d, sel[k]))
            return 1;
    return 0;
}

/* Appends the chosen sentences of d to out; returns how many. An article
 * (whole text, not a feed's excerpt) is summarised in ARTICLE_MIN_WORDS to
 * ARTICLE_MAX_WORDS words and 2 to ARTICLE_MAX_SENTENCES sentences chosen
 * for what happened and why it matters; *nwords gets the words kept. */
static size_t
extract(const struct doc *d, const char *title, int article, struct buf *out, size_t *nwords)
{
    size_t max_words = article ? ARTICLE_MAX_WORDS : SUMMARY_MAX_WORDS;
    size_t max_sents = article ? ARTICLE_MAX_SENTENCES : SUMMARY_MAX_SENTENCES;
    size_t min_sent = article ? 8 : SUMMARY_MIN_WORDS, max_sent = article ? 45 : SUMMARY_MAX_WORDS;

    struct cand *cv = xcalloc(MAX_CANDIDATES, sizeof(*cv));
    size_t nc = 0, nsel = 0, words = 0, sel[ARTICLE_MAX_SENTENCES];
    size_t *para_sents = xcalloc(d->npara + 1, sizeof(*para_sents));
    struct stemmer *st = stemmer_new();
    uint64_t *all = NULL;
    size_t nall = 0;
    struct termvec docv = { 0 };
    double maxcos = 0;

    for (size_t i = 0; i < d->n; i++)
        para_sents[d->v[i].para]++;
    for (size_t i = 0; i < d->n && nc < MAX_CANDIDATES; i++) {
        const struct sent *x = &d->v[i];
        const char *s = d->text.data + x->off;

        if (x->flags & S_CUT)
            continue;
        if (x->words < min_sent || x->words > max_sent)
            continue;
        if (s[x->len - 1] == ':' || is_boilerplate(s, x->len) || has_url(s, x->len))
            continue;
        /*
         * Without final punctuation a sentence is a heading, a caption, a name
         * list or a cut tail, unless it is a paragraph of prose on its own at
         * the end of the text or long.
         */
        if ((x->flags & S_NOTERM) &&
            (para_sents[x->para] > 1 || (x->para + 1 != d->npara && x->words < 15) ||
             !prose(s, x->len)))
            continue;
        if ((nc == 0 || article) && title != NULL && repeats_title(s, x->len, title))
            continue;
        if (article && (s[x->len - 1] == '?' ||
                        cue_count(s, x->len, fluff_cues, NCUES(fluff_cues)) > 0))
            continue;
        cv[nc++].sent = i;
    }
    if (nc == 0)
        goto out;

    /* centrality: cosine of each sentence with the candidates and the title (twice) */
    for (size_t c = 0; c < nc; c++) {
        const struct sent *x = &d->v[cv[c].sent];
        uint64_t *t = NULL;
        size_t nt = st ? text_terms(st, d->text.data + x->off, x->len, &t) : 0;
        all = xrealloc(all, (nall + nt + 1) * sizeof(*all));
        if (nt)
            memcpy(all + nall, t, nt * sizeof(*t));
        nall += nt;
        if (t == NULL)
            t = xmalloc(sizeof(*t));
        termvec_from_terms(&cv[c].tv, t, nt);
    }
    for (int rep = 0; rep < 2 && st != NULL && title != NULL; rep++) {
        uint64_t *t;
        size_t nt = text_terms(st, title, strlen(title), &t);
        all = xrealloc(all, (nall + nt + 1) * sizeof(*all));
        memcpy(all + nall, t, nt * sizeof(*t));
        nall += nt;
        free(t);
    }
    if (all == NULL)
        all = xmalloc(sizeof(*all));
    termvec_from_terms(&docv, all, nall);
    for (size_t c = 0; c < nc; c++) {
        double cs = termvec_cos(&cv[c].tv, &docv);
        cv[c].score = cs;
        if (cs > maxcos)
            maxcos = cs;
    }
    /* lead position weighs a little more than centrality: news puts the point first */
    for (size_t c = 0; c < nc && !article; c++) {
        double lead = 1.0 / (1.0 + 0.25 * (double)c);
        double central = maxcos > 0 ? cv[c].score / maxcos : 0;
        cv[c].score = 0.55 * lead + 0.45 * central;
    }
    /*
     * An article's first sentences are often a dateline, a hook or thanks:
     * centrality leads, the lead position helps less, and a sentence that
     * says what happened or why it matters (a cue word, a figure) gains.
     */
    for (size_t c = 0; c < nc && article; c++) {
        const struct sent *x = &d->v[cv[c].sent];
        const char *s = d->text.data + x->off;
        double lead = 1.0 / (1.0 + 0.12 * (double)c);
        double central = maxcos > 0 ? cv[c].score / maxcos : 0;
        int what = cue_count(s, x->len, happened_cues, NCUES(happened_cues));
        int matters = cue_count(s, x->len, matters_cues, NCUES(matters_cues));

        cv[c].score = 0.50 * central + 0.25 * lead + 0.12 * (what > 2 ? 2 : what) +
                      0.10 * (matters > 2 ? 2 : matters) + 0.06 * has_digit(s, x->len);
    }

    qsort(cv, nc, sizeof(*cv), cmp_cand_score);
    for (size_t c = 0; c < nc && nsel < max_sents; c++) {
        const struct sent *x = &d->v[cv[c].sent];
        int redundant = 0;

        if (words + x->words > max_words)
            continue;
        /* an article's summary stops once it says enough, unless it has not
         * yet said why it matters and this sentence does */
        if (article && nsel >= 2 && words >= ARTICLE_MIN_WORDS &&
            (has_why(d, sel, nsel) || !sent_says_why(d, cv[c].sent)))
            continue;
        for (size_t k = 0; k < c; k++) {
            int chosen = 0;
            for (size_t m = 0; m < nsel; m++)
                chosen |= sel[m] == cv[k].sent;
            if (chosen && termvec_cos(&cv[c].tv, &cv[k].tv) > 0.6)
                redundant = 1;
        }
        if (redundant)
            continue;
        sel[nsel++] = cv[c].sent;
        words += x->words;
    }
    qsort(sel, nsel, sizeof(sel[0]), cmp_size);
    *nwords = words;
    for (size_t k = 0; k < nsel; k++) {
        const struct sent *x = &d->v[sel[k]];
        if (k > 0)
            buf_putc(out, ' ');
        buf_append(out, d->text.data + x->off, x->len);
        if (x->flags & S_NOTERM)
            buf_putc(out, '.');
    }
out:
    for (size_t c = 0; c < nc; c++)
        termvec_fini(&cv[c].tv);
    termvec_fini(&docv);
    free(cv);
    free(para_sents);
    stemmer_free(st);
    return nsel;
}

/* ---- the context sentence ---- */

static const char *const kind_words[KIND_COUNT] = {
    [KIND_OTHER] = "post",
    [KIND_RELEASE] = "release announcement",
    [KIND_RESEARCH] = "research report",
    [KIND_POLICY] = "policy item",
    [KIND_BUSINESS] = "business item",
    [KIND_SECURITY] = "security item",
    [KIND_COMMENTARY] = "commentary",
    [KIND_DIGEST] = "digest",
    [KIND_TUTORIAL] = "how-to",
};

/* s without surrounding spaces and trailing . , ; : ! ? */
static size_t
trim_item(const char **s)
{
    const char *p = *s;
    size_t n = strlen(p);

    while (n > 0 && is_sp((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n > 0 && (is_sp((unsigned char)p[n - 1]) || strchr(".,;:!?", p[n - 1])))
        n--;
    *s = p;
    return n;
}

/* Is w[0..n) a Titlecase word ("Export", "Open-weight", "Open-Source")? */
static int
titlecase(const char *w, size_t n)
{
    int start = 1;

    if (n == 0 || !isupper((unsigned char)w[0]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c == '-') {
            start = 1;
            continue;
        }
        if (isdigit(c) || (isupper(c) && !start) || c >= 0x80)
            return 0;
        start = 0;
    }
    return 1;
}

/* Does the word w[0..n), with a lower-case first letter, stand in text as a whole word? */
static int
seen_lower(const char *text, size_t tn, const char *w, size_t n)
{
    char low[64];

    if (text == NULL || n >= sizeof(low))
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)w[i]);
    for (size_t i = 0; i + n <= tn; i++) {
        if (text[i] != low[0] || memcmp(text + i, low, n) != 0)
            continue;
        if ((i == 0 || !isalnum((unsigned char)text[i - 1])) &&
            (i + n == tn || !isalnum((unsigned char)text[i + n])))
            return 1;
    }
    return 0;
}

static int
in_entities(const char *w, size_t n, const char *const *ents, size_t nents)
{
    for (size_t k = 0; k < nents; k++) {
        const char *e = ents[k];
        while (e != NULL && *e) {
            size_t l = strcspn(e, " ");
            if (l == n && memcmp(e, w, n) == 0)
                return 1;
            e += l;
            while (*e == ' ')
                e++;
        }
    }
    return 0;
}

/*
 * A guide title as it reads mid-sentence. Titles are in sentence case, so
 * only the first word can be capitalized for grammar alone; it is lowered
 * unless it looks like a name: a one-word title, a possessive, a word of
 * the event's entities, or the first of two capitalized words ("Google
 * DeepMind", "Meta AI"). A word the item itself writes in lower case is
 * lowered in any case.
 */
static void
put_guide_title(struct buf *b, const char *t, size_t n, const char *text, size_t tn,
                const char *const *ents, size_t nents)
{
    size_t wl = 0, rest;
    int lower;

    while (wl < n && t[wl] != ' ')
        wl++;
    rest = wl;
    while (rest < n && t[rest] == ' ')
        rest++;
    lower = titlecase(t, wl);
    if (lower && !seen_lower(text, tn, t, wl)) {
        int hyphen = memchr(t, '-', wl) != NULL;
        if (rest == n || (wl > 2 && t[wl - 2] == '\'' && t[wl - 1] == 's') ||
            in_entities(t, wl, ents, nents) ||
            (!hyphen && rest < n && isupper((unsigned char)t[rest])))
            lower = 0;
    }
    for (size_t i = 0; i < wl; i++) {
        char c = t[i];
        if (lower && (i == 0 || t[i - 1] == '-'))
            c = (char)tolower((unsigned char)c);
        buf_putc(b, c);
    }
    buf_append(b, t + wl, n - wl);
}

static void
put_list(struct buf *b, const char *const *v, size_t n, int guides, const char *text, size_t tn,
         const char *const *ents, size_t nents)
{
    size_t shown = 0, total = 0;

    for (size_t i = 0; i < n; i++) {
        const char *s = v[i];
        if (s != NULL && trim_item(&s) > 0)
            total++;
    }
    if (total > MAX_LISTED)
        total = MAX_LISTED;
    for (size_t i = 0; i < n && shown < total; i++) {
        const char *s = v[i];
        size_t len;
        if (s == NULL || (len = trim_item(&s)) == 0)
            continue;
        if (shown > 0)
            buf_puts(b, shown + 1 == total ? " and " : ", ");
        if (guides)
            put_guide_title(b, s, len, text, tn, ents, nents);
        else
            buf_append(b, s, len);
        shown++;
    }
}

/* Plain, single-line copies of borrowed strings, for the context sentence. */
static char **
clean_list(const char *const *v, size_t n)
{
    char **out = xcalloc(n ? n : 1, sizeof(*out));

    for (size_t i = 0; i < n; i++) {
        struct buf b = BUF_INIT(4096);
        if (v[i] != NULL)
            clean_text(v[i], strnlen(v[i], 1024), 1, &b);
        out[i] = buf_take(&b);
        if (out[i] == NULL)
            out[i] = xstrdup("");
    }
    return out;
}

static void
free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/*
 * The context sentence: tier, kind, source, and the guides (else the main
 * entities) the event bears on. After an extract it reads "As a tier-2
 * commentary from X, it bears on ..."; alone (no usable text) it stands as
 * its own sentence and says the feed gave no excerpt (alone == 1; 2 when a
 * linked article was read but gave no sentence), rather than restating the
 * title the reader sees just above it.
 */
static void
put_context(struct buf *b, const struct analysis_input *in, enum event_kind kind,
            const char *source, const char *const *guides, size_t nguides,
            const char *const *ents, size_t nents, const char *text, size_t tn, int alone)
{
    const char *kw = (unsigned)kind < KIND_COUNT ? kind_words[kind] : kind_words[KIND_OTHER];
    int has_guides = 0, has_ents = 0;

    for (size_t i = 0; i < nguides; i++) {
        const char *s = guides[i];
        has_guides |= s != NULL && trim_item(&s) > 0;
    }
    for (size_t i = 0; i < nents; i++) {
        const char *s = ents[i];
        has_ents |= s != NULL && trim_item(&s) > 0;
    }
    if (in->tier >= 1 && in->tier <= 3)
        buf_printf(b, "%s tier-%d %s", alone ? "A" : "As a", in->tier, kw);
    else if (alone)
        buf_printf(b, "%s %s", is_vowel(kw[0]) ? "An" : "A", kw);
    else
        buf_printf(b, "As %s %s", is_vowel(kw[0]) ? "an" : "a", kw);
    if (source[0] != '\0')
        buf_printf(b, " from %s", source);
    if (has_guides) {
        buf_puts(b, alone ? ", on " : ", it bears on ");
        put_list(b, guides, nguides, 1, text, tn, ents, nents);
    } else if (has_ents) {
        buf_puts(b, alone ? ", about " : ", it concerns ");
        put_list(b, ents, nents, 0, NULL, 0, NULL, 0);
    }
    buf_puts(b, alone == 1 ? "; the feed has no excerpt." : ".");
}

/* ---- the summary ---- */

/* Whether the context's list (the first MAX_LISTED guides, else entities)
 * names something the extract s[0..n) does not. */
static int
context_adds(const char *s, size_t n, const char *const *guides, size_t ng,
             const char *const *ents, size_t ne)
{
    const char *const *v = ng > 0 ? guides : ents;
    size_t nv = ng > 0 ? ng : ne, listed = 0;

    for (size_t i = 0; i < nv && listed < MAX_LISTED; i++) {
        const char *p = v[i];
        size_t k;
        char tmp[256];

        if (p == NULL || (k = trim_item(&p)) == 0)
            continue;
        listed++;
        snprintf(tmp, sizeof(tmp), "%.*s", (int)(k < 255 ? k : 255), p);
        if (!contains_ci(s, n, tmp))
            return 1;
    }
    return 0;
}

/* s without leading spaces; *n its length without trailing ones. */
static const char *
trim_sp(const char *s, size_t *n)
{
    while (*s == ' ')
        s++;
    *n = strlen(s);
    while (*n > 0 && s[*n - 1] == ' ')
        (*n)--;
    return s;
}

char *
summary_make(const struct analysis_input *in, enum event_kind kind,
             const char *const *guide_titles, size_t nguides,
             const char *const *top_entities, size_t nentities)
{
    struct buf out = BUF_INIT(BUF_MAX_DEFAULT);
    struct buf clean = BUF_INIT(SUMMARY_SCAN_BYTES + 64);
    struct buf title = BUF_INIT(8192), source = BUF_INIT(4096);
    struct doc d = { 0 };
    char **gv = clean_list(guide_titles, guide_titles ? nguides : 0);
    char **ev = clean_list(top_entities, top_entities ? nentities : 0);
    const char *t, *src;
    size_t tl, nsel, words = 0;
    int alone;
    char *res;

    nguides = guide_titles ? nguides : 0;
    nentities = top_entities ? nentities : 0;
    if (in->title != NULL)
        clean_text(in->title, strnlen(in->title, 4096), 1, &title);
    if (in->source_name != NULL)
        clean_text(in->source_name, strnlen(in->source_name, 1024), 1, &source);
    while (source.len > 0 && source.data[source.len - 1] == ' ')
        source.data[--source.len] = '\0';
    if (in->text != NULL) {
        size_t n = strnlen(in->text, SUMMARY_SCAN_BYTES + 1);
        int cut = n > SUMMARY_SCAN_BYTES;
        clean_text(in->text, cut ? SUMMARY_SCAN_BYTES : n, 0, &clean);
        if (cut)
            buf_putc(&clean, CUT_MARK);  /* the sentence at the limit is not whole */
    }
    build_doc(buf_cstr(&clean), clean.len, 1, &d);
    /* a text that stops at "..." at its very end was cut short by the feed */
    if (d.n > 0 && d.v[d.n - 1].para + 1 == d.npara) {
        struct sent *x = &d.v[d.n - 1];
        const char *s = d.text.data + x->off;
        if ((x->len >= 3 && memcmp(s + x->len - 3, "...", 3) == 0) ||
            (x->len >= 3 && memcmp(s + x->len - 3, "\xe2\x80\xa6", 3) == 0))
            x->flags |= S_CUT;
    }

    t = trim_sp(buf_cstr(&title), &tl);
    src = buf_cstr(&source);
    while (*src == ' ')
        src++;
    nsel = extract(&d, tl ? t : NULL, in->article, &out, &words);
    if (in->article && nsel == 0) /* an article of short lines: a feed's rules */
        nsel = extract(&d, tl ? t : NULL, 0, &out, &words);
    alone = nsel == 0 && tl > 0;
    if (alone && in->article)
        alone = 2; /* there is an article, it just gave no sentence */
    if (in->article && nsel > 0) {
        /* From an article the context sentence ends the summary only when
         * it names something the sentences do not, and fits in the limits. */
        struct buf ctx = BUF_INIT(BUF_MAX_DEFAULT);
        put_context(&ctx, in, kind, src, (const char *const *)gv, nguides,
                    (const char *const *)ev, nentities, d.text.data, d.text.len, 0);
        if (nsel < ARTICLE_MAX_SENTENCES &&
            words + summary_word_count(ctx.data, ctx.len) <= ARTICLE_MAX_WORDS &&
            context_adds(buf_cstr(&out), out.len, (const char *const *)gv, nguides,
                         (const char *const *)ev, nentities)) {
            buf_putc(&out, ' ');
            buf_append(&out, ctx.data, ctx.len);
        }
        buf_fini(&ctx);
        goto done;
    }
    if (out.len == 0 && !alone) {
        if (src[0] != '\0')
            buf_printf(&out, "%s published an untitled item.", src);
        else
            buf_puts(&out, "An untitled item.");
    }
    if (out.len > 0)
        buf_putc(&out, ' ');
    put_context(&out, in, kind, src, (const char *const *)gv, nguides,
                (const char *const *)ev, nentities, d.text.data, d.text.len, alone);
done:
    res = buf_take(&out);
    doc_free(&d);
    buf_fini(&clean);
    buf_fini(&title);
    buf_fini(&source);
    free_list(gv, nguides);
    free_list(ev, nentities);
    return res;
}
