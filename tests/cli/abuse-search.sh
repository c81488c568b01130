#!/usr/bin/env bash
# abuse-search.sh - what a visitor's query may cost, and answers that were
# wrong (issue 9): prefix searches are bounded, every request's queries share a
# time budget (503 past it, never a stalled thread), deep pages of a search
# are 404s found by the count, filters are checked against what they may be
# and applied on guide and source pages, and `next` keeps the sort.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/abuse-search.sh
#
# No check asserts a time tighter than curl's own 10 s guard: the bounds are
# proved by their answers (400, 503) and by /healthz answering meanwhile.

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-08-25T12:00:00Z
db=$(new_db search)
url=

if ! command -v curl >/dev/null; then
    skip "search abuse" "curl is not installed"
    exit 0
fi

begin
run "$T/ingest" "$ALMANAC" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest --snapshot exited $rc: $(errtext "$T/ingest")"
end "a database from the bundled snapshot"

# json EXPR: a value of the last body, read by python3 (None as "None").
json() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/body" 2>&1
}

# ---- the default budget ----

begin
start_almanac "$T/serve" --db "$db" serve --listen 127.0.0.1:0 || fail "serve did not start"
end "serve starts"

begin
for q in 'a*' 'ab*' 'mo*+agent' 'mod*+age*+rel*+res*' '%C3%A9*' ; do
    get "/api/v1/search?q=$q"
    [ "$code" = 400 ] || fail "q=$q answered $code, not 400"
    grep -q 'prefix' "$T/body" || fail "q=$q: the error does not name the prefix rule"
    get "/search?q=$q"
    [ "$code" = 400 ] || fail "/search?q=$q answered $code, not 400"
done
end "short or too many prefixes are refused with a reason (API and page)"

begin
get "/api/v1/search?q=mod*+age*+rel*"
[ "$code" = 200 ] || fail "three prefixes of three letters answered $code"
[ "$(json 'd["total"] > 0')" = True ] || fail "found nothing: $(head -c 200 "$T/body")"
get "/api/v1/search?q=%C3%A9t%C3%A9*"
[ "$code" = 200 ] || fail "a prefix of three accented letters answered $code (characters, not bytes)"
end "prefixes of three characters still search"

begin
get "/api/v1/search?q=mod*+age*+rel*&offset=1000000&limit=200"
[ "$code" = 200 ] || [ "$code" = 503 ] || fail "the deepest offset answered $code"
[ "$code" != 200 ] || [ "$(json 'len(d["events"])')" = 0 ] || fail "events past the end"
get "/search?q=mod*+age*+rel*&page=100000"
[ "$code" = 404 ] || fail "a search page past the end answered $code, not 404"
get "/search?q=model&page=2"
[ "$code" = 200 ] || fail "page 2 of a common word answered $code"
get "/search?q=zzzqqqxxnothing&page=2"
[ "$code" = 404 ] || fail "page 2 of nothing answered $code"
end "deep pages: empty in the API, 404 on the site"

begin
for p in '/api/v1/events?kind=bogus' '/?kind=bogus' '/api/v1/search?q=model&kind=Release' \
         '/api/v1/events?sort=random' '/feed.atom?kind=x'; do
    get "$p"
    [ "$code" = 400 ] || fail "$p answered $code, not 400"
done
get "/api/v1/events?kind=bogus"
grep -q 'release, research' "$T/body" || fail "the 400 does not name the kinds: $(cat "$T/body")"
end "kind and sort take only their values"

begin
get "/api/v1/events?sort=score&limit=5&kind=release"
next=$(json 'd["next"]')
case $next in
*sort=score*kind=release* | *kind=release*sort=score*) ;;
*) fail "next drops the sort or a filter: $next" ;;
esac
first=$(json '[e["score"] for e in d["events"]]')
get "/${next#"$url"}"
second=$(json '[e["score"] for e in d["events"]]')
python3 -c "import sys; a=eval(sys.argv[1]); b=eval(sys.argv[2]); sys.exit(0 if min(a) >= max(b) else 1)" \
    "$first" "$second" || fail "page 2 is not ranked after page 1: $first then $second"
end "the API's next keeps sort=score and the filters"

