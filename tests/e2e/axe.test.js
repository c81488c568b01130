'use strict';
/*
 * axe.test.js - every kind of page passes an axe-core audit (WCAG 2.0, 2.1
 * and 2.2, levels A and AA) in headless Chromium, in light and dark colour
 * schemes: the events list (plain, paged, filtered), /top, an event, the
 * guides and a guide, the sources and a source, the search page (empty,
 * with results, with none), the entities and an entity, a story, /learn and
 * a path, the digest pages (day, week, today), the 404 and 400 pages. (There
 * is no /stories index: a story is reached from its events.)
 *
 * axe-core is the npm package pinned in package.json; its source is run in
 * each page through the DevTools protocol (not a <script> tag, so the
 * pages' Content-Security-Policy stays on). A violation fails the test
 * with its rule id, impact and the selectors of its first nodes.
 *
 *   ALMANAC=/abs/almanac node --test --test-reporter=tap tests/e2e/axe.test.js
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib.js');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/* WCAG 2.0 and 2.1, A and AA; 2.2's AA rule too (target-size: 24 px targets). */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/* axe files these under best practice, not WCAG; the issue asks for unique
 * landmarks, so they run too. */
const AXE_RULES = Object.fromEntries([
    'landmark-unique', 'landmark-one-main', 'landmark-no-duplicate-main',
    'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo',
    'landmark-main-is-top-level', 'landmark-banner-is-top-level',
    'landmark-contentinfo-is-top-level', 'landmark-complementary-is-top-level',
].map((id) => [id, { enabled: true }]));
const NODES_SHOWN = 3;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };   /* selectors printed per violated rule */

let server, browser, db;

before(async () => {
    const dir = lib.tmpdir('almanac-axe-');
    db = path.join(dir, 'db');
    lib.almanac(['--db', db, 'ingest', '--snapshot'], { timeout: 150000 });
    server = await lib.serve(['--db', db]);
    browser = await lib.launch();
});

after(async () => {
    if (browser)
        await browser.close();
    if (server)
        await server.stop();
});

/* The first href on the page matching sel, or null. */
async function first_href(p, sel) {
    const a = p.locator(sel).first();
    return (await a.count()) ? a.getAttribute('href') : null;
}

/* Runs axe in page p (its source first, once per document) with the rule
 * set opts; returns the violations, each { id, impact, help, nodes }. */
async function run_axe(p, opts) {
    if (!await p.evaluate(() => typeof window.axe === 'object'))
        await p.evaluate(AXE_SOURCE);
    return p.evaluate(async (o) => {
        /* eslint-disable-next-line no-undef */
        const r = await axe.run(document, { ...o, resultTypes: ['violations'] });
        return r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')),
        }));
    }, opts);
}

/*
 * Opens url and audits it: every rule in the light scheme at desktop width,
 * then the one rule that depends on colours (color-contrast) again in the
 * dark scheme, then target-size at phone width, all on the same document.
 * Returns [status, { light, dark, phone }].
 */
async function audit(p, url) {
    await p.emulateMedia({ colorScheme: 'light' });
    const resp = await p.goto(new URL(url, server.url).href, { waitUntil: 'load' });
    assert.ok(resp, `no response for ${url}`);
    const light = await run_axe(p, { runOnly: { type: 'tag', values: AXE_TAGS },
                                     rules: AXE_RULES });
    await p.emulateMedia({ colorScheme: 'dark' });
    assert.ok(await p.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
              'the dark scheme was not applied');
    const dark = await run_axe(p, { runOnly: { type: 'rule', values: ['color-contrast'] } });
    /* The phone layout (max-width: 40rem) moves links about: target size there. */
    await p.setViewportSize(PHONE);
    const phone = await run_axe(p, { runOnly: { type: 'rule', values: ['target-size'] } });
    await p.setViewportSize(DESKTOP);
    return [resp.status(), { light, dark, phone }];
}

