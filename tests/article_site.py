#!/usr/bin/env python3
"""article_site.py - a loopback news site for tests/cli/fulltext.sh.

Listens on 127.0.0.1 on a port the kernel picks and prints that port alone on
its first line of stdout; appends the path of every request it answers to the
file named by its first argument (one a line). It exits when its stdin closes
or after 300 seconds. Standard library only.

Routes:
  /robots.txt            User-agent: * disallows /private/ (another agent's
                         group disallows everything, which must not apply)
  /feed.xml              RSS, title-only items linking to the pages below
  /feed-long.xml         RSS whose one item has a long description (over 80
                         words): fetched only when the source says fulltext
  /posts/quill.html      an article (lab release) with boilerplate around it
  /posts/ai-act.html     an article (policy)
  /posts/long.html       the article of the long item
  /posts/huge.html       a page larger than the test's article_max_bytes
  /posts/slow.html       sends a byte every second, for longer than the
                         test's article_timeout
  /posts/gone.html       404
  /private/draft.html    an article robots.txt disallows
  /control/v2            from now on /feed.xml gives Quill-7's entry a new title

/posts/quill.html has an ETag and answers 304 to a matching If-None-Match; the
log then gets a line "304 /posts/quill.html" after the path.
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1] if len(sys.argv) > 1 else os.devnull
_log_lock = threading.Lock()
_state = {"v": 1}
QUILL_ETAG = '"quill-1"'

ROBOTS = b"""# test site
User-agent: grumpybot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/ok
"""

NAV = """<header><nav><a href="/">Home</a> <a href="/research">Research</a>
<a href="/company">Company</a> <a href="/careers">Careers</a> <a href="/news">News</a></nav></header>"""
FOOT = """<footer><p>Subscribe to our newsletter for more updates.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li>
<li><a href="/cookies">Cookies</a></li></ul><p>Copyright 2026 Example. All rights reserved.</p></footer>"""


def page(title, paras):
    body = "\n".join("<p>%s</p>" % p for p in paras)
    return ("""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>%s | Example News</title>
<meta property="og:title" content="%s"></head><body>%s
<main><article><h1>%s</h1><p class="byline">By the Example team, March 3, 2026</p>
%s</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Another post</a></li>
<li><a href="/b">Yet another post</a></li></ul></aside></main>%s</body></html>"""
            % (title, title, NAV, title, body, FOOT)).encode()


QUILL = page("Helios Labs opens the weights of Quill-7", [
    "It has been a busy spring for everyone on the team, and we want to share some news.",
    "Today Helios Labs is releasing Quill-7, a seven-billion-parameter language model, "
    "with open weights under the Apache 2.0 licence.",
    "Quill-7 was trained on four trillion tokens of curated text, including a new corpus "
    "of zanzibarite mineral surveys that we assembled with field geologists in Tanzania.",
    "On standard reasoning benchmarks it matches models twice its size, scoring 71 percent "
    "on GPQA and 84 percent on MATH.",
    "This matters because a model of this size runs on a single laptop GPU, which lets "
    "universities and small startups audit and fine-tune it without paying for cloud access.",
    "We thank our many collaborators and friends for their support over the years.",
    "The release also includes the evaluation code and a model card describing known "
    "limitations and the results of our safety testing.",
    "Questions about the licence can be sent to our developer relations team.",
])

AI_ACT = page("Brussels delays the AI Act's rules for general-purpose models", [
    "Brussels was grey and cold on Tuesday morning as ministers arrived for the meeting.",
    "The European Commission agreed on Tuesday to delay by twelve months the obligations "
    "of the AI Act that apply to providers of general-purpose models.",
    "The delay follows a year of lobbying by developers who said the codes of practice "
    "were published too late for them to prepare, and a letter signed by 40 chief executives.",
    "Providers will now have until August 2027 to document their training data and "
    "report serious incidents to the AI Office.",
    "Critics say the decision means that the most capable models will reach European "
    "users with no binding safety rules for another year, weakening the law's credibility.",
    "The Commission said the extra time would allow smaller firms to comply without "
    "leaving the European market.",
])

LONG = page("A long essay on evaluation", [
    "Leaderboards reward whoever overfits a public test set most skilfully, and the "
    "incentive to do so has only grown as model releases became marketing events.",
    "Several recent papers show that reported gains of two or three points often vanish "
    "when the same model is evaluated with a different random seed or prompt template.",
    "Evaluation of language models has become a field of its own, with its own "
    "conferences, leaderboards and controversies about contamination of test sets.",
    "This essay argues that the community should report variance across seeds, because "
    "single numbers hide how fragile many reported gains are in practice.",
    "It also proposes a small set of held-out tasks that are refreshed every quarter so "
    "that nobody can train on them by accident.",
])

DRAFT = page("A draft nobody may fetch", [
    "This draft is disallowed by robots.txt and must never be fetched by a polite crawler "
    "such as the one under test here, whatever the feed says about it.",
] * 3)

HUGE = page("A page far too large", ["filler text " * 40] * 400)

ITEM = """<item><title>%s</title><link>http://127.0.0.1:%d%s</link>
<guid>http://127.0.0.1:%d%s</guid><pubDate>%s</pubDate></item>"""


