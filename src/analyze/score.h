/*
 * score.h - an event's importance, 1-10, as an explainable sum.
 *
 * The score comes from the fitted importance model (judge.h): a sum of named
 * contributions on the 1-10 scale (baseline, kind, about AI, source,
 * entities, words, magnitude, text, coverage), rounded and kept within
 * 1..10. Each contribution is a struct reason (model.h), and so is the
 * rounding, so the reasons always sum to the value. This header holds what
 * the CLI and the store share of a score.
 */
#ifndef ALMANAC_SCORE_H
#define ALMANAC_SCORE_H

#include "analyze/model.h"
#include "base/buf.h"

#define SCORE_MIN 1
#define SCORE_MAX 10

/* Appends one line per reason, "+1.25  kind: release", to out. ALM_OK or ALM_ETOOBIG. */
int score_format(const struct score *s, struct buf *out);

#endif
