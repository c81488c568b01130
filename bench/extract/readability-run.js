// readability-run.js - Mozilla's readability.js over pages listed on stdin
// (one "path<TAB>url" a line): one JSON line per page {"text": ...} on
// stdout, and the time spent in JSDOM parsing plus Readability on stderr as
// {"seconds": S, "cpu": C, "pages": N} (C: user + system of the process). Node's start-up and module loading are not
// counted, which favours readability.js.
'use strict';
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const lines = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
const pages = lines.map((l) => {
  const [path, url] = l.split('\t');
  return { buf: fs.readFileSync(path), url: url || 'http://example.com/' };
});
const quiet = new VirtualConsole();
const out = [];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
for (const p of pages) {
  let text = '';
  try {
    // bytes, so that jsdom sniffs the charset as a browser would
    const dom = new JSDOM(p.buf, { url: p.url, virtualConsole: quiet });
    const art = new Readability(dom.window.document).parse();
    text = art && art.textContent ? art.textContent : '';
    dom.window.close();
  } catch (e) {
    text = '';
  }
  out.push(JSON.stringify({ text }));
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(JSON.stringify({ seconds: secs, cpu, pages: pages.length }) + '\n');
