#!/usr/bin/env bash
# llm.sh - the optional language model ([llm]) end to end: a loopback server
# speaking the OpenAI chat completions protocol (tests/llm_server.py) answers
# well or badly by a marker in each item's text; good answers are stored and
# shown with their kind, every bad one (invalid JSON, an invented entity, too
# long, the title again, too slow, 429, 500) leaves the extractive summary,
# the cache keeps an unchanged item from being sent twice, the circuit
# breaker stops after repeated failures, the key goes as Authorization:
# Bearer and never into logs or the database, and without the section no
# request is made.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/llm.sh

. "$(dirname "$0")/lib.bash"
skip_on_pg "its PostgreSQL checks run in the SQLite pass (their own cluster)"

llm_pid=
pgdir=
llm_cleanup() {
    exec 8>&- 2>/dev/null
    [ -n "$llm_pid" ] && kill "$llm_pid" 2>/dev/null && wait "$llm_pid" 2>/dev/null
    [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
    cleanup
}
trap llm_cleanup EXIT

mkfifo "$T/llm.in" || exit 1
python3 tests/llm_server.py "$T/requests.log" <"$T/llm.in" >"$T/llm.out" 2>"$T/llm.err" &
llm_pid=$!
exec 8>"$T/llm.in"
lport=
for _ in $(seq 200); do
    lport=$(head -n1 "$T/llm.out" 2>/dev/null)
    [ -n "$lport" ] && break
    sleep 0.05
done
if [ -z "$lport" ]; then
    echo "not ok - llm server: tests/llm_server.py did not start: $(head -c 300 "$T/llm.err")"
    exit 1
fi
: >"$T/requests.log"

# Nine items, newest first in the order the modes are listed: the 429 last,
# since its Retry-After pauses every request after it.
modes="GOOD FENCE BADJSON INVENT LONG TITLE SLOW 500 429"
{
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<rss version="2.0"><channel><title>Orbital</title><link>https://orbital.example/</link>'
    day=28
    for m in $modes; do
        printf '<item><title>Orbital Labs note %s on agent models</title>\n' "$m"
        printf '<link>https://orbital.example/posts/%s</link><guid>orbital-%s</guid>\n' "$m" "$m"
        printf '<pubDate>%s Feb 2026 10:00:00 GMT</pubDate>\n' "$day"
        printf '<description>Orbital Labs published a long note (%s MODE-%s) about the agent models it trains\n' "$m" "$m"
        echo 'for software work. The note explains the training recipe, the evaluation suite and the'
        echo 'results against earlier systems on long coding tasks. It also describes the cost of'
        echo 'running the model, the safety testing done before release and the partners who tried it'
        echo 'early. The company says independent tests will follow in the coming weeks, and that the'
        echo 'weights will not be published for now.</description></item>'
        day=$((day - 1))
    done
    echo '</channel></rss>'
} >"$T/feed.xml"

base_conf() {
    printf '[source "orbital"]\nname = Orbital Labs\nfeed = https://orbital.example/feed.xml\n'
    printf 'snapshot = feed.xml\ntier = 1\nkind = lab\n'
}
base_conf >"$T/plain.conf"
{
    base_conf
    printf '\n[llm]\nendpoint = http://127.0.0.1:%s/v1\nmodel = test-model-7b\n' "$lport"
    printf 'key_env = ALMANAC_TEST_LLM_KEY\ntimeout = 1\nrate = 6000\nfailures = 20\n'
} >"$T/llm.conf"
{
    base_conf
    printf '\n[llm]\nendpoint = http://127.0.0.1:%s/fail/v1\nmodel = test-model-7b\n' "$lport"
    printf 'timeout = 2\nrate = 6000\nfailures = 3\n'
} >"$T/fail.conf"

export ALMANAC_NOW=2026-03-01T00:00:00Z
export ALMANAC_TEST_LLM_KEY=sk-test-SECRET-4711
plain=$T/plain.db
db=$T/llm.db

# nreq [MODE]: the requests logged (for MODE)
nreq() {
    if [ $# -eq 0 ]; then
        wc -l <"$T/requests.log" | tr -d ' '
    else
        grep -c "\"mode\": \"$1\"" "$T/requests.log"
    fi
}
# ev DB CONF MODE FIELD: a member of the event of MODE's item (events --json).
ev() {
    "$ALMANAC" --config "$2" --db "$1" events --json --limit 100 |
        python3 -c 'import json, sys
for e in json.load(sys.stdin):
    if e["link"].endswith("/" + sys.argv[1]):
        v = e[sys.argv[2]]
        print("null" if v is None else v)' "$3" "$4"
}

begin
run "$T/plain" "$ALMANAC" --config "$T/plain.conf" --db "$plain" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest without [llm] exited $rc: $(errtext "$T/plain")"
[ "$(nreq)" -eq 0 ] || fail "$(nreq) requests without an [llm] section"
grep -q '^llm:' "$T/plain" && fail "an llm line without the section"
kinds=$("$ALMANAC" --config "$T/plain.conf" --db "$plain" events --json |
        python3 -c 'import json, sys; print(sorted({e["summary_kind"] for e in json.load(sys.stdin)}))')
[ "$kinds" = "['extractive']" ] || fail "summary kinds without [llm]: $kinds"
end "no [llm] section: no request, every summary extractive"

begin
run "$T/ingest" "$ALMANAC" --config "$T/llm.conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest with failing requests exited $rc: $(errtext "$T/ingest")"
[ "$(nreq)" -eq 9 ] || fail "$(nreq) requests, expected one per item (9)"
grep -q '^llm: 9 events .* 9 asked: 2 written, 4 rejected, 3 failed' "$T/ingest" ||
    fail "the llm line: $(grep '^llm:' "$T/ingest")"
end "ingest asks once per item and never fails for the model's failures"

begin
for m in GOOD FENCE; do
    [ "$(ev "$db" "$T/llm.conf" $m summary_kind)" = model ] || fail "$m: not a model summary"
    [ "$(ev "$db" "$T/llm.conf" $m summary_model)" = test-model-7b ] || fail "$m: model name"
    ev "$db" "$T/llm.conf" $m summary | grep -q '^Orbital Labs has released a new research model' ||
        fail "$m: summary is $(ev "$db" "$T/llm.conf" $m summary)"
done
"$ALMANAC" --config "$T/llm.conf" --db "$db" event "$(ev "$db" "$T/llm.conf" GOOD id)" |
    grep -q '^Summary written by a language model (test-model-7b)$' || fail "almanac event: no model line"
end "good answers (plain JSON, and in a fence) are stored as model summaries"

begin
for m in BADJSON INVENT LONG TITLE SLOW 500 429; do
    k=$(ev "$db" "$T/llm.conf" $m summary_kind)
    [ "$k" = extractive ] || fail "$m: summary_kind $k"
    [ "$(ev "$db" "$T/llm.conf" $m summary)" = "$(ev "$plain" "$T/plain.conf" $m summary)" ] ||
        fail "$m: the summary is not the extractive one"
    [ "$(ev "$db" "$T/llm.conf" $m summary_model)" = null ] || fail "$m: a summary_model"
done
grep -q 'reason="the answer is not JSON"' "$T/ingest.err" || fail "no log of the invalid JSON"
grep -q 'reason="an entity the text does not name"' "$T/ingest.err" || fail "no log of the entity"
grep -q 'reason="the summary is longer than 90 words"' "$T/ingest.err" || fail "no log of too long"
grep -q 'reason="the summary repeats the title"' "$T/ingest.err" || fail "no log of the title"
grep -q 'error="timed out"' "$T/ingest.err" || fail "no log of the timeout"
grep -q 'error="HTTP 500"' "$T/ingest.err" || fail "no log of the 500"
grep -q 'retry_after=120' "$T/ingest.err" || fail "no log of the Retry-After"
end "each bad answer or failure leaves the extractive summary, logged"

begin
id=$(ev "$db" "$T/llm.conf" GOOD id)
bad=$(ev "$db" "$T/llm.conf" LONG id)
if start_almanac "$T/serve" --config "$T/llm.conf" --db "$db" serve --listen 127.0.0.1:0; then
    get "/events/$id" -L
    [ "$code" = 200 ] || fail "GET /events/$id: $code"
    grep -q 'Summary written by a language model (test-model-7b)' "$T/body" || fail "no model line"
    get "/events/$bad" -L
    grep -q 'Summary drawn from the article' "$T/body" || fail "no extractive line"
    get "/api/v1/events/$id"
    python3 -c 'import json, sys; e = json.load(open(sys.argv[1])); e = e.get("event", e)
assert e["summary_kind"] == "model" and e["summary_model"] == "test-model-7b", e' "$T/body" ||
        fail "API: $(head -c 300 "$T/body")"
    stop_almanac
else
    fail "serve did not start: $(errtext "$T/serve")"
fi
end "the event page and the API say which summary they show"

begin
before=$(nreq)
run "$T/again" "$ALMANAC" --config "$T/llm.conf" --db "$db" summarize
[ "$rc" -eq 0 ] || fail "summarize exited $rc: $(errtext "$T/again")"
# Only the three failed requests are asked again; answers are kept.
[ $(($(nreq) - before)) -eq 3 ] || fail "$(($(nreq) - before)) requests, expected 3 (slow, 500, 429)"
for m in GOOD FENCE BADJSON INVENT LONG TITLE; do
    [ "$(nreq $m)" -eq 1 ] || fail "$m sent $(nreq $m) times"
done
run "$T/rebuild" "$ALMANAC" --config "$T/llm.conf" --db "$db" analyze --rebuild
[ "$rc" -eq 0 ] || fail "analyze --rebuild exited $rc: $(errtext "$T/rebuild")"
[ "$(nreq GOOD)" -eq 1 ] || fail "GOOD sent again after a rebuild"
[ "$(ev "$db" "$T/llm.conf" GOOD summary_kind)" = model ] ||
    fail "the rebuild lost the model summary (the cache should give it back)"
end "the cache: an unchanged item is never sent twice"

begin
grep -q '"auth": "Bearer sk-test-SECRET-4711"' "$T/requests.log" || fail "no Bearer key sent"
[ "$(grep -c '"schema": "json_schema"' "$T/requests.log")" -eq "$(nreq)" ] ||
    fail "a request without response_format json_schema"
grep -l 'sk-test-SECRET-4711' "$T"/*.err "$T/ingest" "$T/again" "$T/rebuild" "$T/serve" \
    2>/dev/null | grep -q . && fail "the key is in a log"
for f in "$db" "$db-wal"; do
    [ -f "$f" ] && grep -a -q 'sk-test-SECRET-4711' "$f" && fail "the key is in $f"
done
[ "$(sql "$db" "SELECT count(*) FROM llm_cache")" -eq 6 ] ||
    fail "llm_cache holds $(sql "$db" "SELECT count(*) FROM llm_cache") answers, expected 6"
end "the key goes as Authorization: Bearer, never into logs or the database"

begin
fdb=$T/fail.db
: >"$T/requests.log"
run "$T/fail" "$ALMANAC" --config "$T/fail.conf" --db "$fdb" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest exited $rc: $(errtext "$T/fail")"
[ "$(nreq)" -eq 3 ] || fail "$(nreq) requests with failures = 3, expected 3"
[ "$(grep -c 'llm circuit open' "$T/fail.err")" -eq 1 ] ||
    fail "the circuit's opening logged $(grep -c 'llm circuit open' "$T/fail.err") times"
grep -q 'level=warn msg="llm circuit open' "$T/fail.err" || fail "not a logfmt warn line"
grep -q '"auth": "Bearer' "$T/requests.log" && fail "a key sent without key_env"
grep -q '^llm: 9 events .* 3 asked: 0 written, 0 rejected, 3 failed; 6 left for later' "$T/fail" ||
    fail "the llm line: $(grep '^llm:' "$T/fail")"
end "the circuit breaker opens after repeated failures and stops asking"

begin
printf '[llm]\nendpoint = http://10.0.0.1/v1\nmodel = m\nkey_env = K\n' >"$T/bad.conf"
run "$T/bad" "$ALMANAC" --config "$T/bad.conf" --db "$T/x.db" summarize
grep -q 'key_env: the key would cross the network in the clear' "$T/bad.err" ||
    fail "a key over plain http to a remote host was accepted: $(errtext "$T/bad")"
printf '[llm]\nmodel = m\n' >"$T/bad.conf"
run "$T/bad" "$ALMANAC" --config "$T/bad.conf" --db "$T/x.db" summarize
grep -q 'needs endpoint and model' "$T/bad.err" || fail "no endpoint accepted: $(errtext "$T/bad")"
end "the configuration refuses a key in the clear and a section without endpoint"

# The same on PostgreSQL, and `almanac migrate-to` copies the cache and the
# events' summary_model.
begin
pgdir=$(tests/pg/cluster.sh start 2>"$T/cluster.err")
crc=$?
if [ "$crc" -eq 3 ]; then
    pgdir=
    skip "PostgreSQL: model summaries, the cache and migrate-to" "no PostgreSQL"
    finish
fi
[ "$crc" -eq 0 ] || fail "cluster.sh start exited $crc: $(tail -n3 "$T/cluster.err")"
[ -n "$why" ] || dsn=$(tests/pg/cluster.sh url "$pgdir" almanac_llm 2>&1) || fail "createdb: $dsn"
[ -n "$why" ] || dsn2=$(tests/pg/cluster.sh url "$pgdir" almanac_copy 2>&1) || fail "createdb: $dsn2"
if [ -z "$why" ]; then
    : >"$T/requests.log"
    run "$T/pg" "$ALMANAC" --config "$T/llm.conf" --db "$dsn" ingest --snapshot
    [ "$rc" -eq 0 ] || fail "ingest into PostgreSQL exited $rc: $(errtext "$T/pg")"
    grep -q '^llm: 9 events .* 9 asked: 2 written, 4 rejected, 3 failed' "$T/pg" ||
        fail "PostgreSQL: the llm line: $(grep '^llm:' "$T/pg")"
    [ "$(ev "$dsn" "$T/llm.conf" GOOD summary_kind)" = model ] || fail "PostgreSQL: GOOD not a model summary"
    [ "$(ev "$dsn" "$T/llm.conf" LONG summary_kind)" = extractive ] || fail "PostgreSQL: LONG not extractive"
    run "$T/pg2" "$ALMANAC" --config "$T/llm.conf" --db "$dsn" analyze --rebuild
    [ "$(nreq GOOD)" -eq 1 ] || fail "PostgreSQL: GOOD sent $(nreq GOOD) times"
    [ "$(ev "$dsn" "$T/llm.conf" GOOD summary_kind)" = model ] || fail "PostgreSQL: the cache did not give it back"
    run "$T/copy" "$ALMANAC" --config "$T/llm.conf" --db "$db" migrate-to "$dsn2"
    [ "$rc" -eq 0 ] || fail "migrate-to exited $rc: $(errtext "$T/copy")"
    grep -q 'llm_cache' "$T/copy" || fail "migrate-to does not name llm_cache: $(head -c 300 "$T/copy")"
    [ "$(ev "$dsn2" "$T/llm.conf" FENCE summary_model)" = test-model-7b ] ||
        fail "the copy lost summary_model"
    before=$(nreq)
    ALMANAC_TEST_LLM_KEY= run "$T/copy2" "$ALMANAC" --config "$T/llm.conf" --db "$dsn2" summarize
    [ $(($(nreq) - before)) -eq 3 ] || fail "the copy's cache: $(($(nreq) - before)) requests, expected 3"
fi
end "PostgreSQL: model summaries, the cache, and migrate-to copies both"

finish
