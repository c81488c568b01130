'use strict';
/*
 * xss.test.js - hostile feed content never runs in a reader's browser.
 *
 * Builds an RSS feed whose channel and items carry the vectors of
 * xss-vectors.txt (one in each item's title, as markup and as literal text;
 * several in its description and its content:encoded; some in its link,
 * author and category), serves
 * it as a local file source, ingests it and opens in Chromium every event
 * page, every page of the events list, /top, the source's page and search
 * pages (for words of the feed and for the vectors themselves). On every
 * page: no alert/prompt/confirm/print call and no dialog, no request to a
 * host other than the server, no <script> or other active element, no
 * javascript:/data:/vbscript: URL in any URL attribute, no on* attribute.
 *
 * The pages are opened with the Content-Security-Policy switched off
 * (bypassCSP), so what is checked is the escaping and sanitising itself;
 * the policy is a second wall on top of it.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib.js');

const VECTORS = fs.readFileSync(path.join(__dirname, 'xss-vectors.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('# '));
const SEARCHED_VECTORS = 40;   /* vectors also sent as search queries */
const TABS = 4;                /* pages probed at once */

/* Item links that must never become a live href (each item gets one of
 * these every 7 items; the others get an ordinary https link). */
const BAD_LINKS = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'https://example.com/x"onmouseover="alert(1)',
    "https://example.com/x'onmouseover='alert(1)",
    'https://example.com/x"><script>alert(1)</script>',
    'https://example.com/x?<img src=x onerror=alert(1)>',
];

let server, browser, ctx, log, page;
const pages_seen = [];
const findings = { dialogs: [], calls: [], scripts: [], urls: [], handlers: [], csp: [] };

function xml_text(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}

function cdata(s) {
    return '<![CDATA[' + s.replace(/]]>/g, ']]]]><![CDATA[>') + ']]>';
}

/* Three made-up words per item, so that no two items look alike to the
 * near-duplicate detection and every item stays its own event. */
function words(i) {
    const c = 'bcdfghjklmnpqrstvwxz', v = 'aeiou';
    const w = (n) => {
        let s = '';
        for (let k = 0; k < 4; k++) {
            s += c[n % c.length] + v[Math.floor(n / c.length) % v.length];
            n = Math.floor(n / (c.length * v.length)) + k * 7 + 3;
        }
        return s;
    };
    return `${w(i * 3 + 11)} ${w(i * 5 + 101)} ${w(i * 7 + 1009)}`;
}

/* Item i's title holds vectors i and i + half, each as markup and as
 * literal text; its description and content several more. */
