#include "analyze/kind.h"

#include <string.h>
#include <strings.h>

#include "base/err.h"

static const char *const kind_names[KIND_COUNT] = {
    [KIND_OTHER] = "other",           [KIND_RELEASE] = "release",
    [KIND_RESEARCH] = "research",     [KIND_POLICY] = "policy",
    [KIND_BUSINESS] = "business",     [KIND_SECURITY] = "security",
    [KIND_COMMENTARY] = "commentary", [KIND_DIGEST] = "digest",
    [KIND_TUTORIAL] = "tutorial",
};

const char *
event_kind_name(enum event_kind k)
{
    if ((int)k < 0 || k >= KIND_COUNT)
        return kind_names[KIND_OTHER];
    return kind_names[k];
}

enum event_kind
event_kind_parse(const char *s)
{
    if (s == NULL)
        return KIND_OTHER;
    for (int k = 0; k < KIND_COUNT; k++)
        if (strcasecmp(s, kind_names[k]) == 0)
            return (enum event_kind)k;
    return KIND_OTHER;
}

/* Length in tokens of the cue at t[i], or 0 when it does not start there. */
static size_t
cue_at(const struct tokens *t, size_t i, size_t limit, const char *cue)
{
    const char *p = cue;
    size_t j = i;

    while (*p != '\0') {
        size_t wl = strcspn(p, " ");
        if (j >= limit)
            return 0;
        if (wl == 1 && *p == '#') {
            if (!(t->v[j].flags & TOK_NUM))
                return 0;
        } else if (t->v[j].len != wl || memcmp(tok_str(t, j), p, wl) != 0) {
            return 0;
        }
        j++;
        p += wl;
        while (*p == ' ')
            p++;
    }
    return j - i;
}

size_t
kind_cue(const struct tokens *t, size_t limit, const char *cue)
{
    if (t == NULL || cue == NULL || *cue == '\0')
        return 0;
    if (limit > t->n)
        limit = t->n;
    for (size_t i = 0; i < limit; i++) {
        /* the first byte rules out almost every position */
        if (cue[0] != '#' && tok_str(t, i)[0] != cue[0])
            continue;
        if (cue_at(t, i, limit, cue) > 0)
            return i + 1;
    }
    return 0;
}

