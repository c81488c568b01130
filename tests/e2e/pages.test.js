'use strict';
/*
 * pages.test.js - the site as a reader uses it, in headless Chromium, on
 * the bundled snapshot: the events list, an event page laid out as
 * shared/seed/almanac-event-page.txt, a related event, a guide, a thread
 * guide's milestones, the
 * search box, the other pages; no console or page error and no request to
 * another host anywhere; screenshots at desktop and phone widths, light
 * and dark, checked for horizontal overflow and text contrast.
 *
 *   ALMANAC=/abs/almanac node --test --test-reporter=tap tests/e2e/
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib.js');

const VARIANTS = [
    { name: 'desktop-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
    { name: 'desktop-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
    { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light',
      isMobile: true },
    { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark',
      isMobile: true },
];
const SHOT_MAX_HEIGHT = 2400;   /* a screenshot shows the page's top, at most this tall */

let server, browser, ctx, log, page;
let visited = 0;
const found = { event: null, related: null, guide: null, source: null, entity: null,
                story: null, path: null };

before(async () => {
    const dir = lib.tmpdir('almanac-e2e-');
    lib.almanac(['--db', path.join(dir, 'db'), 'ingest', '--snapshot'], { timeout: 150000 });
    server = await lib.serve(['--db', path.join(dir, 'db')]);
    browser = await lib.launch();
    ({ ctx, log } = await lib.open_context(browser, server.origin));
    page = await ctx.newPage();
    fs.mkdirSync(lib.SHOTS, { recursive: true });
});

after(async () => {
    if (browser)
        await browser.close();
    if (server)
        await server.stop();
});

/* Navigates and checks the answer is a 200 HTML page. */
async function visit(p, url) {
    const resp = await p.goto(new URL(url, server.url).href, { waitUntil: 'load' });
    assert.ok(resp, `no response for ${url}`);
    assert.equal(resp.status(), 200, `${url} answered ${resp.status()}`);
    assert.match(resp.headers()['content-type'] || '', /^text\/html/);
    visited++;
    return resp;
}

/* Clicks a link and waits for the page it leads to; returns the new path. */
async function follow(link) {
    const [resp] = await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        link.click(),
    ]);
    assert.ok(resp, 'the click led nowhere');
    assert.equal(resp.status(), 200, `${page.url()} answered ${resp.status()}`);
    visited++;
    return new URL(page.url()).pathname;
}

test('the events list shows events with titles, scores, sources and ages', async () => {
    await visit(page, '/');
    await assert.doesNotReject(page.locator('h1', { hasText: 'Events' }).first().waitFor());
    const rows = page.locator('main article.event');
    const n = await rows.count();
    assert.ok(n >= 10, `only ${n} events on the list`);
    for (let i = 0; i < 3; i++) {
        const row = rows.nth(i);
        assert.match(await row.locator('a[href^="/events/"]').first().innerText(), /\S/);
        assert.match(await row.locator('.score').first().innerText(), /\d/);
        assert.match(await row.locator('a[href^="/sources/"]').first().innerText(), /\S/);
        assert.match(await row.locator('time').first().innerText(), /ago|now|\d/);
    }
    assert.equal(lib.problems(log), '');
});

test('an event title on the list opens its event page', async () => {
    await visit(page, '/');
    const link = page.locator('main article.event a[href^="/events/"]').first();
    const title = (await link.innerText()).trim();
    const where = await follow(link);
    assert.match(where, /^\/events\/\d+-[a-z0-9-]+$/);
    assert.equal((await page.locator('main h1').innerText()).trim(), title);
    assert.equal(lib.problems(log), '');
});

test('the search box in the header submits and lists matching events', async () => {
    await visit(page, '/top');
    const box = page.locator('header form[role="search"] input[name="q"]');
    await box.fill('Claude Mythos');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), box.press('Enter')]);
    visited++;
    const u = new URL(page.url());
    assert.equal(u.pathname, '/search');
    assert.equal(u.searchParams.get('q'), 'Claude Mythos');
    const hits = page.locator('main a[href^="/events/"]');
    assert.ok(await hits.count() >= 1, 'no result for "Claude Mythos"');
    assert.match(await hits.first().innerText(), /mythos|claude/i);
    assert.equal(lib.problems(log), '');
});

