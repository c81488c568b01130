'use strict';
/*
 * lib.js - what the browser tests share: the almanac binary and its
 * server, Debian's headless Chromium through playwright-core, and a page
 * wrapper that records every request, console error and page error.
 *
 * The binary is $ALMANAC (default: ./almanac at the repository root); the
 * browser is $CHROMIUM (default: /usr/bin/chromium). Requests to any host
 * other than the server are recorded and aborted, so a test can never reach
 * the network and can assert that nothing tried to.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..', '..');
const ALMANAC = process.env.ALMANAC || path.join(ROOT, 'almanac');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const NOW = process.env.ALMANAC_NOW || '2026-11-28T12:00:00Z';
const SHOTS = path.join(__dirname, 'screenshots');

const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/* A temporary directory, removed when the process exits. */
function tmpdir(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/* Runs almanac ARGS to completion (from the repository root, so that its
 * etc/almanac.conf and data/ are found); throws with its stderr on failure. */
function almanac(args, opts = {}) {
    const r = spawnSync(ALMANAC, args, {
        cwd: ROOT,
        env: { ...process.env, ALMANAC_NOW: NOW, ...(opts.env || {}) },
        encoding: 'utf8',
        timeout: opts.timeout || 120000,
        maxBuffer: 64 << 20,
    });
    if (r.error)
        throw new Error(`almanac ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0)
        throw new Error(`almanac ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 600)}`);
    return r.stdout;
}

/* Starts `almanac ARGS serve --listen 127.0.0.1:0` and resolves to
 * { url, origin, stop() } once it printed "almanac: serving URL". */
function serve(args, opts = {}) {
    return new Promise((resolve, reject) => {
        const proc = spawn(ALMANAC, [...args, 'serve', '--listen', '127.0.0.1:0'], {
            cwd: ROOT,
            env: { ...process.env, ALMANAC_NOW: NOW, ...(opts.env || {}) },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        let done = false;
        const timer = setTimeout(() => finish(new Error('serve printed no URL in 30 s')), 30000);

        function finish(err, url) {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            if (err) {
                proc.kill('SIGKILL');
                reject(new Error(`${err.message}: ${stderr.slice(0, 600)}`));
                return;
            }
            const stop = () => new Promise((res) => {
                if (proc.exitCode !== null || proc.signalCode !== null)
                    return res(proc.exitCode);
                const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
                proc.once('exit', (code) => {
                    clearTimeout(kill);
                    res(code);
                });
                proc.kill('SIGTERM');
            });
            process.on('exit', () => proc.kill('SIGKILL'));
            resolve({ url, origin: new URL(url).origin, stop, stderr: () => stderr });
        }

        /* The access log goes to stderr; keep only its start and end. */
        proc.stderr.on('data', (d) => {
            stderr += d;
            if (stderr.length > 200000)
                stderr = stderr.slice(0, 20000) + '\n...\n' + stderr.slice(-20000);
        });
        readline.createInterface({ input: proc.stdout }).once('line', (line) => {
            const m = /^almanac: serving (http:\/\/\S+\/)$/.exec(line);
            if (m)
                finish(null, m[1]);
            else
                finish(new Error(`unexpected first line '${line}'`));
        });
        proc.on('error', (e) => finish(e));
        proc.on('exit', (code) => finish(new Error(`serve exited ${code}`)));
    });
}

/* Debian's Chromium, headless, with a fresh temporary profile (playwright
 * makes one per launch and removes it on close). */
async function launch() {
    const { chromium } = require('playwright-core');
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 60000,
    });
}

/*
 * A browser context for the server at origin, and a log of what its pages
 * did: log.requests (every URL asked for), log.foreign (those not on the
 * server, all aborted), log.errors (console errors, page errors, failed or
 * 4xx/5xx subresources), log.dialogs (alert/confirm/prompt opened).
 */
async function open_context(browser, origin, opts = {}) {
    const ctx = await browser.newContext({
        viewport: opts.viewport || { width: 1280, height: 900 },
        colorScheme: opts.colorScheme || 'light',
        isMobile: !!opts.isMobile,
        hasTouch: !!opts.isMobile,
        deviceScaleFactor: 1,
        bypassCSP: !!opts.bypassCSP,
        javaScriptEnabled: true,
        serviceWorkers: 'block',
    });
    ctx.setDefaultTimeout(15000);
    ctx.setDefaultNavigationTimeout(20000);
    const log = { requests: [], foreign: [], errors: [], dialogs: [] };
    await ctx.route('**/*', (route) => {
        const u = route.request().url();
        let same = false;
        try {
            same = new URL(u).origin === origin;
        } catch (e) {
            same = false;
        }
        if (same)
            return route.continue();
        return route.abort('blockedbyclient');
    });
    ctx.on('request', (req) => {
        const u = req.url();
        log.requests.push(u);
        if (u.startsWith('data:') || u.startsWith('blob:'))
            return;
        let o = null;
        try {
            o = new URL(u).origin;
        } catch (e) {
            o = null;
        }
        if (o !== origin)
            log.foreign.push(u);
    });
    ctx.on('page', (page) => watch_page(page, log, origin));
    return { ctx, log };
}

function watch_page(page, log, origin) {
    page.on('console', (msg) => {
        if (msg.type() === 'error')
            log.errors.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => log.errors.push(`page error on ${page.url()}: ${err.message}`));
    page.on('dialog', (d) => {
        log.dialogs.push(`${d.type()}(${d.message()}) on ${page.url()}`);
        d.dismiss().catch(() => {});
    });
    page.on('requestfailed', (req) => {
        if (req.url().startsWith(origin))
            log.errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    });
    page.on('response', (resp) => {
        /* A page the test asked for may be an error on purpose; its
         * subresources (style sheet, icons) must all load. */
        const req = resp.request();
        if (resp.status() >= 400 && !req.isNavigationRequest())
            log.errors.push(`${resp.status()} for ${req.url()}`);
    });
}

/* A short description of what a log recorded that must not happen. */
function problems(log) {
    const p = [];
    if (log.errors.length)
        p.push(`errors: ${log.errors.slice(0, 5).join(' | ')}`);
    if (log.foreign.length)
        p.push(`requests to other hosts: ${[...new Set(log.foreign)].slice(0, 5).join(' ')}`);
    if (log.dialogs.length)
        p.push(`dialogs: ${log.dialogs.slice(0, 5).join(' ')}`);
    return p.join('; ');
}

/* The last test of a file: the server answered every page and stops
 * cleanly; under the sanitized build a memory error or a leak would show
 * in its status or its stderr. */
function test_server_stops(get_server) {
    const { test } = require('node:test');
    const assert = require('node:assert/strict');
    test('the server stops on SIGTERM with status 0 and no sanitizer report', async () => {
        const server = get_server();
        assert.ok(server, 'the server never started');
        const code = await server.stop();
        const err = server.stderr();
        assert.equal(/(ERROR|WARNING): \w+Sanitizer|runtime error:/.exec(err), null,
                     err.slice(-1500));
        assert.equal(code, 0, `exit status ${code}: ${err.slice(-600)}`);
    });
}

module.exports = {
    ROOT, ALMANAC, CHROMIUM, NOW, SHOTS,
    tmpdir, almanac, serve, launch, open_context, problems, test_server_stops,
};