function feed(vectors) {
    const n = vectors.length;
    const half = Math.ceil(n / 2);
    const at = (k) => vectors[((k % n) + n) % n];
    const items = [];
    const t0 = Date.parse(lib.NOW) - 3600 * 1000;
    for (let i = 0; i < half; i++) {
        const link = i % 7 === 3 ? BAD_LINKS[Math.floor(i / 7) % BAD_LINKS.length]
                                 : `https://example.com/xss/${i}`;
        const desc = `<p>Probe ${i} ${words(i)}.</p>${at(i + 1)}<p>${at(i + 2)}</p>${at(i + 3)}` +
                     `<p>${xml_text(at(i + 1))}</p>`;
        const body = `<div>${at(i + 4)}</div><p>Probe body ${words(i)}</p>${at(i + 5)}` +
                     `<ul><li>${at(i + 6)}</li></ul>`;
        const title = `Probe ${i} ${words(i)} ${xml_text(at(i))} ${xml_text(at(i + half))}` +
                      ` | ${xml_text(xml_text(at(i)))} | ${xml_text(xml_text(at(i + half)))}`;
        items.push(`<item>
<title>${title}</title>
<link>${xml_text(link)}</link>
<guid isPermaLink="false">xss-probe-${i}</guid>
<pubDate>${new Date(t0 - i * 60000).toUTCString()}</pubDate>
<dc:creator>${xml_text(at(i + 7))}</dc:creator>
<category>${xml_text(at(i + 8))}</category>
<description>${xml_text(desc)}</description>
<content:encoded>${cdata(body)}</content:encoded>
</item>`);
    }
    return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>XSS probes ${xml_text(at(0))}</title>
<link>https://example.com/xss/</link>
<description>${xml_text(at(1) + at(2))}</description>
<image><url>javascript:alert(1)</url><title>${xml_text(at(3))}</title>
<link>javascript:alert(1)</link></image>
${items.join('\n')}
</channel>
</rss>
`;
}

/* Installed in every frame before any of its own code runs. */
function detector() {
    window.__xss = [];
    const record = (name) => function (...args) {
        window.__xss.push(`${name}(${args.map(String).join(',').slice(0, 60)})`);
    };
    for (const name of ['alert', 'prompt', 'confirm', 'print', 'open', 'showModalDialog']) {
        try {
            Object.defineProperty(window, name, {
                value: record(name), writable: false, configurable: false,
            });
        } catch (e) {
            /* a property that cannot be redefined is caught by the dialog log */
        }
    }
}

/* Runs in the page, a moment after it loaded (two frames and a timer:
 * autofocus, animation and timer handlers have had their chance): what
 * ran, and what hostile content left in the DOM. */
async function scan() {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await new Promise((r) => setTimeout(r, 20));
    const h1 = document.querySelector('main h1');
    const out = { calls: window.__xss || [], title: h1 ? h1.textContent : null,
                  scripts: [], urls: [], handlers: [] };
    const active = 'script, iframe, frame, frameset, object, embed, applet, base, portal, ' +
        'meta[http-equiv], link[rel~="import" i], link[rel~="prefetch" i], ' +
        'link[rel~="preload" i], link[rel~="dns-prefetch" i], main style, main link, ' +
        'main [style], main form[action]:not([action="/search"])';
    for (const el of document.querySelectorAll(active))
        out.scripts.push(el.outerHTML.slice(0, 120));
    const url_attrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
                       'background', 'codebase', 'cite', 'lowsrc', 'dynsrc', 'ping',
                       'srcset', 'imagesrcset', 'manifest', 'longdesc', 'usemap'];
    for (const el of document.querySelectorAll('*')) {
        for (const a of Array.from(el.attributes)) {
            const name = a.name.toLowerCase();
            if (/^on/.test(name))
                out.handlers.push(
                    `<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 60)}">`);
            if (!url_attrs.includes(name))
                continue;
            const values = /srcset$/.test(name)
                ? a.value.split(',').map((s) => s.trim().split(/\s+/)[0]) : [a.value];
            for (const v of values) {
                let proto;
                try {
                    proto = new URL(v, location.href).protocol;
                } catch (e) {
                    continue;   /* not a URL at all: nothing can load or run it */
                }
                if (proto !== 'http:' && proto !== 'https:' && proto !== 'mailto:')
                    out.urls.push(`<${el.tagName.toLowerCase()} ${a.name}="${v.slice(0, 60)}">`);
            }
        }
    }
    return out;
}

before(async () => {
    assert.ok(VECTORS.length >= 150, `only ${VECTORS.length} vectors`);
    const dir = lib.tmpdir('almanac-xss-');
    const file = path.join(dir, 'xss.xml');
    fs.writeFileSync(file, feed(VECTORS));
    /* Analysis reads data/ and guides/ beside the config's etc/. */
    fs.mkdirSync(path.join(dir, 'etc'));
    for (const d of ['data', 'guides'])
        fs.symlinkSync(path.join(lib.ROOT, d), path.join(dir, d));
    const conf = path.join(dir, 'etc', 'almanac.conf');
    fs.writeFileSync(conf, [
        '[source "xss"]',
        'name = XSS probes',
        `feed = file://${file}`,
        'site = https://example.com/xss/',
        'local = yes',
        'tier = 1',
        'kind = lab',
        '',
    ].join('\n'));
    const args = ['--config', conf, '--db', path.join(dir, 'db')];
    const out = lib.almanac([...args, 'ingest']);
    assert.ok(out.includes(`${Math.ceil(VECTORS.length / 2)} new`),
              `ingest said: ${out.slice(0, 300)}`);
    server = await lib.serve(args);
    browser = await lib.launch();
    ({ ctx, log } = await lib.open_context(browser, server.origin, { bypassCSP: true }));
    await ctx.addInitScript(detector);
    page = await ctx.newPage();
});

