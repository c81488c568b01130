/* Fuzz driver: the checks of a language model's answer (llm/validate.c).
 * The input, up to its first NUL, is both a chat completions response body
 * and an answer; the text after the NUL (if any) is the item's text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *summary = NULL, *kind = NULL, *content;
    size_t n;
    const char *text;

    memcpy(s, data, size);
    s[size] = '\0';
    n = strlen(s);
    text = n < size ? s + n + 1 : "Orbital Labs released Quill-7.";
    content = llm_response_content(s);
    llm_validate(s, "Orbital Labs releases Quill-7", text, &summary, &kind);
    free(summary);
    free(kind);
    if (content) {
        llm_validate(content, "", text, &summary, &kind);
        free(summary);
        free(kind);
    }
    (void)llm_word_count(s);
    (void)llm_sentence_count(s);
    free(content);
    free(s);
    return 0;
}
