#!/usr/bin/env bash
# alerts.sh - [alert NAME] rules delivered after the analysis and by
# `almanac alerts send`: to a webhook receiver (python3 http.server) and to
# SMTP servers (a small responder of this test, plain and with STARTTLS on a
# self-signed certificate made here), all on loopback. Checks the HMAC
# signature, once per rule and event across runs, a 500 then 200 (a retry,
# then the delivery), a receiver that always fails (a dead letter shown by
# `almanac alerts`), quiet hours, the SSRF guard, and the e-mail as received
# (saved as .eml in the test's directory; ALERTS_KEEP=DIR copies them there).
# The clock is ALMANAC_NOW: nothing here waits for time to pass.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/alerts.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_DATA=$ROOT
unset ALMANAC_ALLOW_LOCAL
export HOOK_SECRET='test-secret: not a real key'
export SMTP_PASSWORD='hunter2'
pids=()
stop_all() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    cleanup
}
trap stop_all EXIT

# ---- the feed: three items of the last day, one of two months ago ----
cat >"$T/feed.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Lab</title><link>https://lab.example/</link>
<description>t</description>
<item><title>Test Lab releases Claude 9 with a 10 million token context window</title>
<link>https://lab.example/claude-9</link><guid>a1</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>
<description>Test Lab today released Claude 9, a frontier model with a ten million token context window, available in the API. It beats every earlier model on coding benchmarks.</description></item>
<item><title>OpenAI &amp; Anthropic sign a &lt;safety&gt; pact, "at last" — café</title>
<link>https://lab.example/pact?a=1&amp;b=2</link><guid>a2</guid>
<pubDate>Mon, 30 Nov 2026 12:00:00 GMT</pubDate>
<description>Two labs agreed on shared evaluations for dangerous capabilities &lt;script&gt;alert(1)&lt;/script&gt; before release.</description></item>
<item><title>A small note on tokenizers</title>
<link>https://lab.example/note</link><guid>a3</guid>
<pubDate>Mon, 30 Nov 2026 15:00:00 GMT</pubDate>
<description>Some thoughts on byte pair encoding and its quirks.</description></item>
<item><title>An old post from October</title>
<link>https://lab.example/old</link><guid>a4</guid>
<pubDate>Thu, 01 Oct 2026 10:00:00 GMT</pubDate>
<description>This one is too old to alert anyone.</description></item>
</channel></rss>
EOF

# ---- the servers ----
cat >"$T/servers.py" <<'EOF'
import base64, json, os, socket, socketserver, ssl, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

d = sys.argv[1]
lock = threading.Lock()
tries = {}

class Hook(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = (self.path, self.headers.get("X-Almanac-Delivery"))
        with lock:
            tries[key] = tries.get(key, 0) + 1
            n = tries[key]
            with open(os.path.join(d, "hooks.jsonl"), "a") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers),
                                    "body": body.decode("utf-8"), "try": n}) + "\n")
        code = 200
        if self.path == "/down" or (self.path == "/flaky" and n == 1):
            code = 500
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

count = [0]