static double
money_scale(const char *p, size_t *used)
{
    static const struct {
        const char *w;
        double scale;
    } units[] = {
        { "trillion", 1e12 }, { "billion", 1e9 }, { "million", 1e6 },
        { "tn", 1e12 }, { "bn", 1e9 }, { "mn", 1e6 }, { "mln", 1e6 },
        { "t", 1e12 }, { "b", 1e9 }, { "m", 1e6 },
    };
    size_t sp = 0;

    while (p[sp] == ' ')
        sp++;
    for (size_t i = 0; i < LEN(units); i++) {
        size_t n = strlen(units[i].w);
        char after;
        /* a one-letter unit must touch the number: "$20B", not "$20 b" */
        if (n == 1 && sp > 0)
            continue;
        if (strncasecmp(p + sp, units[i].w, n) != 0)
            continue;
        after = p[sp + n];
        if ((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z'))
            continue;
        *used = sp + n;
        return units[i].scale;
    }
    return 0;
}

/* The currency mark ending at p (exclusive), looking back over one space. */
static int
currency_before(const char *s, const char *p)
{
    if (p > s && p[-1] == ' ')
        p--;
    if (p > s && p[-1] == '$')
        return 1;
    if (p - s >= 2 && (unsigned char)p[-2] == 0xc2 && (unsigned char)p[-1] == 0xa3)
        return 1; /* pound sign */
    if (p - s >= 3 && (unsigned char)p[-3] == 0xe2 && (unsigned char)p[-2] == 0x82 &&
        (unsigned char)p[-1] == 0xac)
        return 1; /* euro sign */
    if (p - s >= 3 && (strncmp(p - 3, "USD", 3) == 0 || strncmp(p - 3, "EUR", 3) == 0 ||
                       strncmp(p - 3, "GBP", 3) == 0))
        return 1;
    return 0;
}

int
kind_money(const char *s, double *largest)
{
    double best = 0;
    int found = 0;

    if (s == NULL)
        return 0;
    for (const char *p = s; *p != '\0'; p++) {
        double v = 0, frac = 0.1, scale;
        size_t used = 0;
        const char *q = p;

        if (*p < '0' || *p > '9' || (p > s && p[-1] >= '0' && p[-1] <= '9'))
            continue;
        if (!currency_before(s, p))
            continue;
        while ((*q >= '0' && *q <= '9') || (*q == ',' && q[1] >= '0' && q[1] <= '9'))
            if (*q++ != ',')
                v = v * 10 + (q[-1] - '0');
        if (*q == '.' && q[1] >= '0' && q[1] <= '9')
            for (q++; *q >= '0' && *q <= '9'; q++, frac /= 10)
                v += (*q - '0') * frac;
        scale = money_scale(q, &used);
        if (scale == 0)
            continue;
        v *= scale;
        if (!found || v > best)
            best = v;
        found = 1;
        p = q + used - 1;
    }
    if (found && largest != NULL)
        *largest = best;
    return found;
}

/*
 * Cue tables. Each entry carries its own static reason, built from the cue
 * text by the macros below, so `why` can quote the very words that fired.
 */
struct cue {
    const char *words;
    const char *why;
    int at_start;   /* only as the title's first words */
};

#define TITLE(w, what) { w, "title says '" w "'" what, 0 }
#define START(w, what) { w, "title starts with '" w "'" what, 1 }

static const struct cue digest_cues[] = {
    START("data points", ": a digest"), START("weekly", ": a digest"),
    START("this week", ": a digest"), START("last week", ": a digest"),
    START("tldr", ": a digest"), START("weeknotes", ": a digest"),
    TITLE("the batch", ": a digest"), TITLE("issue #", ": a digest"),
    TITLE("roundup", ": a digest"), TITLE("round up", ": a digest"),
    TITLE("newsletter", ": a digest"), TITLE("this week in", ": a digest"),
    TITLE("last week in", ": a digest"), TITLE("week in review", ": a digest"),
    TITLE("digest", ""), TITLE("weekly roundup", ": a digest"),
    TITLE("news roundup", ": a digest"), TITLE("tldr", ": a digest"),
};

static const struct cue tutorial_cues[] = {
    TITLE("how to", ": a how-to"), TITLE("tutorial", ""), TITLE("tutorials", ""),
    TITLE("guide to", ": a how-to"), TITLE("a guide", ": a how-to"),
    TITLE("webinar", ": a tutorial"), TITLE("workshop", ": a tutorial"),
    TITLE("getting started", ": a tutorial"), TITLE("get started", ": a tutorial"),
    TITLE("cookbook", ": a tutorial"), TITLE("changelog", ": a routine update"),
    TITLE("release notes", ": a routine update"), TITLE("customer story", ": a case study"),
    TITLE("customer stories", ": a case study"), TITLE("case study", ""),
    TITLE("step by step", ": a tutorial"), TITLE("walkthrough", ": a tutorial"),
    TITLE("quickstart", ": a tutorial"), TITLE("best practices", ": a tutorial"),
    TITLE("office hours", ": a tutorial"),
};

static const struct cue opinion_cues[] = {
    TITLE("op ed", ": an opinion piece"), TITLE("oped", ": an opinion piece"),
    TITLE("opinion", ": an opinion piece"), TITLE("essay", ": an opinion piece"),
    TITLE("editorial", ": an opinion piece"), TITLE("why", ": an argument"),
    TITLE("the case for", ": an argument"), TITLE("the case against", ": an argument"),
    TITLE("in defense of", ": an argument"), TITLE("in defence of", ": an argument"),
};

static const struct cue policy_cues[] = {
    TITLE("export controls", ": a government action"),
    TITLE("export control", ": a government action"),
    TITLE("export ban", ": a government action"),
    TITLE("executive order", ": a government action"),
    TITLE("action summit", ": a government summit"), TITLE("safety summit", ": a government summit"),
    TITLE("impact summit", ": a government summit"),
    TITLE("regulation", ": policy"), TITLE("regulations", ": policy"),
    TITLE("regulators", ": policy"), TITLE("regulator", ": policy"),
    TITLE("legislation", ": policy"), TITLE("lawmakers", ": policy"),
    TITLE("law", ": policy"), TITLE("lawsuit", ": a legal action"),
    TITLE("lawsuits", ": a legal action"), TITLE("court", ": a legal action"),
    TITLE("sues", ": a legal action"), TITLE("sued", ": a legal action"),
    TITLE("ruling", ": a legal action"), TITLE("antitrust", ": a legal action"),
    TITLE("ban", ": a government action"), TITLE("bans", ": a government action"),
    TITLE("banned", ": a government action"), TITLE("banning", ": a government action"),
    TITLE("sanctions", ": a government action"),
};

/* Verbs that make a government entity in the title a policy action. */
static const struct cue policy_verbs[] = {
    TITLE("imposes", " about a government body"), TITLE("orders", " about a government body"),
    TITLE("ordered", " about a government body"), TITLE("restricts", " about a government body"),
    TITLE("fines", " about a government body"), TITLE("fined", " about a government body"),
    TITLE("blocks", " about a government body"), TITLE("signs", " about a government body"),
    TITLE("signed", " about a government body"), TITLE("passes", " about a government body"),
    TITLE("passed", " about a government body"), TITLE("approves", " about a government body"),
    TITLE("proposes", " about a government body"), TITLE("probes", " about a government body"),
    TITLE("investigates", " about a government body"),
    TITLE("investigation", " about a government body"),
    TITLE("rules", " about a government body"), TITLE("requires", " about a government body"),
    TITLE("charges", " about a government body"), TITLE("adopts", " about a government body"),
};

static const struct cue security_cues[] = {
    TITLE("vulnerability", ": security"), TITLE("vulnerabilities", ": security"),
    TITLE("exploit", ": security"), TITLE("exploits", ": security"),
    TITLE("exploited", ": security"), TITLE("zero day", ": security"),
    TITLE("breach", ": security"), TITLE("breached", ": security"),
    TITLE("jailbreak", ": security"), TITLE("jailbreaks", ": security"),
    TITLE("malware", ": security"), TITLE("ransomware", ": security"),
    TITLE("cyberattack", ": security"), TITLE("cyberattacks", ": security"),
    TITLE("cve", ": security"), TITLE("red team", ": security"),
    TITLE("red teaming", ": security"), TITLE("backdoor", ": security"),
    TITLE("phishing", ": security"), TITLE("prompt injection", ": security"),
    TITLE("hacked", ": security"), TITLE("hackers", ": security"),
    TITLE("data leak", ": security"),
};

/* Research cues strong enough to beat a commentary cue in the same title
 * ("Early lessons from evaluating frontier AI systems"). */
static const struct cue research_first_cues[] = {
    TITLE("evaluating", ": research"), TITLE("evaluation of", ": research"),
    TITLE("we evaluated", ": research"), TITLE("red teaming", ": research"),
};

/* "How Acme uses LangGraph to ...", "How X built Y": a customer story (or
 * an explainer); either way, routine. */
static int
customer_story(const struct tokens *t)
{
    static const char *const verbs[] = {
        "uses", "used", "using", "built", "builds", "launched", "scaled", "scales",
        "deployed", "deploys", "cut", "cuts", "saves", "saved", "automates", "powers",
    };
    size_t n = t ? (t->n < 14 ? t->n : 14) : 0;

    if (n < 3 || strcmp(tok_str(t, 0), "how") != 0)
        return 0;
    /* "How Captide ...", "How Remote ...": a customer's name follows */
    if ((t->v[1].flags & TOK_CAP) && !(t->v[1].flags & TOK_ALLCAPS && t->v[1].len <= 3))
        return 1;
    for (size_t i = 2; i < n; i++)
        for (size_t k = 0; k < LEN(verbs); k++)
            if (strcmp(tok_str(t, i), verbs[k]) == 0)
                return 1;
    return 0;
}

static const struct cue commentary_cues[] = {
    TITLE("commentary", ""), TITLE("analysis of", ": commentary"),
    TITLE("an analysis", ": commentary"), TITLE("position on", ": commentary"),
    TITLE("thoughts on", ": commentary"), TITLE("reflections on", ": commentary"),
    TITLE("my take", ": commentary"), TITLE("perspective", ": commentary"),
    TITLE("lessons from", ": commentary"),
};

#define RV(w) TITLE(w, " and names a model or product")
static const struct cue release_cues[] = {
    RV("releases"), RV("released"), RV("releasing"), RV("launches"),
    RV("launched"), RV("launching"), RV("introduces"), RV("introduced"),
    RV("introducing"), RV("announces"), RV("announced"), RV("announcing"), RV("unveils"),
    RV("unveiled"), RV("debuts"), RV("ships"), RV("rolls out"), RV("available"),
    RV("open sources"), RV("open sourced"), RV("now in preview"), RV("to release"),
    RV("to launch"),
};

static const struct cue business_cues[] = {
    TITLE("raises", ": business"), TITLE("raised", ": business"),
    TITLE("funding", ": business"), TITLE("valuation", ": business"),
    TITLE("valued", ": business"), TITLE("acquisition", ": business"),
    TITLE("acquires", ": business"), TITLE("acquired", ": business"),
    TITLE("acquire", ": business"), TITLE("merger", ": business"),
    TITLE("partnership", ": business"), TITLE("partners with", ": business"),
    TITLE("deal", ": business"), TITLE("ipo", ": business"), TITLE("revenue", ": business"),
    TITLE("data center", ": business"), TITLE("data centers", ": business"),
    TITLE("datacenter", ": business"), TITLE("investment", ": business"),
    TITLE("invests", ": business"), TITLE("stake", ": business"),
    TITLE("layoffs", ": business"), TITLE("earnings", ": business"),
};

static const struct cue research_cues[] = {
    TITLE("paper", ": research"), TITLE("papers", ": research"),
    TITLE("study", ": research"), TITLE("studies", ": research"),
    TITLE("benchmark", ": research"), TITLE("benchmarks", ": research"),
    TITLE("evaluation", ": research"), TITLE("evaluations", ": research"),
    TITLE("we find", ": research"), TITLE("results", ": research"),
    TITLE("arxiv", ": research"), TITLE("researchers", ": research"),
    TITLE("preprint", ": research"), TITLE("dataset", ": research"),
    TITLE("findings", ": research"),
};

/* Body words of an argument, for newsletters and the body vote. */
static const char *const argue_words[] = {
    "argues", "argue", "arguing", "argument", "critique", "critiques", "critiquing",
    "critical of", "commentary", "opinion", "op ed", "essay", "editorial", "i think",
    "i believe", "in my view", "we should", "i argue", "we argue", "my take",
    "challenge narratives", "challenges the", "makes a case", "make the case",
    "the case for", "the case against", "reflects on", "contends",
};

static const char *const body_security[] = {
    "vulnerability", "vulnerabilities", "exploit", "exploits", "exploited", "zero day",
    "breach", "jailbreak", "malware", "ransomware", "cyberattack", "cve", "red team",
    "attackers", "backdoor", "phishing", "prompt injection", "patched", "hackers",
};
static const char *const body_policy[] = {
    "export controls", "export control", "executive order", "regulation", "regulations",
    "regulatory", "regulators", "legislation", "law", "lawmakers", "lawsuit",
    "court", "judge", "ruling", "ban", "banned", "government", "senate", "congress",
    "parliament", "ministry", "commission", "sanctions", "compliance",
};
static const char *const body_release[] = {
    "releases", "released", "launches", "launched", "introduces", "introduced",
    "introducing", "announces", "announced", "unveils", "unveiled", "available",
    "open sourced", "open weights", "model card", "now available", "rolls out",
};
static const char *const body_business[] = {
    "raises", "raised", "funding", "valuation", "acquisition", "acquires", "acquired",
    "partnership", "deal", "ipo", "revenue", "data center", "investment", "investors",
    "equity", "stake", "series a", "series b", "series c",
};
static const char *const body_research[] = {
    "paper", "study", "benchmark", "evaluation", "we find", "we show", "results",
    "arxiv", "researchers", "dataset", "experiments", "findings", "preprint",
};

/* The first cue of the table in the title, honouring at_start. */
static const struct cue *
title_cue(const struct tokens *t, const struct cue *cues, size_t n)
{
    size_t limit;

    if (t == NULL || t->n == 0)
        return NULL;
    limit = t->n < KIND_TITLE_WORDS ? t->n : KIND_TITLE_WORDS;
    for (size_t i = 0; i < n; i++) {
        if (cues[i].at_start) {
            if (cue_at(t, 0, limit, cues[i].words) > 0)
                return &cues[i];
        } else if (kind_cue(t, limit, cues[i].words) > 0) {
            return &cues[i];
        }
    }
    return NULL;
}

/* How many distinct words of the list occur in the first KIND_BODY_WORDS of t. */
static int
count_words(const struct tokens *t, const char *const *words, size_t n)
{
    int c = 0;

    for (size_t i = 0; i < n; i++)
        if (kind_cue(t, KIND_BODY_WORDS, words[i]) > 0)
            c++;
    return c;
}

static int
kind_is(const struct entity_hit *h, const char *k)
{
    return h->kind != NULL && strcmp(h->kind, k) == 0;
}

static int
is_model(const struct entity_hit *h)
{
    return kind_is(h, "model") || kind_is(h, "product");
}

static int
is_org(const struct entity_hit *h)
{
    return kind_is(h, "lab") || kind_is(h, "company") || kind_is(h, "research-org");
}

static int
is_law(const struct entity_hit *h)
{
    return kind_is(h, "law") || kind_is(h, "court") || kind_is(h, "policy");
}

static int
is_government(const struct entity_hit *h)
{
    return kind_is(h, "government") || kind_is(h, "agency") || is_law(h);
}

static int
title_has(const struct entity_hit *hits, size_t n, int (*pred)(const struct entity_hit *))
{
    for (size_t i = 0; i < n; i++)
        if (hits[i].in_title && pred(&hits[i]))
            return 1;
    return 0;
}

static int
source_is(const struct analysis_input *in, const char *k)
{
    return in != NULL && in->source_kind != NULL && strcasecmp(in->source_kind, k) == 0;
}

#define SET_WHY(s) do { if (why != NULL) *why = (s); } while (0)

static enum event_kind
body_vote(const struct analysis_input *in, const struct tokens *body,
          const struct entity_hit *hits, size_t nhits, const char **why)
{
    static const enum event_kind order[] = {
        KIND_SECURITY, KIND_POLICY, KIND_RELEASE, KIND_BUSINESS, KIND_RESEARCH,
        KIND_COMMENTARY,
    };
    static const char *const whys[KIND_COUNT] = {
        [KIND_SECURITY] = "body reads like security news (vulnerability, exploit, ...)",
        [KIND_POLICY] = "body reads like policy news (regulation, court, government, ...)",
        [KIND_RELEASE] = "body reads like a release (launches, available, model named)",
        [KIND_BUSINESS] = "body reads like business news (funding, deal, money)",
        [KIND_RESEARCH] = "body reads like research (paper, benchmark, results)",
        [KIND_COMMENTARY] = "body argues a point (argues, opinion, I think)",
    };
    int votes[KIND_COUNT] = { 0 }, gov = 0, model = 0, best = 0;
    enum event_kind winner = KIND_OTHER;

    votes[KIND_SECURITY] = count_words(body, body_security, LEN(body_security));
    votes[KIND_POLICY] = count_words(body, body_policy, LEN(body_policy));
    votes[KIND_RELEASE] = count_words(body, body_release, LEN(body_release));
    votes[KIND_BUSINESS] = count_words(body, body_business, LEN(body_business));
    votes[KIND_RESEARCH] = count_words(body, body_research, LEN(body_research));
    votes[KIND_COMMENTARY] = count_words(body, argue_words, LEN(argue_words));
    for (size_t i = 0; i < nhits; i++) {
        gov += is_government(&hits[i]);
        model += is_model(&hits[i]);
    }
    votes[KIND_POLICY] += gov > 2 ? 2 : gov;
    if (votes[KIND_RELEASE] > 0 && model > 0)
        votes[KIND_RELEASE]++;
    if (kind_money(in ? in->text : NULL, NULL))
        votes[KIND_BUSINESS]++;
    if (source_is(in, "policy"))
        votes[KIND_POLICY]++;
    if (source_is(in, "research"))
        votes[KIND_RESEARCH]++;
    if (source_is(in, "newsletter") || source_is(in, "commentary"))
        votes[KIND_COMMENTARY]++;
    for (size_t i = 0; i < LEN(order); i++) {
        if (votes[order[i]] > best) {
            best = votes[order[i]];
            winner = order[i];
        }
    }
    if (best < 2) {
        SET_WHY("no rule matched");
        return KIND_OTHER;
    }
    SET_WHY(whys[winner]);
    return winner;
}

/*
 * "Gemini Flash Gets Pricey, AI Act Delays, Agents Drive Online Traffic": a
 * title that strings three or more stories together with commas or
 * semicolons. A list ending in "and" or "or" names things of one story
 * ("Gemini 3.6 Flash, 3.5 Flash-Lite, and 3.5 Flash Cyber").
 */
static int
lists_stories(const char *title)
{
    int seps = 0, semis = 0;

    if (title == NULL)
        return 0;
    for (const char *p = title; *p != '\0'; p++) {
        if ((*p != ',' && *p != ';') || p[1] != ' ')
            continue;
        if (strncmp(p + 2, "and ", 4) == 0 || strncmp(p + 2, "or ", 3) == 0)
            return 0;
        seps++;
        semis += *p == ';';
    }
    return seps >= 2 || semis >= 1;
}

enum event_kind
kind_classify(const struct analysis_input *in, const struct tokens *title,
              const struct tokens *body, const struct entity_hit *hits, size_t nhits,
              const char **why)
{
    const struct cue *c;

    if (hits == NULL)
        nhits = 0;
    if ((c = title_cue(title, digest_cues, LEN(digest_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_DIGEST;
    }
    if (lists_stories(in ? in->title : NULL)) {
        SET_WHY("title lists several stories: a digest");
        return KIND_DIGEST;
    }
    if ((c = title_cue(title, tutorial_cues, LEN(tutorial_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_TUTORIAL;
    }
    if (customer_story(title)) {
        SET_WHY("title reads 'How X uses/built ...': a customer story");
        return KIND_TUTORIAL;
    }
    if ((c = title_cue(title, opinion_cues, LEN(opinion_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_COMMENTARY;
    }
    if ((c = title_cue(title, policy_cues, LEN(policy_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_POLICY;
    }
    if ((title_has(hits, nhits, is_government) || source_is(in, "policy")) &&
        (c = title_cue(title, policy_verbs, LEN(policy_verbs))) != NULL) {
        SET_WHY(c->why);
        return KIND_POLICY;
    }
    if (title_has(hits, nhits, is_law)) {
        SET_WHY("title names a law, policy or court case");
        return KIND_POLICY;
    }
    if ((c = title_cue(title, security_cues, LEN(security_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_SECURITY;
    }
    if ((c = title_cue(title, research_first_cues, LEN(research_first_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_RESEARCH;
    }
    if ((c = title_cue(title, commentary_cues, LEN(commentary_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_COMMENTARY;
    }
    c = title_cue(title, release_cues, LEN(release_cues));
    if (c != NULL && title_has(hits, nhits, is_model)) {
        SET_WHY(c->why);
        return KIND_RELEASE;
    }
    if (kind_money(in ? in->title : NULL, NULL)) {
        SET_WHY("title names an amount in the millions or more: business");
        return KIND_BUSINESS;
    }
    if ((c = title_cue(title, business_cues, LEN(business_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_BUSINESS;
    }
    if ((c = title_cue(title, research_cues, LEN(research_cues))) != NULL) {
        SET_WHY(c->why);
        return KIND_RESEARCH;
    }
    if (title_cue(title, release_cues, LEN(release_cues)) != NULL) {
        if (title_has(hits, nhits, is_org)) {
            SET_WHY("title has a release verb and names a lab or company");
            return KIND_RELEASE;
        }
        if (source_is(in, "lab") || source_is(in, "company")) {
            SET_WHY("title has a release verb and the source is a lab or company");
            return KIND_RELEASE;
        }
    }
    if ((source_is(in, "newsletter") || source_is(in, "commentary")) &&
        count_words(body, argue_words, LEN(argue_words)) > 0) {
        SET_WHY("a newsletter whose body argues a point");
        return KIND_COMMENTARY;
    }
    return body_vote(in, body, hits, nhits, why);
}
