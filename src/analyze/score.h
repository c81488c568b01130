/*
 * score.h - an event's importance, 1-10, as an explainable sum.
 *
 * score_event() adds up components and clamps the total to 1..10. Every
 * component that contributes appends a struct reason (points and text), so
 * the reasons always sum to the value:
 *
 *   kind        release, policy, security +4; business, research, digest +3;
 *               commentary +3; tutorial, other +1.
 *   tier        tier 1 +1, tier 2 0, tier 3 -1.
 *   entities    the most salient hit: +1 for salience 5, +1 more when the
 *               title names it with salience 4-5; the second: +1 when the
 *               title names it with salience 4-5. At most +3 (digest +2,
 *               commentary and tutorial +1: they discuss rather than act).
 *   magnitude   money: $100 million or more +1, billions +2; "export
 *               controls", "ban", "lawsuit", "executive order", "first",
 *               "frontier", an open-weights release, "model card",
 *               "consortium", ten or more organisations (or four named).
 *               Each +1, in that order, at most +2 (commentary and digest +1).
 *   topic       +1 when a non-policy item is about public policy (ban,
 *               regulation, government, law, court).
 *   corroboration  story_sources 2-3 +1, 4+ +2; two or more tiers +1.
 *   caps        a story only one source carries: at most 9; a tutorial is
 *               routine: at most 3. The clamp to 1..10 is a reason too.
 *
 * The title and body tokens must be those of in->title and in->text; hits come
 * from entities_match() (sorted, most salient first). out is initialized by
 * score_event() and released with score_fini() (model.h).
 */
#ifndef ALMANAC_SCORE_H
#define ALMANAC_SCORE_H

#include "analyze/model.h"
#include "analyze/text.h"
#include "base/buf.h"

#define SCORE_MIN 1
#define SCORE_MAX 10

/* story_tiers_mask: bit (1 << tier) for each tier that covered the story. */
void score_event(const struct analysis_input *in, enum event_kind kind,
                 const struct entity_hit *hits, size_t nhits, const struct tokens *title,
                 const struct tokens *body, int story_sources, int story_tiers_mask,
                 struct score *out);

/* Appends one line per reason, "+3  kind: release", to out. ALM_OK or ALM_ETOOBIG. */
int score_format(const struct score *s, struct buf *out);

#endif
