#!/usr/bin/env bash
# api.sh - the JSON API against its description: docs/openapi.json (served
# at /api/v1/openapi.json) checked against real answers of the judgment
# corpus by tests/api/openapi_check.py: every path (the map's entities,
# stories and learning paths included: a real entity, the story of the most
# sources in the database, a real path), errors (404, 405, 400 naming what
# is allowed) as JSON, next/prev keeping every filter, and the sync cursor
# visiting every event once.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/api.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
db=$(new_db api)

begin
run "$T/ingest" "$ALMANAC" --config tests/data/judgment/judgment.conf --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/ingest")"
# the query budget is not what this checks: a sanitized build on a busy
# machine must not turn answers into 503s
ALMANAC_QUERY_BUDGET_MS=60000 start_almanac "$T/serve" --config tests/data/judgment/judgment.conf --db "$db" serve \
    --listen 127.0.0.1:0 || fail "serve did not start: $(errtext "$T/serve")"
end "the judgment corpus is served"
[ -n "$url" ] || finish

begin
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' docs/openapi.json 2>"$T/j.err" ||
    fail "docs/openapi.json is not JSON: $(head -c 200 "$T/j.err")"
# the document itself, by openapi-spec-validator when it is installed
if python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    python3 -c 'import json, sys; from openapi_spec_validator import validate
validate(json.load(open(sys.argv[1])))' docs/openapi.json >"$T/osv" 2>&1 ||
        fail "docs/openapi.json is not valid OpenAPI: $(tail -n 3 "$T/osv")"
fi
# a story of several reports, from the database (the API's first event's
# story is most often a story of one)
story=$(sql "$db" "SELECT id FROM stories WHERE events > 1 ORDER BY sources DESC, events DESC, id LIMIT 1")
[ -n "$story" ] || fail "no story of several reports in the database"
out=$(timeout 300 python3 tests/api/openapi_check.py "$url" docs/openapi.json "$story" 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "$(printf '%s' "$out" | head -n 5)"
end "the API's answers match docs/openapi.json, errors and cursors included" "(${out#ok } answers)"

begin
# the server's own refusals under /api/ are JSON too
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "${url}api/v1/events?$(printf 'a%d=1&' $(seq 40))")
[ "$code" = 400 ] || fail "40 parameters: $code"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["error"]["status"] == 400' \
    "$T/body" 2>/dev/null || fail "the refusal is not a JSON error: $(head -c 120 "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "${url}api/v1/$(head -c 2100 /dev/zero | tr '\0' a)")
[ "$code" = 414 ] || fail "a long path: $code"
grep -q '"status":414' "$T/body" || fail "the 414 is not a JSON error: $(head -c 120 "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "${url}no-such-page")
[ "$code" = 404 ] && grep -q '<!doctype html>' "$T/body" || fail "outside /api/ a 404 is no longer HTML"
end "the server's refusals under /api/ (too many parameters, long paths) are JSON errors"

stop_almanac
finish