def feed(port, items, long_desc=None):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
           '<title>Example News</title><link>http://127.0.0.1:%d/</link>' % port]
    for title, path, date in items:
        x = ITEM % (title, port, path, port, path, date)
        if long_desc:
            x = x.replace("</item>", "<description>%s</description></item>" % long_desc)
        out.append(x)
    out.append("</channel></rss>\n")
    return "".join(out).encode()


FEED_ITEMS = [
    ("Helios Labs opens the weights of Quill-7", "/posts/quill.html",
     "Tue, 03 Mar 2026 10:00:00 GMT"),
    ("Brussels delays the AI Act's rules for general-purpose models", "/posts/ai-act.html",
     "Tue, 03 Mar 2026 09:00:00 GMT"),
    ("A draft nobody may fetch", "/private/draft.html", "Tue, 03 Mar 2026 08:00:00 GMT"),
    ("A page far too large", "/posts/huge.html", "Tue, 03 Mar 2026 07:00:00 GMT"),
    ("A page that never finishes", "/posts/slow.html", "Tue, 03 Mar 2026 06:00:00 GMT"),
    ("A page that is gone", "/posts/gone.html", "Tue, 03 Mar 2026 05:00:00 GMT"),
]
LONG_DESC = ("Evaluation of language models has become a field of its own, with its own "
             "conferences, leaderboards and controversies. In this essay we look at why single "
             "numbers mislead, how contamination of test sets creeps in through web crawls, "
             "what variance across random seeds tells us about the reliability of reported "
             "gains, and which small changes to reporting practice would make comparisons "
             "between models more honest. We close with a proposal for refreshed held-out "
             "tasks and a call for reviewers to ask for error bars in every table.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="text/html; charset=utf-8", etag=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        with _log_lock:
            with open(LOG, "a") as f:
                f.write(path + "\n")
        port = self.server.server_address[1]
        if path == "/robots.txt":
            self.send(200, ROBOTS, "text/plain")
        elif path == "/feed.xml":
            items = list(FEED_ITEMS)
            if _state["v"] == 2:
                items[0] = (items[0][0] + ", now with a smaller sibling",) + items[0][1:]
            self.send(200, feed(port, items), "application/rss+xml")
        elif path == "/control/v2":
            _state["v"] = 2
            self.send(200, b"ok", "text/plain")
        elif path == "/posts/quill.html" and self.headers.get("If-None-Match") == QUILL_ETAG:
            with _log_lock:
                with open(LOG, "a") as f:
                    f.write("304 " + path + "\n")
            self.send_response(304)
            self.send_header("ETag", QUILL_ETAG)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/feed-long.xml":
            self.send(200, feed(port, [("A long essay on evaluation", "/posts/long.html",
                                        "Mon, 02 Mar 2026 10:00:00 GMT")], LONG_DESC),
                      "application/rss+xml")
        elif path == "/posts/quill.html":
            self.send(200, QUILL, etag=QUILL_ETAG)
        elif path == "/posts/ai-act.html":
            self.send(200, AI_ACT)
        elif path == "/posts/long.html":
            self.send(200, LONG)
        elif path == "/private/draft.html":
            self.send(200, DRAFT)
        elif path == "/posts/huge.html":
            self.send(200, HUGE)
        elif path == "/posts/slow.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
        else:
            self.send(404, b"not found", "text/plain")


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print(srv.server_address[1], flush=True)
    t = threading.Thread(target=lambda: sys.stdin.read(), daemon=True)
    t.start()
    t.join(300)
    srv.shutdown()


if __name__ == "__main__":
    main()
