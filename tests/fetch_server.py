#!/usr/bin/env python3
"""fetch_server.py - a loopback HTTP server for tests/unit/fetch.c and tests/cli.

Listens on 127.0.0.1 on a port the kernel picks and prints that port alone on
its first line of stdout. It exits when its stdin closes (the test that
started it ended, however it ended) or after 300 seconds. Standard library
only.

Routes:
  /feed                 200 with ETag and Last-Modified; 304 when the request's
                        If-None-Match or If-Modified-Since matches
  /gzip                 a text body sent with Content-Encoding: gzip
  /redirect-permanent   301 -> /feed
  /redirect-temp        302 -> /feed
  /redirect-chain       308 -> /redirect-chain-2, which is 301 -> /feed
  /redirect-loop        302 -> itself
  /redirect-to-private  302 -> http://10.0.0.1/x
  /redirect-to-file     302 -> file:///etc/hostname (redirects must not reach files)
  /slow                 promises 1000 bytes, sends one every 2 s
  /big                  a 20 MiB body with Content-Length
  /endless              a chunked body that never ends
  /gzip-bomb            ~1 MiB of gzip that inflates to 1 GiB of zeros
  /status/NNN           status NNN; 429 has Retry-After: 120, 503 an HTTP-date
                        two minutes ahead
  /ua                   echoes the User-Agent
  /sleep?ms=N&id=X      waits N ms, then answers "id=X" (for concurrency)

Routes for tests/cli (real feeds through the whole pipeline):
  /file/NAME            tests/data/NAME (or articles/NAME) as it is, no validators; 404 when missing
  /changing?k=KEY       tests/data/changing.1.xml on the first request for that
                        KEY, tests/data/changing.2.xml on every later one (an
                        entry edited, one added), so one server serves many tests
  /retry-after/N        429 with Retry-After: N (seconds)
"""
import email.utils
import os
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ETAG = '"feed-v1"'
LAST_MODIFIED = "Tue, 10 Jun 2003 04:00:00 GMT"
FEED = (b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<rss version="2.0"><channel><title>Test feed</title>'
        b'<link>http://example.com/</link>'
        b'<item><title>One</title><link>http://example.com/1</link></item>'
        b'</channel></rss>\n')
GZIP_TEXT = b"decoded gzip body\n" * 200

_bomb = None
_bomb_lock = threading.Lock()

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
         ".json": "application/feed+json", ".txt": "text/plain", ".html": "text/html"}
_changing = {}
_changing_lock = threading.Lock()