/* "rule (impact, N nodes): help: sel1 | sel2 | sel3" per violation. */
function describe(violations) {
    return violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} node` +
        `${v.nodes.length === 1 ? '' : 's'}): ${v.help}: ` +
        v.nodes.slice(0, NODES_SHOWN).join(' | '));
}

/* The pages to audit: fixed paths, and one of each kind found by links. */
async function page_list(p) {
    const pages = [
        ['events list', '/', 200],
        ['events list, page 2', '/?page=2', 200],
        ['top', '/top', 200],
        ['events list, nothing matches', '/?min=10&tier=1&period=24h', 200],
        ['guides', '/guides', 200],
        ['sources', '/sources', 200],
        ['search, empty', '/search', 200],
        ['search, results', '/search?q=Anthropic', 200],
        ['search, no result', '/search?q=zzxqvwjk', 200],
        ['entities', '/entities', 200],
        ['entities, models', '/entities?kind=model', 200],
        ['learn', '/learn', 200],
        ['digest, today', '/digest', 200],
        ['digest, a day', '/digest/2026-11-27', 200],
        ['digest, a week', '/digest/2026-W48', 200],
        ['404', '/events/999999999-nothing', 404],
        ['400 (an invalid filter)', '/?min=99', 400],
    ];
    const find = async (from, sel) => {
        await p.goto(new URL(from, server.url).href, { waitUntil: 'load' });
        return first_href(p, sel);
    };
    const event = await find('/', 'main article.event h2 a[href^="/events/"]');
    /* A well-covered event: related guides and events, entities, a story line. */
    const covered = await find('/search?q=Claude+Mythos', 'main a[href^="/events/"]');
    const guide = await find('/guides', 'main a[href^="/guides/"]');
    const source = await find('/sources', 'main a[href^="/sources/"]');
    const entity = await find('/entities?kind=company', 'main .entity-index a[href^="/entities/"]');
    const model = await find('/entities?kind=model', 'main .entity-index a[href^="/entities/"]');
    const lpath = await find('/learn', 'main a[href^="/learn/"]');
    const found = { event, covered, guide, source, entity, model, lpath };
    assert.ok(Object.values(found).every(Boolean),
              `a page kind has no link: ${JSON.stringify(found)}`);
    /* A story: the story line of an entity's events (the newest may stand alone). */
    let story = null;
    for (const e of [entity, model]) {
        await p.goto(new URL(e, server.url).href, { waitUntil: 'load' });
        const evs = await p.locator('main article.event a[href^="/events/"]')
            .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        for (const h of evs.slice(0, 30)) {
            story = await find(h, 'main a[href^="/stories/"]');
            if (story)
                break;
        }
        if (story)
            break;
    }
    assert.ok(story, `no story found from the events of ${entity} or ${model}`);
    const src_id = source.replace(/^\/sources\//, '');
    pages.push(
        ['events list, filtered', `/?min=6&kind=release&source=${encodeURIComponent(src_id)}`,
         200],
        ['events list, by guide', `/?guide=${encodeURIComponent(guide.replace(/^\/guides\//, ''))}`,
         200],
        ['event', event, 200],
        ['event, well covered', covered, 200],
        ['guide', guide, 200],
        ['guide, a thread', '/guides/frontier-safety-frameworks', 200],
        ['source', source, 200],
        ['entity', entity, 200],
        ['entity, a model', model, 200],
        ['story', story, 200],
        ['learning path', lpath, 200],
    );
    return pages;
}

test('every page kind passes axe-core (WCAG 2.2 A and AA, unique landmarks): light, dark, phone',
     async (t) => {
    const c = await lib.open_context(browser, server.origin);
    const failures = [];
    try {
        const p = await c.ctx.newPage();
        const pages = await page_list(p);
        for (const [name, url, want] of pages) {
            const [status, found] = await audit(p, url);
            if (status !== want)
                failures.push(`${name} (${url}): answered ${status}, not ${want}`);
            for (const [scheme, violations] of Object.entries(found)) {
                const nodes = violations.reduce((n, v) => n + v.nodes.length, 0);
                t.diagnostic(`${name} (${url}), ${scheme}: ${violations.length} violations, ` +
                             `${nodes} nodes`);
                if (violations.length)
                    failures.push(`${name} (${url}), ${scheme}:\n    ` +
                                  describe(violations).join('\n    '));
            }
        }
        /* The browser logs a 4xx answer itself as a console error. */
        c.log.errors = c.log.errors.filter((e) => !/status of 40[04]/.test(e));
        assert.equal(lib.problems(c.log), '');
    } finally {
        await c.ctx.close();
    }
    assert.ok(failures.length === 0, `axe-core violations:\n  ${failures.join('\n  ')}`);
});

test('the audit can fail: axe-core finds the faults of a page made faulty on purpose',
     async () => {
    const c = await lib.open_context(browser, server.origin);
    try {
        const p = await c.ctx.newPage();
        await p.goto(new URL('/', server.url).href, { waitUntil: 'load' });
        await p.evaluate(() => {
            const m = document.querySelector('main');
            const i = document.createElement('input');   /* no label */
            m.prepend(i);
            const s = document.createElement('p');       /* #aaa on white: 2.3:1 */
            s.textContent = 'faint text';
            s.style.cssText = 'color:#aaa;background:#fff';
            m.prepend(s);
            const nav = document.querySelector('nav');      /* a second, unnamed nav */
            if (nav)
                document.body.append(document.createElement('nav'), nav.cloneNode(true));
        });
        const ids = (await run_axe(p, { runOnly: { type: 'tag', values: AXE_TAGS },
                                        rules: AXE_RULES })).map((v) => v.id);
        for (const id of ['label', 'color-contrast', 'landmark-unique'])
            assert.ok(ids.includes(id), `axe-core did not report ${id}: ${ids.join(' ')}`);
    } finally {
        await c.ctx.close();
    }
});

lib.test_server_stops(() => server);