after(async () => {
    if (browser)
        await browser.close();
    if (server)
        await server.stop();
});

/* Opens url in page p and records whatever ran or was left in the DOM. */
async function probe(url, p = page) {
    const resp = await p.goto(new URL(url, server.url).href, { waitUntil: 'load' });
    assert.ok(resp, `no response for ${url}`);
    assert.ok(resp.status() === 200 || resp.status() === 400,
              `${url} answered ${resp.status()}`);
    if (!resp.headers()['content-security-policy'])
        findings.csp.push(url);
    const s = await p.evaluate(scan);
    for (const c of s.calls)
        findings.calls.push(`${c} on ${url}`);
    for (const f of p.frames().slice(1)) {
        const calls = await f.evaluate(() => window.__xss || []).catch(() => []);
        for (const c of calls)
            findings.calls.push(`${c} in a frame on ${url}`);
    }
    for (const k of ['scripts', 'urls', 'handlers'])
        for (const x of s[k])
            findings[k].push(`${x} on ${url}`);
    pages_seen.push(url);
    return { resp, title: s.title };
}

/* Probes every URL of urls, TABS at a time. */
async function probe_all(urls) {
    const queue = urls.slice();
    const out = new Map();
    const tabs = [page];
    while (tabs.length < TABS)
        tabs.push(await ctx.newPage());
    await Promise.all(tabs.map(async (tab) => {
        for (let u = queue.shift(); u !== undefined; u = queue.shift())
            out.set(u, await probe(u, tab));
    }));
    for (const tab of tabs.slice(1))
        await tab.close();
    return out;
}

async function api_events() {
    const ids = [];
    let next = new URL('/api/v1/events?limit=200', server.url).href;
    for (let n = 0; next && n < 20; n++) {
        const r = await fetch(next);
        assert.equal(r.status, 200, `${next} answered ${r.status}`);
        const j = await r.json();
        for (const e of j.events)
            ids.push(new URL(e.url).pathname);
        next = j.next;
    }
    return ids;
}

function report(list, what) {
    return list.length === 0 ? '' : `${list.length} ${what}, e.g. ${list.slice(0, 4).join(' | ')}`;
}

let event_urls = [];

test('the detector catches the vectors when they are pasted in raw', async (t) => {
    /* The negative control: the same checks on a page that holds the
     * vectors as unescaped markup must see them run and stay in the DOM. */
    const c = await lib.open_context(browser, server.origin, { bypassCSP: true });
    try {
        await c.ctx.addInitScript(detector);
        const p = await c.ctx.newPage();
        await p.goto(new URL('/healthz', server.url).href);
        await p.setContent(`<!doctype html><main>${VECTORS.join('\n')}</main>`);
        await p.waitForTimeout(200);
        const s = await p.evaluate(scan);
        const counts = `${s.calls.length} calls, ${s.scripts.length} active elements, ` +
            `${s.urls.length} URLs, ${s.handlers.length} handlers, ` +
            `${c.log.foreign.length} foreign requests`;
        t.diagnostic(`raw vectors: ${counts}`);
        assert.ok(s.calls.length > 0 && s.scripts.length > 0 && s.urls.length > 0 &&
                  s.handlers.length > 0 && c.log.foreign.length > 0, counts);
    } finally {
        await c.ctx.close();
    }
});

test(`the feed with ${VECTORS.length} vectors is ingested, an event per item`, async () => {
    event_urls = await api_events();
    /* Every item is its own event (the made-up words keep them apart). */
    const items = Math.ceil(VECTORS.length / 2);
    assert.ok(event_urls.length >= items * 0.9, `${event_urls.length} events for ${items} items`);
});