test('the search page form submits with its button', async () => {
    await visit(page, '/search');
    const form = page.locator('main form[role="search"]');
    await form.locator('input[name="q"]').fill('export controls');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                       form.locator('button[type="submit"]').click()]);
    visited++;
    assert.equal(new URL(page.url()).searchParams.get('q'), 'export controls');
    assert.equal(await page.locator('main input[name="q"]').inputValue(), 'export controls');
    assert.match(await page.locator('main').innerText(), /\d+ results? for/);
    assert.equal(lib.problems(log), '');
});

/* The seed's parts of an event page, in the order they must appear. */
async function event_parts(p) {
    return p.evaluate(() => {
        const main = document.querySelector('main');
        const all = (sel) => Array.from(main.querySelectorAll(sel));
        const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
        const h1 = main.querySelector('h1');
        const heading = (re) => all('h2, h3').find((h) => re.test(text(h)));
        const guides = heading(/^Related guides \(\d+\)$/);
        const related = heading(/^Related events \(\d+\)$/);
        let summary = h1 ? h1.nextElementSibling : null;
        while (summary && (summary.tagName !== 'P' || text(summary).length < 20))
            summary = summary.nextElementSibling;
        const parts = {
            back: all('a').find((a) => text(a) === '← Events'),
            score: h1 ? all('.score').find((s) => s.compareDocumentPosition(h1) & 4) : null,
            source: all('a[href^="/sources/"]')[0],
            age: all('time')[0],
            title: h1,
            summary,
            out: all('a').find((a) => text(a) === 'source ↗'),
            guides,
            related,
        };
        const out = { order: [], missing: [], hidden: [], info: {} };
        for (const [k, el] of Object.entries(parts)) {
            if (!el) {
                out.missing.push(k);
                continue;
            }
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0)
                out.hidden.push(k);
            out.order.push({ k, top: r.top + scrollY, left: r.left, text: text(el).slice(0, 80) });
        }
        /* Document order: each part follows the one before it. */
        const els = Object.values(parts).filter(Boolean);
        out.docorder = els.every((el, i) => i === 0 ||
            (els[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
        const count = (h, sel) => (h ? h.closest('section') || h.parentElement : null)
            ?.querySelectorAll(sel).length;
        out.info = {
            guides_said: guides ? +/\((\d+)\)/.exec(text(guides))[1] : null,
            guides_links: count(guides, 'a[href^="/guides/"]'),
            related_said: related ? +/\((\d+)\)/.exec(text(related))[1] : null,
            related_links: count(related, 'h2 a[href^="/events/"], h3 a[href^="/events/"]'),
            out_href: parts.out ? parts.out.getAttribute('href') : null,
            score: text(parts.score),
            age: text(parts.age),
        };
        return out;
    });
}

test('an event page has the seed\'s parts in the seed\'s order', async (t) => {
    /* The first search result for a well-covered story that has both
     * related guides and related events. */
    await visit(page, '/search?q=Claude+Mythos');
    const hrefs = await page.locator('main a[href^="/events/"]').evaluateAll(
        (as) => as.map((a) => a.getAttribute('href')).slice(0, 8));
    let parts = null;
    for (const h of hrefs) {
        await visit(page, h);
        parts = await event_parts(page);
        if (parts.info.guides_said > 0 && parts.info.related_said > 0) {
            found.event = h;
            break;
        }
    }
    assert.ok(found.event, `none of ${hrefs.length} results has related guides and events`);
    assert.deepEqual(parts.missing, [], `missing parts: ${parts.missing.join(', ')}`);
    assert.deepEqual(parts.hidden, [], `parts not shown: ${parts.hidden.join(', ')}`);
    assert.ok(parts.docorder, 'the parts are not in the seed\'s order in the document: ' +
              parts.order.map((o) => o.k).join(' '));
    /* On screen too: each part below (or, on the meta line, right of) the last. */
    for (let i = 1; i < parts.order.length; i++) {
        const a = parts.order[i - 1], b = parts.order[i];
        const ok = b.top > a.top + 2 || (Math.abs(b.top - a.top) <= 12 && b.left > a.left);
        assert.ok(ok, `${b.k} (${Math.round(b.left)},${Math.round(b.top)}) is not after ` +
                  `${a.k} (${Math.round(a.left)},${Math.round(a.top)})`);
    }
    const info = parts.info;
    assert.match(info.score, /\d+/);
    assert.match(info.age, /ago$|now/);
    assert.match(info.out_href, /^https?:\/\//);
    assert.equal(info.guides_links, info.guides_said, 'the guides heading counts wrong');
    assert.equal(info.related_links, info.related_said, 'the related heading counts wrong');
    t.diagnostic(`${found.event}: ${parts.order.map((o) => `${o.k}="${o.text}"`).join(' ')}`);
    assert.equal(lib.problems(log), '');
});

test('a related event opens from an event page', async () => {
    assert.ok(found.event, 'no event page found by the test before');
    await visit(page, found.event);
    const section = page.locator('main section', { hasText: /Related events \(\d+\)/ });
    const link = section.locator('h2 a[href^="/events/"], h3 a[href^="/events/"]').first();
    const title = (await link.innerText()).trim();
    found.related = await follow(link);
    assert.match(found.related, /^\/events\/\d+-/);
    assert.notEqual(found.related, found.event);
    assert.equal((await page.locator('main h1').innerText()).trim(), title);
    assert.equal(lib.problems(log), '');
});

test('a related guide opens from an event page', async () => {
    assert.ok(found.event, 'no event page found by the test before');
    await visit(page, found.event);
    const section = page.locator('main section', { hasText: /Related guides \(\d+\)/ });
    const link = section.locator('a[href^="/guides/"]').first();
    found.guide = await follow(link);
    assert.match(found.guide, /^\/guides\/[a-z0-9-]+$/);
    assert.match(await page.locator('main h1').innerText(), /\S/);
    assert.ok(await page.locator('main a[href^="/events/"]').count() > 0,
              'the guide lists no events');
    assert.equal(lib.problems(log), '');
});

test('an entity on an event page opens its page: what it is, chart, timeline', async () => {
    assert.ok(found.event, 'no event page found by the test before');
    await visit(page, found.event);
    const section = page.locator('main section', { has: page.locator('h2#entities') });
    const link = section.locator('a[href^="/entities/"]').first();
    found.entity = await follow(link);
    assert.match(found.entity, /^\/entities\/[a-z0-9-]+$/);
    assert.match(await page.locator('main h1').innerText(), /\S/);
    assert.match(await page.locator('main .about .what').innerText(), / is (a|an) .* Named in \d+ event/);
    assert.equal(await page.locator('main figure.chart svg rect').count(), 26);
    assert.ok(await page.locator('main article.event a[href^="/events/"]').count() > 0,
              'the entity page lists no events');
    /* Another entity it is named with opens too, and the index lists it. */
    const other = page.locator('main section', { has: page.locator('h2#with') })
        .locator('a[href^="/entities/"]').first();
    if (await other.count() > 0)
        assert.match(await follow(other), /^\/entities\/[a-z0-9-]+$/);
    await visit(page, '/entities');
    assert.ok(await page.locator(`main a[href="${found.entity}"]`).count() === 1,
              'the index does not list the entity');
    assert.equal(lib.problems(log), '');
});

test('a model page shows its family in order with its neighbours', async () => {
    await visit(page, '/entities?kind=model');
    const models = await page.locator('main .entity-index a').evaluateAll((as) =>
        as.map((a) => a.getAttribute('href')));
    let seen = false;
    for (const href of models.slice(0, 40)) {
        await visit(page, href);
        if (await page.locator('main ol.family li[aria-current]').count() === 1 &&
            await page.locator('main p.lineage a').count() > 0) {
            seen = true;
            break;
        }
    }
    assert.ok(seen, 'no model page among the first 40 shows a family with neighbours');
    assert.equal(lib.problems(log), '');
});

test('an event\'s story line opens the story page: who reported first, who added what',
     async () => {
    await visit(page, '/');
    const events = await page.locator('main article.event h2 a[href^="/events/"]')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of events) {
        await visit(page, href);
        const line = page.locator('main .story-head p.lineage a[href^="/stories/"]');
        if (await line.count() === 1) {
            found.story = await follow(line);
            break;
        }
    }
    if (!found.story) {
        /* The newest events may stand alone: an entity with many events has stories. */
        await visit(page, '/entities');
        const first = page.locator('main .entity-index a').first();
        await follow(first);
        const evs = await page.locator('main article.event h3 a[href^="/events/"]')
            .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        for (const href of evs) {
            await visit(page, href);
            const line = page.locator('main .story-head p.lineage a[href^="/stories/"]');
            if (await line.count() === 1) {
                found.story = await follow(line);
                break;
            }
        }
    }
    assert.ok(found.story, 'no event with a story line was found');
    assert.match(found.story, /^\/stories\/\d+$/);
    assert.match(await page.locator('main .page-head .lineage').innerText(),
                 /\d+ sources?, \d tiers? · \d+ reports?/);
    const contributions = page.locator('main ol.contributions > li');
    assert.ok(await contributions.count() >= 2, 'a story of one source');
    assert.match(await contributions.first().innerText(), /tier \d/);
    assert.ok(await page.locator('main figure.coverage svg rect').count() > 0);
    assert.ok(await page.locator('main article.event').count() >= 2);
    assert.equal(lib.problems(log), '');
});

test('a search for an entity\'s name shows it above the events, and its link opens', async () => {
    await visit(page, '/search?q=Anthropic');
    const box = page.locator('main aside.answers');
    assert.equal(await box.count(), 1, 'no answer box for "Anthropic"');
    assert.ok(await page.evaluate(() => {
        const a = document.querySelector('main aside.answers');
        const e = document.querySelector('main .events');
        return a && e && (a.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), 'the box is not above the events');
    const path = await follow(box.locator('a[href^="/entities/"]').first());
    assert.equal(path, '/entities/anthropic');
    assert.equal(lib.problems(log), '');
});

test('a learning path opens from /learn and its steps lead to their pages', async () => {
    await visit(page, '/learn');
    const cards = page.locator('main article.card');
    assert.ok(await cards.count() >= 5, 'fewer than 5 learning paths');
    assert.match(await cards.first().innerText(), /(beginner|intermediate|advanced) · \d+ steps · ~\d+ min/);
    found.path = await follow(cards.first().locator('a[href^="/learn/"]'));
    assert.match(found.path, /^\/learn\/[a-z0-9-]+$/);
    const steps = page.locator('main ol.path > li');
    assert.ok(await steps.count() >= 3);
    assert.match(await steps.first().innerText(), /~\d+ min/);
    const target = await follow(steps.nth(1).locator('h2 a'));
    assert.match(target, /^\/(guides|entities)\/[a-z0-9-]+$/);
    assert.equal(lib.problems(log), '');
});

test('a thread guide shows its milestones by year, and a milestone opens its event',
     async () => {
    await visit(page, '/guides/frontier-safety-frameworks');
    assert.equal(await page.locator('main h1').innerText(), 'Frontier safety frameworks');
    /* The written introduction links entity pages, and they open. */
    const intro = page.locator('main section.prose a[href^="/entities/"]');
    assert.ok(await intro.count() >= 3, 'the introduction links fewer than 3 entity pages');
    const section = page.locator('main section.milestones');
    await section.scrollIntoViewIfNeeded();
    assert.ok(await section.isVisible(), 'no visible milestones section');
    const years = await section.locator('h3.year').allInnerTexts();
    assert.ok(years.length >= 2, `milestones in ${years.length} year(s)`);
    assert.deepEqual([...years].sort(), years, 'the years are not in order');
    const items = section.locator('li.milestone');
    const n = await items.count();
    assert.ok(n >= 5, `only ${n} milestones`);
    const dates = await items.locator('time').evaluateAll((ts) =>
        ts.map((t) => t.getAttribute('datetime')));
    assert.equal(dates.length, n, 'a milestone has no date');
    assert.deepEqual([...dates].sort(), dates, 'the milestones are not oldest first');
    for (let i = 0; i < n; i++) {
        const it = items.nth(i);
        assert.equal(await it.locator('a.src[href^="/sources/"]').count(), 1, 'no source');
        assert.equal(await it.locator('h4 a[href^="/events/"]').count(), 1, 'no title link');
    }
    const title = await items.first().locator('h4 a').innerText();
    assert.match(await follow(items.first().locator('h4 a')), /^\/events\/\d+/);
    assert.equal(await page.locator('main h1').innerText(), title);
    await visit(page, '/guides/frontier-safety-frameworks');
    assert.match(await follow(intro.first()), /^\/entities\/[a-z0-9-]+$/);
    assert.equal(lib.problems(log), '');
});

test('/guides lists the threads apart, and only a thread page has milestones', async () => {
    await visit(page, '/guides');
    const heads = await page.locator('main section.block > h2').allInnerTexts();
    assert.deepEqual(heads.map((h) => h.replace(/\s*\(\d+\)$/, '')),
                     ['Topics', 'Labs', 'Threads: storylines followed over time']);
    const threads = page.locator('main section.guides-threads');
    await threads.scrollIntoViewIfNeeded();
    assert.ok(await threads.isVisible(), 'the threads section is not visible');
    const th = await threads.locator('article.card h3 a').evaluateAll((as) =>
        as.map((a) => a.getAttribute('href')));
    assert.ok(th.length >= 8, `only ${th.length} threads listed`);
    assert.ok(th.includes('/guides/frontier-safety-frameworks'));
    const topics = await page.locator('main section.guides-topics article.card h3 a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(topics.length >= 10 && !topics.some((h) => th.includes(h)),
              'a thread is listed among the topics');
    /* A topic guide: its events' timeline and no milestones. */
    assert.match(await follow(page.locator(`main a[href="${topics[0]}"]`)), /^\/guides\//);
    assert.equal(await page.locator('main section.milestones').count(), 0,
                 'a topic guide shows milestones');
    assert.ok(await page.locator('main .timeline article.event').count() > 0, 'no timeline');
    assert.match(await page.locator('main .page-head .sub').innerText(), /^Topic · /);
    /* A thread: its milestones. */
    await visit(page, th[0]);
    assert.equal(await page.locator('main section.milestones').count(), 1, 'no milestones');
    assert.match(await page.locator('main .page-head .sub').innerText(), /^Thread · /);
    assert.equal(lib.problems(log), '');
});

test('top, guides, sources and a source page open', async () => {
    for (const p of ['/top', '/guides', '/sources']) {
        await visit(page, p);
        assert.match(await page.locator('main h1').innerText(), /\S/, `${p} has no heading`);
    }
    const link = page.locator('main a[href^="/sources/"]').first();
    found.source = await follow(link);
    assert.match(found.source, /^\/sources\/[a-z0-9-]+$/);
    assert.match(await page.locator('main h1').innerText(), /\S/);
    assert.equal(lib.problems(log), '');
});

test('an unknown page is a styled 404, not a crash', async () => {
    /* Its own context: the browser logs the 404 itself as a console error. */
    const c = await lib.open_context(browser, server.origin);
    try {
        const p = await c.ctx.newPage();
        const resp = await p.goto(new URL('/events/999999999-nothing', server.url).href);
        assert.equal(resp.status(), 404);
        assert.match(await p.locator('main').innerText(), /\S/);
        assert.ok(await p.evaluate(() => Array.from(document.styleSheets).some((s) =>
            s.href && s.cssRules.length > 0)), 'the 404 page has no style sheet');
        c.log.errors = c.log.errors.filter((e) => !/status of 404/.test(e));
        assert.equal(lib.problems(c.log), '');
    } finally {
        await c.ctx.close();
    }
});

/* ---- screenshots, overflow and contrast in every variant ---- */

/* Elements whose text is too faint against what is behind it (WCAG 2
 * contrast: 4.5 for body text, 3 for large text). */
function low_contrast() {
    const parse = (c) => {
        const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
        return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
    };
    const lum = ([r, g, b]) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, under) => {
        const a = top[3];
        return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
    };
    const canvas = parse(getComputedStyle(document.documentElement).backgroundColor);
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const base = canvas && canvas[3] > 0 ? canvas : (dark ? [18, 18, 18, 1] : [255, 255, 255, 1]);
    const background = (el) => {
        const layers = [];
        for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c && c[3] > 0)
                layers.push(c);
            if (c && c[3] >= 1)
                break;
        }
        let bg = base;
        for (let i = layers.length - 1; i >= 0; i--)
            bg = over(layers[i], bg);
        return bg;
    };
    const bad = [];
    const seen = new Set();
    for (const el of document.body.querySelectorAll('*')) {
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.data.trim());
        if (!own)
            continue;
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        if (r.width <= 1 || r.height <= 1 || s.visibility !== 'visible' || +s.opacity === 0)
            continue;
        const fg0 = parse(s.color);
        if (!fg0)
            continue;
        const bg = background(el);
        const fg = over(fg0, bg);
        const l1 = lum(fg), l2 = lum(bg);
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        const px = parseFloat(s.fontSize), weight = +s.fontWeight || 400;
        const large = px >= 24 || (px >= 18.66 && weight >= 700);
        const need = large ? 3 : 4.5;
        if (ratio < need) {
            const cls = (el.getAttribute('class') || '').trim();
            const name = el.tagName.toLowerCase() + (cls ? '.' + cls.split(/\s+/).join('.') : '');
            if (seen.has(name))
                continue;
            seen.add(name);
            bad.push(`${name} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}` +
                     ` (${s.color} on rgb(${bg.slice(0, 3).map(Math.round).join(',')}))`);
        }
    }
    return bad;
}

/* Elements that stick out past the right edge of the viewport. */
function overflow() {
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= w)
        return [];
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > w + 1 && r.width > 0) {
            let scroller = false;
            for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
                const o = getComputedStyle(e).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden')
                    scroller = true;
            }
            if (!scroller)
                out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}` +
                         ` right=${Math.round(r.right)}`);
        }
        if (out.length >= 6)
            break;
    }
    return [`scrollWidth ${document.documentElement.scrollWidth} > ${w}`, ...out];
}

for (const v of VARIANTS) {
    test(`screenshots ${v.name}: list, event, guide, sources, search; no overflow, ` +
         'readable contrast', async (t) => {
        assert.ok(found.event && found.guide, 'the tests before found no event or guide');
        const c = await lib.open_context(browser, server.origin, v);
        const p = await c.ctx.newPage();
        const pages = [
            ['list', '/'],
            ['event', found.event],
            ['guide', found.guide],
            ['sources', '/sources'],
            ['search', '/search?q=Claude+Mythos'],
            ['entity', found.entity || '/entities'],
            ['entities', '/entities'],
            ['story', found.story || '/'],
            ['path', found.path || '/learn'],
            ['thread', '/guides/frontier-safety-frameworks'],
        ];
        const issues = [];
        try {
            for (const [name, url] of pages) {
                await visit(p, url);
                const dark = await p.evaluate(() =>
                    matchMedia('(prefers-color-scheme: dark)').matches);
                assert.equal(dark, v.colorScheme === 'dark', 'the color scheme was not applied');
                const full = await p.evaluate(() => document.documentElement.scrollHeight);
                await p.screenshot({
                    path: path.join(lib.SHOTS, `${name}-${v.name}.png`),
                    fullPage: true,
                    clip: { x: 0, y: 0, width: v.viewport.width,
                            height: Math.min(full, SHOT_MAX_HEIGHT) },
                });
                const wide = await p.evaluate(overflow);
                if (wide.length)
                    issues.push(`${name}: wider than the screen: ${wide.join(', ')}`);
                const faint = await p.evaluate(low_contrast);
                if (faint.length)
                    issues.push(`${name}: low contrast: ${faint.slice(0, 4).join('; ')}`);
            }
        } finally {
            await c.ctx.close();
        }
        t.diagnostic(`screenshots in ${path.relative(lib.ROOT, lib.SHOTS)}/*-${v.name}.png`);
        assert.equal(lib.problems(c.log), '');
        assert.deepEqual(issues, []);
    });
}

test('no console error, page error or failed request on any page', () => {
    assert.ok(visited >= 15, `only ${visited} pages were visited`);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.dialogs, []);
});

test('no request to any host but the server', () => {
    const own = log.requests.filter((u) => u.startsWith(server.origin + '/'));
    assert.ok(own.length >= 15, `only ${own.length} requests were seen`);
    assert.deepEqual([...new Set(log.foreign)], []);
});

lib.test_server_stops(() => server);