begin
get "/api/v1/guides/anthropic?kind=release&limit=50"
[ "$code" = 200 ] || fail "guide API answered $code"
kinds=$(json 'sorted(set(e["kind"] for e in d["events"]))')
[ "$kinds" = "['release']" ] || fail "kind=release on a guide gave kinds $kinds"
case $(json 'd["next"]') in None | *kind=release*) ;; *) fail "the guide's next drops kind" ;; esac
get "/api/v1/sources/anthropic?min=5&limit=50"
low=$(json 'min([e["score"] for e in d["events"]] or [10])')
[ "$low" -ge 5 ] 2>/dev/null || fail "min=5 on a source gave a score of $low"
# timeline N: the count the guide page gives its timeline.
timeline() {
    sed -n 's/.*Timeline <span class="count">(\([0-9,]*\)).*/\1/p' "$T/body" | tr -d ,
}
get "/guides/anthropic"
g_all=$(timeline)
get "/guides/anthropic?kind=release"
[ "$code" = 200 ] || fail "/guides/anthropic?kind=release answered $code"
g_rel=$(timeline)
[ -n "$g_all" ] && [ -n "$g_rel" ] && [ "$g_rel" -lt "$g_all" ] ||
    fail "kind=release does not narrow the guide page ($g_rel of $g_all)"
get "/sources/anthropic?kind=policy"
[ "$code" = 200 ] || fail "/sources/anthropic?kind=policy answered $code"
get "/sources/anthropic"
grep -q 'Latest events <span class="count">(' "$T/body" || fail "the source page has no count"
n_all=$(sed -n 's/.*Latest events <span class="count">(\([0-9,]*\)).*/\1/p' "$T/body" | tr -d ,)
get "/sources/anthropic?kind=policy"
n_pol=$(sed -n 's/.*Latest events <span class="count">(\([0-9,]*\)).*/\1/p' "$T/body" | tr -d ,)
[ -n "$n_all" ] && [ -n "$n_pol" ] && [ "$n_pol" -lt "$n_all" ] ||
    fail "kind=policy does not narrow the source page ($n_pol of $n_all)"
end "guide and source pages apply their filters (API and HTML)"

stop_almanac

# ---- a small budget: every expensive shape answers 503, nothing stalls ----

begin
ALMANAC_QUERY_BUDGET_MS=abc run "$T/bad" "$ALMANAC" --db "$db" serve --listen 127.0.0.1:0
[ "$rc" = 2 ] || fail "ALMANAC_QUERY_BUDGET_MS=abc: exit $rc, not 2"
grep -q 'ALMANAC_QUERY_BUDGET_MS' "$T/bad.err" || fail "the error does not name the variable"
end "an invalid budget is refused"

begin
ALMANAC_QUERY_BUDGET_MS=2 start_almanac "$T/tight" --db "$db" serve --listen 127.0.0.1:0 \
    --threads 2 || fail "serve did not start"
end "serve starts with a 2 ms budget"

begin
n503=0
for p in '/api/v1/search?q=mod*+age*+rel*&offset=5000' '/search?q=mod*+age*+res*' \
         '/api/v1/search?q=the+and+of&offset=3000&limit=200' '/api/v1/search?q=ai+model'; do
    get "$p"
    case $code in
    503) n503=$((n503 + 1))
         case $p in
         /api/*) [ "$(json 'd["error"]["status"]')" = 503 ] || fail "$p: 503 without a JSON error" ;;
         *) grep -q 'Narrow it' "$T/body" || fail "$p: the 503 page does not say what to do" ;;
         esac ;;
    200) ;;
    *) fail "$p answered $code" ;;
    esac
done
[ "$n503" -ge 2 ] || fail "only $n503 of 4 expensive requests ran out of a 2 ms budget"
end "expensive searches stop at the budget with a 503 that says what to do" "($n503 of 4)"

begin
# Two threads, both kept busy by expensive searches: health still answers.
pids=
for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null --max-time 10 "${url}api/v1/search?q=mod*+age*+rel*&offset=$i" &
    pids="$pids $!"
done
get /healthz
[ "$code" = 200 ] || fail "/healthz answered $code during expensive searches"
wait $pids 2>/dev/null
get /api/v1/events?limit=1
[ "$code" = 200 ] || [ "$code" = 503 ] || fail "a list after the storm answered $code"
get /healthz
[ "$code" = 200 ] || fail "/healthz answered $code after the searches"
end "health answers while both threads search"

begin
# A page served after a budget ran out is not a 503 left over from it.
get "/api/v1/search?q=mod*+age*+rel*&offset=4000"
get /static/style.css
[ "$code" = 200 ] || get /healthz
[ "$code" = 200 ] || fail "the next request answered $code"
end "a spent budget does not leak into the next request"

stop_almanac
finish