test('every event page: nothing runs, no active element, URL or handler', async (t) => {
    assert.ok(event_urls.length > 0, 'no events to open');
    const seen = await probe_all(event_urls);
    /* The vectors did reach the pages, as text: each title holds its two
     * vectors literally (their second copies, escaped in the feed). */
    const norm = (x) => x.replace(/\s+/g, ' ').trim();
    const half = Math.ceil(VECTORS.length / 2);
    let shown = 0;
    const missing = [];
    for (const { title } of seen.values()) {
        const m = /^Probe (\d+) /.exec(title || '');
        if (!m)
            continue;
        for (const k of [+m[1], +m[1] + half]) {
            if (k >= VECTORS.length)
                continue;
            if (norm(title).includes(norm(VECTORS[k])))
                shown++;
            else
                missing.push(k);
        }
    }
    t.diagnostic(`${seen.size} event pages; ${shown} vectors shown as text in titles` +
                 (missing.length ? `; not: vectors ${missing.slice(0, 12).join(' ')}` : ''));
    assert.equal(report(findings.calls, 'script calls'), '');
    assert.equal(report(findings.scripts, 'active elements'), '');
    assert.equal(report(findings.urls, 'dangerous URLs'), '');
    assert.equal(report(findings.handlers, 'event-handler attributes'), '');
    assert.ok(shown >= VECTORS.length * 0.8, `only ${shown} vectors shown in titles`);
});

test('every page of the events list, /top and the source page', async (t) => {
    let url = '/';
    let n = 0;
    for (; url && n < 30; n++) {
        await probe(url);
        url = await page.locator('a[rel="next"], nav.pager a:has-text("Next")').first()
            .getAttribute('href', { timeout: 500 }).catch(() => null);
    }
    assert.ok(n >= Math.ceil(event_urls.length / 30) - 1, `only ${n} list pages`);
    await probe('/top');
    await probe('/sources');
    await probe('/sources/xss');
    t.diagnostic(`${n} list pages`);
    assert.equal(report(findings.calls, 'script calls'), '');
    assert.equal(report(findings.scripts, 'active elements'), '');
    assert.equal(report(findings.urls, 'dangerous URLs'), '');
    assert.equal(report(findings.handlers, 'event-handler attributes'), '');
});

test('search pages: results for the feed\'s words, and vectors as the query', async () => {
    const qs = ['probe', 'alert', 'script', 'onerror', 'javascript', 'svg onload'];
    const step = Math.max(1, Math.floor(VECTORS.length / SEARCHED_VECTORS));
    for (let i = 0; i < VECTORS.length; i += step)
        qs.push(VECTORS[i].slice(0, 190));
    await probe_all(qs.map((q) => '/search?q=' + encodeURIComponent(q)));
    /* And once through the search box itself. */
    await probe('/');
    const box = page.locator('header form[role="search"] input[name="q"]');
    await box.fill('"><svg onload=alert(1)>');
    await Promise.all([page.waitForNavigation(), box.press('Enter')]);
    await probe(page.url());
    assert.equal(await page.locator('main input[name="q"]').inputValue(),
                 '"><svg onload=alert(1)>');
    assert.equal(report(findings.calls, 'script calls'), '');
    assert.equal(report(findings.scripts, 'active elements'), '');
    assert.equal(report(findings.urls, 'dangerous URLs'), '');
    assert.equal(report(findings.handlers, 'event-handler attributes'), '');
});

test('no dialog opened, no console or page error, no request to another host', (t) => {
    t.diagnostic(`${pages_seen.length} pages, ${log.requests.length} requests`);
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual([...new Set(log.foreign)], []);
    /* A refused search (too many words) is a 400 page; the browser logs that. */
    const errors = log.errors.filter((e) =>
        !/\/search\?q=.*status of 400 \(Bad Request\)$/.test(e));
    assert.deepEqual(errors, []);
});

test('every page carries a Content-Security-Policy', () => {
    assert.equal(report(findings.csp, 'pages without one'), '');
});

lib.test_server_stops(() => server);