def gzip_bomb():
    """1 GiB of zeros as gzip, built from one repeated deflate block.

    After a full flush a deflate stream starts afresh on a byte boundary, so
    the bytes for one MiB of zeros can simply be repeated 1024 times.
    """
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            block = bytes(1 << 20)
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            chunk = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
            end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
            crc = 0
            for _ in range(1024):
                crc = zlib.crc32(block, crc)
            header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
            trailer = struct.pack("<II", crc, (1 << 30) & 0xFFFFFFFF)
            _bomb = header + chunk * 1024 + end + trailer
        return _bomb


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def reply(self, status, body=b"", ctype="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304 and body:
            self.wfile.write(body)

    def redirect(self, status, location):
        self.reply(status, b"moved\n", headers=[("Location", location)])

    def feed(self):
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        validators = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
        fresh = False
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            fresh = ETAG in tags or "*" in tags
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims)
                fresh = since >= email.utils.parsedate_to_datetime(LAST_MODIFIED)
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            self.reply(304, headers=validators)
        else:
            self.reply(200, FEED, "application/rss+xml; charset=utf-8", validators)

    def data_file(self, name):
        """Serves tests/data/NAME or tests/data/articles/NAME; names never leave them."""
        path = os.path.join(DATA, name)
        base = name[len("articles/"):] if name.startswith("articles/") else name
        if "/" in base or base.startswith(".") or not os.path.isfile(path):
            self.reply(404, b"no such file\n")
            return
        with open(path, "rb") as f:
            body = f.read()
        ctype = TYPES.get(os.path.splitext(name)[1], "application/octet-stream")
        self.reply(200, body, ctype)

    def changing(self, key):
        with _changing_lock:
            n = _changing.get(key, 0) + 1
            _changing[key] = n
        self.data_file("changing.1.xml" if n == 1 else "changing.2.xml")

    def stream(self, headers, chunks):
        """Sends headers, then chunks until the client goes away."""
        self.close_connection = True
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        try:
            for data in chunks:
                self.wfile.write(data)
                self.wfile.flush()
        except OSError:
            pass

    def do_GET(self):
        # Every requested path goes to $FETCH_SERVER_LOG when set, so a test
        # can prove something was never requested.
        log = os.environ.get("FETCH_SERVER_LOG")
        if log:
            with open(log, "a") as fp:
                fp.write(self.path + "\n")
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        try:
            self.route(path, query)
        except OSError:
            self.close_connection = True

    def route(self, path, query):
        if path == "/feed":
            self.feed()
        elif path == "/gzip":
            self.reply(200, gzip_text(), headers=[("Content-Encoding", "gzip")])
        elif path == "/redirect-permanent":
            self.redirect(301, "/feed")
        elif path == "/redirect-temp":
            self.redirect(302, "/feed")
        elif path == "/redirect-chain":
            self.redirect(308, "/redirect-chain-2")
        elif path == "/redirect-chain-2":
            self.redirect(301, "/feed")
        elif path == "/redirect-loop":
            self.redirect(302, "/redirect-loop")
        elif path == "/redirect-to-private":
            self.redirect(302, "http://10.0.0.1/x")
        elif path == "/redirect-to-file":
            self.redirect(302, "file:///etc/hostname")
        elif path == "/slow":
            def drip():
                for _ in range(1000):
                    yield b"x"
                    time.sleep(2)
            self.stream([("Content-Length", "1000")], drip())
        elif path == "/big":
            size = 20 << 20
            block = b"a" * (64 << 10)
            self.stream([("Content-Length", str(size))],
                        (block for _ in range(size // len(block))))
        elif path == "/endless":
            block = b"e" * (64 << 10)
            chunk = b"%x\r\n" % len(block) + block + b"\r\n"

            def forever():
                while True:
                    yield chunk
            self.stream([("Transfer-Encoding", "chunked")], forever())
        elif path == "/gzip-bomb":
            self.reply(200, gzip_bomb(), headers=[("Content-Encoding", "gzip")])
        elif path.startswith("/status/") and path[8:].isdigit():
            code = int(path[8:])
            headers = []
            if code == 429:
                headers.append(("Retry-After", "120"))
            elif code == 503:
                when = email.utils.formatdate(time.time() + 120, usegmt=True)
                headers.append(("Retry-After", when))
            self.reply(code, b"status %d\n" % code, headers=headers)
        elif path.startswith("/file/"):
            self.data_file(path[6:])
        elif path == "/changing":
            self.changing(query.get("k", [""])[0])
        elif path.startswith("/retry-after/") and path[13:].isdigit():
            self.reply(429, b"slow down\n", headers=[("Retry-After", path[13:])])
        elif path == "/ua":
            self.reply(200, self.headers.get("User-Agent", "").encode())
        elif path == "/sleep":
            time.sleep(int(query.get("ms", ["0"])[0]) / 1000)
            self.reply(200, ("id=" + query.get("id", [""])[0]).encode())
        else:
            self.reply(404, b"no such route\n")


def gzip_text():
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(GZIP_TEXT) + c.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass   # clients hang up on purpose here; stay quiet


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Timer(300, lambda: os._exit(0))
    stop.daemon = True
    stop.start()
    print(server.server_address[1], flush=True)
    try:
        sys.stdin.read()
    except (OSError, KeyboardInterrupt):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