def smtp_server(name, tls_ctx):
    class H(socketserver.StreamRequestHandler):
        def handle(self):
            sock = self.request
            rf = sock.makefile("rb")
            def say(s):
                sock.sendall((s + "\r\n").encode())
            secure = False
            say("220 test ESMTP")
            rcpts, frm = [], None
            while True:
                line = rf.readline()
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").strip()
                up = cmd.upper()
                if up.startswith("EHLO") or up.startswith("HELO"):
                    ext = ["250-test", "250-AUTH PLAIN"]
                    if tls_ctx and not secure:
                        ext.append("250-STARTTLS")
                    ext.append("250 8BITMIME")
                    for e in ext:
                        say(e)
                elif up == "STARTTLS" and tls_ctx and not secure:
                    say("220 go ahead")
                    sock = tls_ctx.wrap_socket(sock, server_side=True)
                    rf = sock.makefile("rb")
                    secure = True
                elif up.startswith("AUTH PLAIN"):
                    cred = cmd[10:].strip()
                    if not cred:
                        say("334 ")
                        cred = rf.readline().decode().strip()
                    with open(os.path.join(d, name + "-auth.txt"), "a") as f:
                        f.write(base64.b64decode(cred).decode("utf-8", "replace")
                                .replace("\0", " ") + "\n")
                    say("235 ok")
                elif up.startswith("MAIL FROM:"):
                    frm = cmd[10:]
                    rcpts = []
                    say("250 ok")
                elif up.startswith("RCPT TO:"):
                    rcpts.append(cmd[8:])
                    say("250 ok")
                elif up == "DATA":
                    say("354 end with .")
                    data = b""
                    while True:
                        l = rf.readline()
                        if not l or l == b".\r\n":
                            break
                        if l.startswith(b".."):
                            l = l[1:]
                        data += l
                    with lock:
                        count[0] += 1
                        n = count[0]
                    base = os.path.join(d, "%s-%d" % (name, n))
                    with open(base + ".eml", "wb") as f:
                        f.write(data)
                    with open(base + ".json", "w") as f:
                        json.dump({"from": frm, "rcpt": rcpts, "tls": secure}, f)
                    say("250 queued")
                elif up in ("RSET", "NOOP"):
                    say("250 ok")
                elif up == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 what")
    class S(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
    return S(("127.0.0.1", 0), H)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(d, "cert.pem"), os.path.join(d, "key.pem"))
hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
tls = smtp_server("tls", ctx)
plain = smtp_server("plain", None)
for s in (hook, tls, plain):
    threading.Thread(target=s.serve_forever, daemon=True).start()
with open(os.path.join(d, "ports.tmp"), "w") as f:
    f.write("%d %d %d\n" % (hook.server_address[1], tls.server_address[1],
                            plain.server_address[1]))
os.rename(os.path.join(d, "ports.tmp"), os.path.join(d, "ports"))
sys.stdin.read()   # until the test ends
EOF

begin
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    >"$T/openssl.log" 2>&1 || fail "openssl req: $(tail -n1 "$T/openssl.log")"
mkfifo "$T/servers.in"
python3 "$T/servers.py" "$T" <"$T/servers.in" >"$T/servers.log" 2>&1 &
pids+=($!)
exec 8>"$T/servers.in"
for _ in $(seq 1 100); do [ -s "$T/ports" ] && break; sleep 0.1; done
read -r hport tport pport <"$T/ports" || fail "the servers did not start: $(cat "$T/servers.log")"
end "a webhook receiver and two SMTP servers (plain, STARTTLS) on loopback"

conf=$T/alerts.conf
db=$(new_db a)
cat >"$conf" <<EOF
[almanac]
database = $db

[source "lab"]
name = Test Lab
feed = https://lab.example/feed.xml
snapshot = $T/feed.xml
tier = 1
kind = lab

[alert hook]
webhook = http://127.0.0.1:$hport/ok
secret_env = HOOK_SECRET
local = yes

[alert flaky]
source = lab
webhook = http://127.0.0.1:$hport/flaky
local = yes

[alert down]
webhook = http://127.0.0.1:$hport/down
attempts = 2
local = yes

[alert quiet]
webhook = http://127.0.0.1:$hport/quiet
quiet_hours = 23:00-06:00
local = yes

[alert guarded]
webhook = http://127.0.0.1:$hport/guarded

[alert mail]
email = reader@example.org

[smtp]
url = smtp://127.0.0.1:$tport
from = almanac@example.org
user = almanac
password_env = SMTP_PASSWORD
ca_file = $T/cert.pem
local = yes
EOF
NOW1=2026-12-01T00:00:00Z

begin
ALMANAC_NOW=$NOW1 run "$T/ing1" "$ALMANAC" --config "$conf" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ing1")"
grep -q '^alerts: ' "$T/ing1" || fail "no alerts line after the analysis: $(cat "$T/ing1")"
n=$(sql "$db" "SELECT count(*) FROM events")
[ "$n" = 4 ] || fail "$n events, expected 4"
end "ingest analyses, then delivers alerts" "($(grep '^alerts: ' "$T/ing1"))"

# hooks PATH [TRY]: the event ids of the requests to PATH (the try-th only), sorted
hooks() {
    python3 - "$T/hooks.jsonl" "$1" "${2:-0}" <<'EOF'
import json, sys
ids = []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] == sys.argv[2] and (sys.argv[3] == "0" or r["try"] == int(sys.argv[3])):
        ids.append(json.loads(r["body"])["event"]["id"])
