/*
 * llm.h - summaries written by a language model, when the configuration has
 * an [llm] section (struct llm_conf): an OpenAI-compatible chat completions
 * API (llama.cpp's server, Ollama, vLLM, ...) is asked, for each event whose
 * item has text enough, for a JSON object {summary, kind, entities} under a
 * JSON schema. The answer is checked (llm_validate) and, when it holds,
 * shown as the event's summary with the model's name; otherwise the
 * extractive summary analysis wrote stays. Every answer is kept in the
 * store by the hash of the prompt's version, the model and the text sent,
 * so an unchanged item is never sent twice. Requests are rate-limited
 * (llm_conf.rate a minute), have a timeout, and a circuit breaker stops
 * them for llm_conf.cooldown seconds after llm_conf.failures failures in a
 * row (a 429's Retry-After pauses them too). A failure never fails the
 * run: it is counted and logged (logfmt, on stderr), never with the key.
 */
#ifndef ALMANAC_LLM_H
#define ALMANAC_LLM_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/config.h"
#include "store/store.h"

/* The version of the prompt and the checks: part of the cache's key. */
#define LLM_PROMPT_VERSION "almanac-summary-1"
/* At most this much of an item's text is sent (cut at a UTF-8 boundary). */
#define LLM_TEXT_MAX 8000
/* Items with less text than this (bytes) are not sent. */
#define LLM_TEXT_MIN 300

/* What a summarize run did. */
struct llm_stats {
    int candidates;     /* events with text and no model summary */
    int cached;         /* a kept valid answer applied without a request */
    int cached_rejected;/* a kept rejected answer: not asked again */
    int sent;           /* requests made */
    int written;        /* new valid answers shown */
    int rejected;       /* answers that failed the checks */
    int failed;         /* requests that failed (transport, HTTP, no answer) */
    int skipped;        /* not asked: the run's limit, an open circuit, a pause */
    int kind_same, kind_other; /* the model's kind against the fitted one */
};

struct llm_client;

/* A client for conf (borrowed; it must outlive the client). user_agent may
 * be NULL; allow_local_all as ALMANAC_ALLOW_LOCAL=1. NULL when conf is not
 * enabled. The circuit breaker's state lives as long as the client. */
struct llm_client *llm_client_new(const struct llm_conf *conf, const char *user_agent,
                                  int allow_local_all);
void llm_client_free(struct llm_client *c);

/*
 * Gives every event without a model summary the kept answer for its text,
 * and asks the model for at most limit (< 0: conf->per_run) others,
 * newest first. ALM_OK (failed requests included: see stats), or the
 * store's error. log: where the log lines go (NULL: nowhere).
 */
int llm_summarize(struct llm_client *c, struct store *st, int limit, time_t now,
                  FILE *log, struct llm_stats *stats);

/*
 * The checks of a model's answer (the JSON text of the message's content,
 * plain or in a ``` fence) against the title and text it was given:
 * a JSON object whose "summary" is 2-4 sentences and 45-90 words, not the
 * title said again, and whose "entities" (strings, or objects with a
 * "name") each appear in the title or text (case-insensitive). NULL when
 * it holds, with *summary (malloc'd, trimmed) and *kind (malloc'd, or NULL
 * when none is given); else the reason, and both NULL.
 */
const char *llm_validate(const char *answer, const char *title, const char *text,
                         char **summary, char **kind);

/* The message content of a chat completions response body
 * (choices[0].message.content), malloc'd, or NULL. */
char *llm_response_content(const char *body);

/* Words and sentences of s, as llm_validate counts them. */
size_t llm_word_count(const char *s);
size_t llm_sentence_count(const char *s);

#endif
