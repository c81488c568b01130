#!/usr/bin/env python3
"""workers_site.py - a loopback feed site for tests/cli/workers.sh.

Serves data/snapshot/NAME at /feed/NAME (any query string ignored) after
waiting DELAY seconds, so that fetches overlap, and appends one line per
request to LOG: "PATH START END" (monotonic seconds), written when the answer
is sent. Prints its port on the first line of stdout; exits when stdin
closes. Standard library only.
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG, DELAY = sys.argv[1], float(sys.argv[2])
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "snapshot")
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        start = time.monotonic()
        name = self.path.split("?")[0].removeprefix("/feed/")
        path = os.path.join(ROOT, os.path.basename(name))
        time.sleep(DELAY)
        try:
            body = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.send_error(404)
        with lock, open(LOG, "a") as f:
            f.write("%s %.3f %.3f\n" % (self.path, start, time.monotonic()))


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