print(" ".join(str(i) for i in sorted(ids)))
EOF
}
recent=$(sql "$db" "SELECT id FROM items WHERE guid != 'a4' ORDER BY id" | tr '\n' ' ')
recent=${recent% }

begin
got=$(hooks /ok)
[ "$got" = "$recent" ] || fail "/ok got events '$got', expected the recent '$recent'"
sql_json "$db" "SELECT i.id, i.title, e.score, e.summary FROM items i JOIN events e ON e.id = i.id" \
    >"$T/events.json"
python3 - "$T/hooks.jsonl" "$HOOK_SECRET" "$T/events.json" 2>"$T/hooks.err" <<'EOF' || fail "signature or body: $(tail -n1 "$T/hooks.err")"
import hashlib, hmac, json, sys
rows = {r["id"]: r for r in json.load(open(sys.argv[3]))}
n = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] != "/ok":
        continue
    body = r["body"].encode("utf-8")
    sig = r["headers"].get("X-Almanac-Signature", "")
    want = "sha256=" + hmac.new(sys.argv[2].encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(sig, want), (sig, want)
    assert r["headers"]["Content-Type"] == "application/json"
    j = json.loads(body)
    assert j["rule"] == "hook", j
    ev = j["event"]
    title, score = rows[ev["id"]]["title"], rows[ev["id"]]["score"]
    assert ev["title"] == title and ev["score"] == score, (ev, title, score)
    for k in ("link", "source", "published", "kind", "summary", "guides"):
        assert k in ev, k
    # a changed body does not verify
    bad = hmac.new(sys.argv[2].encode(), body + b" ", hashlib.sha256).hexdigest()
    assert "sha256=" + bad != sig
    n += 1
assert n == 3, n
EOF
grep '"/flaky"' "$T/hooks.jsonl" | grep -q 'X-Almanac-Signature' &&
    fail "a rule without secret_env sent a signature"
end "the webhook gets the event's JSON and the rule, signed: HMAC-SHA256 verifies" "($got)"

begin
[ -z "$(hooks /quiet)" ] || fail "quiet hours (23:00-06:00) did not hold: $(hooks /quiet)"
n=$(sql "$db" "SELECT count(*) FROM alert_deliveries WHERE rule = 'quiet' AND state = 'pending'")
[ "$n" = 3 ] || fail "$n pending deliveries for the quiet rule, expected 3"
grep -q 'held by quiet hours' "$T/ing1" || fail "no held count"
end "quiet hours hold the deliveries"

begin
n=$(sql "$db" "SELECT count(*) FROM alert_deliveries WHERE rule = 'guarded' AND state = 'pending'
               AND error LIKE 'refused: 127.0.0.1 is a loopback address%'")
[ "$n" = 3 ] || fail "$n guarded deliveries refused by the SSRF guard, expected 3:
 $(sql "$db" "SELECT error FROM alert_deliveries WHERE rule = 'guarded' LIMIT 1")"
[ -z "$(hooks /guarded)" ] || fail "the receiver got a request for a rule without local = yes"
end "a webhook on loopback without local = yes is refused by the SSRF guard"

# ---- a second run at the same time: nothing is sent twice ----
begin
ALMANAC_NOW=$NOW1 run "$T/send1" "$ALMANAC" --config "$conf" alerts send
[ "$rc" -eq 0 ] || fail "alerts send: $rc: $(errtext "$T/send1")"
ALMANAC_NOW=$NOW1 run "$T/ing2" "$ALMANAC" --config "$conf" ingest --snapshot --all
[ "$rc" -eq 0 ] || fail "second ingest: $rc: $(errtext "$T/ing2")"
[ "$(hooks /ok)" = "$recent" ] || fail "/ok now has '$(hooks /ok)'"
[ "$(hooks /flaky)" = "$recent" ] || fail "/flaky was retried before it was due: '$(hooks /flaky)'"
n=$(ls "$T"/tls-*.eml 2>/dev/null | wc -l)
[ "$n" = 3 ] || fail "$n e-mails after two runs, expected 3: $(sql "$db" "SELECT state, attempts, error FROM alert_deliveries WHERE rule = 'mail' LIMIT 1")"
end "each event is delivered once per rule across runs" "($(cat "$T/send1"))"

# ---- five minutes later: the flaky receiver's retries succeed, /down dies ----
begin
ALMANAC_NOW=2026-12-01T00:05:00Z run "$T/send2" "$ALMANAC" --config "$conf" alerts send
[ "$rc" -eq 0 ] || fail "alerts send: $rc: $(errtext "$T/send2")"
[ "$(hooks /flaky 1)" = "$recent" ] || fail "first tries of /flaky: '$(hooks /flaky 1)'"
[ "$(hooks /flaky 2)" = "$recent" ] || fail "second tries of /flaky: '$(hooks /flaky 2)'"
n=$(sql "$db" "SELECT count(*) FROM alert_deliveries WHERE rule = 'flaky' AND state = 'sent'
               AND attempts = 2 AND status = 200")
[ "$n" = 3 ] || fail "$n flaky deliveries sent on their second attempt, expected 3"
end "a 500 then a 200: a retry, then the delivery" "($(cat "$T/send2"))"

begin
n=$(sql "$db" "SELECT count(*) FROM alert_deliveries WHERE rule = 'down' AND state = 'dead'
               AND attempts = 2 AND error = 'HTTP 500'")
[ "$n" = 3 ] || fail "$n dead letters for the rule down, expected 3"
[ "$(hooks /down)" = "$(echo $recent $recent | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" ] ||
    fail "/down got '$(hooks /down)'"
ALMANAC_NOW=2026-12-01T00:05:00Z run "$T/list" "$ALMANAC" --config "$conf" alerts
[ "$rc" -eq 0 ] || fail "almanac alerts: $rc: $(errtext "$T/list")"
sed -n '/^dead letters:/,$p' "$T/list" | grep -q 'down .*dead letter *2 attempts, last status 500: HTTP 500' ||
    fail "almanac alerts does not show the dead letters: $(sed -n '/^dead letters:/,$p' "$T/list")"
grep -q '^  hook .*webhook http://127.0.0.1:[0-9]*/... (signed)' "$T/list" ||
    fail "the rule hook is not listed: $(head -n 8 "$T/list")"
sed -n '/^pending retries:/,/^dead letters:/p' "$T/list" | grep -q 'guarded .*refused' ||
    fail "the refused deliveries are not among the pending retries"
grep -q "$HOOK_SECRET\|$SMTP_PASSWORD" "$T/list" && fail "a secret is printed"
end "a receiver that always fails ends in dead letters shown by almanac alerts"

begin
ALMANAC_NOW=2026-12-01T06:30:00Z run "$T/send3" "$ALMANAC" --config "$conf" alerts send
[ "$(hooks /quiet)" = "$recent" ] || fail "after the quiet hours /quiet got '$(hooks /quiet)'"
[ "$(hooks /ok)" = "$recent" ] || fail "/ok got more: '$(hooks /ok)'"
end "after the quiet hours the held deliveries go" "($(cat "$T/send3"))"

# ---- the e-mail, as the STARTTLS server received it ----
begin
sql_json "$db" "SELECT i.id, i.title, e.score, e.summary FROM items i JOIN events e ON e.id = i.id" \
    >"$T/events.json"
python3 - "$T" "$T/events.json" 2>"$T/mailcheck.err" <<'EOF' || fail "the e-mails: $(tail -n 1 "$T/mailcheck.err")"
import email, email.policy, glob, json, sys, html
d = sys.argv[1]
rows = {r["id"]: r for r in json.load(open(sys.argv[2]))}
files = sorted(glob.glob(d + "/tls-*.eml"))
assert len(files) == 3, files
seen = set()
for f in files:
    meta = json.load(open(f[:-4] + ".json"))
    assert meta["tls"], "not over STARTTLS"
    assert meta["rcpt"] == ["<reader@example.org>"], meta
    assert meta["from"] == "<almanac@example.org>", meta
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    subject = str(m["Subject"])
    ev = int(m["X-Almanac-Event"])
    title, score, summary = rows[ev]["title"], rows[ev]["score"], rows[ev]["summary"]
    assert subject == "[%d] %s" % (score, title), (subject, score, title)
    assert m.get_content_type() == "multipart/alternative"
    parts = [p for p in m.iter_parts()]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"], parts
    text, page = parts[0].get_content(), parts[1].get_content()
    assert title in text and summary.split(".")[0] in text, text
    assert html.escape(title, quote=False) in page or html.escape(title) in page, page
    assert "<script>" not in page, "unescaped markup in the HTML part"
    seen.add(ev)
assert len(seen) == 3
EOF
grep -q "almanac $SMTP_PASSWORD" "$T/tls-auth.txt" 2>/dev/null ||
    fail "no AUTH PLAIN with the user and the password from password_env"
if [ -n "${ALERTS_KEEP:-}" ]; then mkdir -p "$ALERTS_KEEP" && cp "$T"/tls-*.eml "$ALERTS_KEEP"/; fi
end "the e-mail arrives over STARTTLS: subject [score] title, text and HTML parts, escaped"

# ---- plain SMTP: only with starttls = optional on loopback ----
mdb=$(new_db m)
write_mail_conf() { # FILE PORT STARTTLS-LINE
    cat >"$1" <<EOF
[almanac]
database = $mdb

[source "lab"]
name = Test Lab
feed = https://lab.example/feed.xml
snapshot = $T/feed.xml

[alert plainmail]
email = reader@example.org
min_score = 1

[smtp]
url = smtp://127.0.0.1:$2
from = almanac@example.org
local = yes
$3
EOF
}
begin
write_mail_conf "$T/req.conf" "$pport" ""
ALMANAC_NOW=$NOW1 run "$T/ing3" "$ALMANAC" --config "$T/req.conf" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ing3")"
ls "$T"/plain-*.eml >/dev/null 2>&1 && fail "a message went in clear although STARTTLS is required"
n=$(sql "$mdb" "SELECT count(*) FROM alert_deliveries WHERE state = 'pending' AND attempts = 1")
[ "$n" = 3 ] || fail "$n failed deliveries, expected 3"
end "STARTTLS is required by default: a server without it gets nothing" \
    "($(sql "$mdb" "SELECT error FROM alert_deliveries LIMIT 1"))"

begin
write_mail_conf "$T/opt.conf" "$pport" "starttls = optional"
ALMANAC_NOW=2026-12-01T01:00:00Z run "$T/send4" "$ALMANAC" --config "$T/opt.conf" alerts send
[ "$rc" -eq 0 ] || fail "alerts send: $rc: $(errtext "$T/send4")"
n=$(ls "$T"/plain-*.eml 2>/dev/null | wc -l)
[ "$n" = 3 ] || fail "$n e-mails over plain SMTP, expected 3"
end "starttls = optional on loopback sends in clear"

begin
sed 's/^url = .*/url = smtp:\/\/mail.example.org:25/' "$T/opt.conf" >"$T/bad.conf"
run "$T/bad" "$ALMANAC" --config "$T/bad.conf" alerts
[ "$rc" -ne 0 ] && grep -q 'starttls = optional is only for a loopback' "$T/bad.err" ||
    fail "starttls = optional on a remote server was accepted: $rc $(cat "$T/bad.err")"
printf '[almanac]\n[alert x]\nmin_score = 8\n' >"$T/bad2.conf"
run "$T/bad2" "$ALMANAC" --config "$T/bad2.conf" alerts
grep -q 'give one target' "$T/bad2.err" || fail "a rule without a target: $(cat "$T/bad2.err")"
printf '[almanac]\n[alert x]\nwebhook = https://h.example/\nquiet_hours = 25:00-01:00\n' >"$T/bad3.conf"
run "$T/bad3" "$ALMANAC" --config "$T/bad3.conf" alerts
grep -q 'quiet_hours: expected HH:MM-HH:MM' "$T/bad3.err" || fail "bad quiet hours: $(cat "$T/bad3.err")"
run "$T/help" "$ALMANAC" alerts --help
[ "$rc" -eq 0 ] && grep -q '^usage: almanac alerts' "$T/help" || fail "alerts --help: $rc"
end "the configuration's alert and smtp sections are checked; alerts --help"

finish
