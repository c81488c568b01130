/*
 * validate.c - the checks a model's answer must pass before it is shown
 * (llm.h): JSON, its length in sentences and words, not the title again,
 * and no entity that the text it was given does not name.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "base/xalloc.h"
#include "llm/llm.h"

#define WORDS_MIN 45
#define WORDS_MAX 90
#define SENTENCES_MIN 2
#define SENTENCES_MAX 4
#define ENTITIES_MAX 32

size_t
llm_word_count(const char *s)
{
    size_t n = 0;
    int in = 0;

    for (; s && *s; s++) {
        int space = isspace((unsigned char)*s);
        if (!space && !in)
            n++;
        in = !space;
    }
    return n;
}

/* 1 when a sentence ends at s[i] (a '.', '!' or '?', any closing quotes or
 * brackets after it, then the end or a space and a capital, digit or
 * quote: "3.5", "e.g. the" and "..." inside a sentence do not end it). */
static int
sentence_end(const char *s, size_t i, size_t *next)
{
    size_t j = i + 1;

    if (s[i] != '.' && s[i] != '!' && s[i] != '?')
        return 0;
    while (s[j] == '.' || s[j] == '!' || s[j] == '?')
        j++;
    while (s[j] == '"' || s[j] == '\'' || s[j] == ')' || s[j] == ']' ||
           (unsigned char)s[j] == 0xe2) { /* ” ’ (U+201D, U+2019) are e2 80 9x */
        if ((unsigned char)s[j] == 0xe2) {
            if ((unsigned char)s[j + 1] != 0x80 || s[j + 2] == '\0')
                break;
            j += 3;
        } else {
            j++;
        }
    }
    *next = j;
    if (s[j] == '\0')
        return 1;
    if (!isspace((unsigned char)s[j]))
        return 0;
    while (isspace((unsigned char)s[j]))
        j++;
    return s[j] == '\0' || isupper((unsigned char)s[j]) || isdigit((unsigned char)s[j]) ||
           s[j] == '"' || s[j] == '\'' || (unsigned char)s[j] >= 0x80;
}

size_t
llm_sentence_count(const char *s)
{
    size_t n = 0, i = 0, next;
    int words = 0;

    if (s == NULL)
        return 0;
    while (s[i]) {
        if (!isspace((unsigned char)s[i]) && s[i] != '.')
            words = 1;
        if (sentence_end(s, i, &next)) {
            n += words;
            words = 0;
            i = next;
            continue;
        }
        i++;
    }
    return n + words; /* a last sentence without its full stop counts */
}

/* The letters and digits of s, lower-case, one space between words. */
static char *
fold(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t k = 0;
    int gap = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch >= 0x80) {
            if (gap && k > 0)
                out[k++] = ' ';
            out[k++] = (char)tolower(ch);
            gap = 0;
        } else {
            gap = 1;
        }
    }
    out[k] = '\0';
    return out;
}

/* 1 when the summary is the title said again: its first sentence is the
 * title, or the title with a few words more. */
static int
repeats_title(const char *summary, const char *title)
{
    size_t i = 0, next = 0, end;
    char *ft, *fs;
    int same;

    if (title == NULL || *title == '\0')
        return 0;
    while (summary[i] && !sentence_end(summary, i, &next))
        i++;
    end = summary[i] ? i : strlen(summary);
    ft = fold(title, strlen(title));
    fs = fold(summary, end);
    same = *ft != '\0' &&
           (strcmp(ft, fs) == 0 ||
            (strncmp(fs, ft, strlen(ft)) == 0 &&
             llm_word_count(fs) <= llm_word_count(ft) + 3));
    free(ft);
    free(fs);
    return same;
}

/* Case-insensitive (ASCII) search for needle in hay. */
static int
contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    if (hay == NULL || n == 0)
        return 0;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* The JSON object in an answer: plain, in a ``` fence, or with words
 * around it (from the first '{' to the last '}'). */
static cJSON *
parse_answer(const char *answer)
{
    const char *a, *b;
    cJSON *j;

    if (answer == NULL)
        return NULL;
    if ((j = cJSON_Parse(answer)) != NULL)
        return j;
    a = strchr(answer, '{');
    b = strrchr(answer, '}');
    if (a == NULL || b == NULL || b < a)
        return NULL;
    return cJSON_ParseWithLength(a, (size_t)(b - a + 1));
}

static char *
trimmed(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

const char *
llm_validate(const char *answer, const char *title, const char *text, char **summary,
             char **kind)
{
    cJSON *j = parse_answer(answer), *s, *k, *ents, *e;
    const char *why = NULL;
    char *sum = NULL;
    size_t words, sentences;
    int n = 0;

    *summary = *kind = NULL;
    if (j == NULL)
        return "the answer is not JSON";
    if (!cJSON_IsObject(j)) {
        why = "the answer is not a JSON object";
        goto out;
    }
    s = cJSON_GetObjectItemCaseSensitive(j, "summary");
    if (!cJSON_IsString(s) || s->valuestring == NULL) {
        why = "no summary in the answer";
        goto out;
    }
    sum = trimmed(s->valuestring);
    words = llm_word_count(sum);
    sentences = llm_sentence_count(sum);
    if (words < WORDS_MIN) {
        why = "the summary is shorter than 45 words";
    } else if (words > WORDS_MAX) {
        why = "the summary is longer than 90 words";
    } else if (sentences < SENTENCES_MIN || sentences > SENTENCES_MAX) {
        why = "the summary is not 2-4 sentences";
    } else if (strchr(sum, '<') != NULL && strchr(sum, '>') != NULL) {
        why = "the summary holds markup";
    } else if (repeats_title(sum, title)) {
        why = "the summary repeats the title";
    }
    if (why)
        goto out;
    ents = cJSON_GetObjectItemCaseSensitive(j, "entities");
    if (ents != NULL && !cJSON_IsArray(ents) && !cJSON_IsNull(ents)) {
        why = "entities is not a list";
        goto out;
    }
    cJSON_ArrayForEach(e, ents) {
        const char *name = cJSON_IsString(e) ? e->valuestring
                           : cJSON_IsObject(e)
                               ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name"))
                               : NULL;
        if (name == NULL || *name == '\0') {
            why = "an entity without a name";
            goto out;
        }
        if (++n > ENTITIES_MAX) {
            why = "too many entities";
            goto out;
        }
        if (!contains_ci(title, name) && !contains_ci(text, name)) {
            why = "an entity the text does not name";
            goto out;
        }
    }
    k = cJSON_GetObjectItemCaseSensitive(j, "kind");
    if (cJSON_IsString(k) && k->valuestring && *k->valuestring)
        *kind = xstrdup(k->valuestring);
    *summary = sum;
    sum = NULL;
out:
    free(sum);
    cJSON_Delete(j);
    return why;
}

char *
llm_response_content(const char *body)
{
    cJSON *j = body ? cJSON_Parse(body) : NULL, *c, *m;
    char *out = NULL;

    c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "choices"), 0);
    m = cJSON_GetObjectItemCaseSensitive(c, "message");
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(m, "content")))
        out = xstrdup(cJSON_GetObjectItemCaseSensitive(m, "content")->valuestring);
    cJSON_Delete(j);
    return out;
}
