#!/usr/bin/env python3
"""llm_server.py - a loopback server speaking the OpenAI chat completions
protocol, for tests/cli/llm.sh.

Listens on 127.0.0.1 on a port the kernel picks and prints that port alone on
its first line of stdout; appends one JSON line per request to the file named
by its first argument: {"path", "auth" (the Authorization header or null),
"mode", "model", "schema" (the response_format type)}. It exits when its stdin
closes or after 300 seconds. Standard library only.

POST .../chat/completions answers by a marker in the user message:
  MODE-GOOD     a valid answer (plain JSON in the message content)
  MODE-FENCE    a valid answer inside a ```json fence, words around it
  MODE-BADJSON  content that is not JSON
  MODE-INVENT   a summary naming an entity the item does not ("Zorblax Dynamics")
  MODE-LONG     a summary of more than 90 words
  MODE-TITLE    a summary whose first sentence is the title said again
  MODE-SLOW     waits 4 seconds before a valid answer (beyond the test's timeout)
  MODE-429      429 Too Many Requests with Retry-After: 120
  MODE-500      500
A path starting /fail/ answers 500 to everything (for the circuit breaker).
"""
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1] if len(sys.argv) > 1 else os.devnull
_lock = threading.Lock()

GOOD = ("Orbital Labs has released a new research model for coding agents, and the "
        "announcement describes how it was trained and evaluated against earlier systems. "
        "The company says the model is cheaper to run and better at long tasks, which "
        "matters for teams that build software with agents. Independent tests are still "
        "to come, so the claims deserve a careful look before anyone relies on them.")
LONG = GOOD + (" The post goes on at length about the training data, the evaluation "
               "suite, the hardware used, the safety testing, the pricing, the release "
               "schedule, the partners who tried it early, and the open questions that "
               "remain for researchers who want to reproduce any of the results reported.")
INVENT = GOOD.replace("Independent tests", "Zorblax Dynamics tests")


def answer(mode, title):
    if mode in ("GOOD", "SLOW"):
        return json.dumps({"summary": GOOD, "kind": "release", "entities": ["Orbital Labs"]})
    if mode == "FENCE":
        return ("Here is the summary:\n```json\n" +
                json.dumps({"summary": GOOD, "kind": "research",
                            "entities": [{"name": "orbital labs"}]}) + "\n```\n")
    if mode == "BADJSON":
        return '{"summary": "Orbital Labs released a model", "entities": ['
    if mode == "INVENT":
        return json.dumps({"summary": INVENT, "kind": "release",
                           "entities": ["Orbital Labs", "Zorblax Dynamics"]})
    if mode == "LONG":
        return json.dumps({"summary": LONG, "kind": "release", "entities": ["Orbital Labs"]})
    if mode == "TITLE":
        return json.dumps({"summary": title + ". " + GOOD, "kind": "release",
                           "entities": ["Orbital Labs"]})
    return json.dumps({"summary": "?", "entities": []})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw)
            user = [m["content"] for m in req["messages"] if m["role"] == "user"][0]
        except Exception:
            self.send(400, '{"error": "bad request"}')
            return
        m = re.search(r"MODE-([A-Z0-9]+)", user)
        mode = m.group(1) if m else "GOOD"
        t = re.match(r"Title: (.*)", user)
        title = t.group(1) if t else ""
        if self.path.startswith("/fail/"):
            mode = "FAIL"
        with _lock:
            with open(LOG, "a") as f:
                f.write(json.dumps({"path": self.path,
                                    "auth": self.headers.get("Authorization"),
                                    "mode": mode, "model": req.get("model"),
                                    "schema": (req.get("response_format") or {}).get("type")})
                        + "\n")
        if not self.path.endswith("/chat/completions"):
            self.send(404, '{"error": "not found"}')
            return
        if mode in ("500", "FAIL"):
            self.send(500, '{"error": {"message": "internal error"}}')
            return
        if mode == "429":
            self.send(429, '{"error": {"message": "rate limited"}}', [("Retry-After", "120")])
            return
        if mode == "SLOW":
            time.sleep(4)
        body = {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                "model": req.get("model"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant",
                                         "content": answer(mode, title)}}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 80, "total_tokens": 180}}
        try:
            self.send(200, json.dumps(body))
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    end = time.time() + 300
    def watch():
        sys.stdin.read()
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()
    while time.time() < end:
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    main()
