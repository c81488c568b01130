/*
 * kind.h - what sort of event an item is: release, policy, digest, ...
 *
 * kind_classify() applies ordered rules; the first that fires decides, and
 * its static reason string is handed back. Title rules come first because a
 * title says what the item is about, while a body mentions everything:
 *
 *  1. digest      title: "Data Points:", "The Batch", "Issue #N", "Weekly ...",
 *                 "roundup", "newsletter", "this/last week in", "TLDR", "digest";
 *                 or a title stringing 3+ stories with commas or semicolons
 *                 ("Gemini Gets Pricey, AI Act Delays, Agents Drive Traffic").
 *  2. tutorial    title: "how to", "tutorial", "guide to", "webinar", "workshop",
 *                 "getting started", "cookbook", "changelog", "release notes",
 *                 "customer story", "case study".
 *  3. commentary  title names its form: "op-ed", "opinion", "essay", "editorial",
 *                 "why", "the case for/against", "in defense of". An opinion piece
 *                 about a release or a ban is still an opinion piece.
 *  4. policy      title names a binding action: "export controls", "executive
 *                 order", "regulation", "lawsuit", "court", "law", "ban", ...;
 *                 or a government, agency, court or law entity in the title with
 *                 an action verb ("imposes", "passes", "fines", ...); or a law,
 *                 policy or court-case entity in the title. This
 *                 beats a "commentary" label: "commentary on export controls" is
 *                 news about export controls.
 *  5. security    title: vulnerability, exploit, zero-day, breach, jailbreak,
 *                 malware, cyberattack, CVE, red team, ransomware, backdoor, ...
 *  6. commentary  title says "commentary", "analysis of", "thoughts on", "position on", ...
 *  7. release     title has a release verb (releases, launches, introduces,
 *                 announces, unveils, available, open-sources, ...; not the nouns
 *                 "release" and "launch") and names a model or product entity.
 *  8. business    title: raises, funding, valuation, acquires, partnership, deal,
 *                 IPO, revenue, data center, investment, or a $ amount in the
 *                 millions or billions.
 *  9. research    title: paper, study, benchmark, evaluation, we find, results, arXiv.
 * 10. release     title has a release verb and names a lab or company, or the
 *                 source is a lab or company.
 * 11. commentary  the source is a newsletter (or commentary) and the body argues:
 *                 "argues", "critique", "I think", "in my view", "op-ed", ...
 * 12. body        the first KIND_BODY_WORDS words of the body vote: each distinct
 *                 cue of security, policy, release, business, research or
 *                 commentary is a point, plus points for policy entities, named
 *                 models next to release verbs, money, and the source kind. The
 *                 best category with 2+ points wins (ties in that order).
 * 13. other.
 *
 * The title and body tokens must come from in->title and in->text (the money
 * check reads the raw text). Everything is borrowed; nothing is allocated.
 */
#ifndef ALMANAC_KIND_H
#define ALMANAC_KIND_H

#include <stddef.h>

#include "analyze/model.h"
#include "analyze/text.h"

#define KIND_TITLE_WORDS 64   /* a longer "title" is read this far */
#define KIND_BODY_WORDS 400

/*
 * The kind of one item. hits are the item's entities (entities_match).
 * *why (when why is not NULL) gets a short static reason, e.g.
 * "title says 'releases' and names a model or product".
 */
enum event_kind kind_classify(const struct analysis_input *in, const struct tokens *title,
                              const struct tokens *body, const struct entity_hit *hits,
                              size_t nhits, const char **why);

/*
 * Where the cue first occurs in t[0..limit): its token index + 1, or 0 when
 * absent. A cue is folded words separated by single spaces ("export controls");
 * the word "#" matches any number ("issue #"). t may be NULL.
 */
size_t kind_cue(const struct tokens *t, size_t limit, const char *cue);

/*
 * Money in raw text: "$100 million", "$20B+", "EUR 1.5 billion", "£2bn".
 * Returns 1 and the largest amount (in units, not converted between
 * currencies) when some amount reaches a million; 0 otherwise. s may be NULL.
 */
int kind_money(const char *s, double *largest);

#endif
