#!/usr/bin/env bash
# parse-cli.sh - the command line of `almanac parse` and of almanac itself:
# exit statuses, messages, and one JSON object per file.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/parse-cli.sh

. "$(dirname "$0")/lib.bash"
skip_on_pg "usage errors and the parser: no database is opened"

# The contract's top-level keys, in every object parse prints.
KEYS='format encoding bozo bozo_message feed entries'

# json_lines FILE N: FILE holds exactly N lines, each one JSON object with
# the contract's keys; prints nothing when so, else the first problem.
json_lines() {
    python3 - "$1" "$2" "$KEYS" <<'EOF' 2>&1 | tail -n1
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "output does not end with a newline"
lines = lines[:-1]
assert len(lines) == int(sys.argv[2]), "%d lines, want %s" % (len(lines), sys.argv[2])
for i, line in enumerate(lines):
    d = json.loads(line)
    assert isinstance(d, dict), "line %d is not an object" % (i + 1)
    missing = [k for k in sys.argv[3].split() if k not in d]
    assert not missing, "line %d lacks %s" % (i + 1, missing)
EOF
}

begin
run "$T/missing" "$ALMANAC" parse "$T/no-such-feed.xml" --json
[ "$rc" -ne 0 ] || fail "exit status 0"
[ "$rc" -ne 2 ] || fail "exit status 2 is for usage errors"
grep -q 'no-such-feed.xml' "$T/missing.err" || fail "stderr does not name the file"
[ -s "$T/missing" ] && fail "printed on stdout: $(head -c 100 "$T/missing")"
end "parse of a missing file exits non-zero with a message naming it"

begin
: >"$T/empty.xml"
run "$T/empty" "$ALMANAC" parse "$T/empty.xml" --json
[ "$rc" -eq 0 ] || fail "exit status $rc: $(errtext "$T/empty")"
bad=$(json_lines "$T/empty" 1)
[ -z "$bad" ] || fail "$bad"
bad=$(python3 - "$T/empty" <<'EOF' 2>&1 | tail -n1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["bozo"] is True, "bozo %r" % d["bozo"]
assert d["format"] == "unknown", "format %r" % d["format"]
assert d["entries"] == [], "entries %r" % d["entries"]
assert isinstance(d["bozo_message"], str) and d["bozo_message"], "no bozo_message"
EOF
)
[ -z "$bad" ] || fail "$bad"
end "parse of an empty file exits 0: bozo true, format unknown"

begin
files=(tests/data/changing.1.xml tests/data/github__small_atom.xml
       tests/data/inessential__json_feed.json tests/data/garbage.txt)
run "$T/several" "$ALMANAC" parse "${files[@]}" --json
[ "$rc" -eq 0 ] || fail "exit status $rc: $(errtext "$T/several")"
bad=$(json_lines "$T/several" ${#files[@]})
[ -z "$bad" ] || fail "$bad"
formats=$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["format"] for l in open(sys.argv[1])))' "$T/several" 2>&1)
case $formats in
    "rss20 atom10 json1x unknown") ;;
    *) fail "formats in order: $formats" ;;
esac
# The same files one by one give the same objects.
for f in "${files[@]}"; do "$ALMANAC" parse "$f" --json; done >"$T/one-by-one" 2>/dev/null
cmp -s "$T/several" "$T/one-by-one" || fail "several at once differ from one by one"
# A missing file among others: the others are still printed, the status says it.
run "$T/mixed" "$ALMANAC" parse tests/data/changing.1.xml "$T/nope.xml" \
    tests/data/changing.2.xml --json
[ "$rc" -eq 1 ] || fail "a missing file among three: exit status $rc, want 1"
bad=$(json_lines "$T/mixed" 2)
[ -z "$bad" ] || fail "a missing file among three: $bad"
end "parse of several files prints one JSON object per line, in order"

begin
run "$T/noargs" "$ALMANAC" parse
[ "$rc" -eq 2 ] || fail "parse with no file: exit status $rc"
grep -qi usage "$T/noargs.err" || fail "no usage message: $(errtext "$T/noargs")"
run "$T/onlyjson" "$ALMANAC" parse --json
[ "$rc" -eq 2 ] || fail "parse --json with no file: exit status $rc"
run "$T/bare" "$ALMANAC"
[ "$rc" -eq 2 ] || fail "almanac with no command: exit status $rc"
grep -qi usage "$T/bare.err" || fail "almanac with no command: no usage message"
end "parse with no file prints usage and exits 2"

begin
run "$T/cmd" "$ALMANAC" --db "$T/x.db" no-such-command
[ "$rc" -eq 2 ] || fail "unknown command: exit status $rc"
grep -q 'no-such-command' "$T/cmd.err" || fail "the message does not name the command"
run "$T/opt" "$ALMANAC" --no-such-option parse tests/data/changing.1.xml
[ "$rc" -eq 2 ] || fail "unknown global option: exit status $rc"
grep -q 'no-such-option' "$T/opt.err" || fail "the message does not name the option"
[ -s "$T/opt" ] && fail "the command ran despite the unknown option"
for cmd in ingest events; do
    run "$T/sub" "$ALMANAC" --config etc/almanac.conf --db "$T/x.db" $cmd --no-such-option
    [ "$rc" -eq 2 ] || fail "$cmd --no-such-option: exit status $rc"
done
run "$T/fetchopt" "$ALMANAC" --config etc/almanac.conf --db "$T/x.db" fetch --no-such-option
[ "$rc" -eq 2 ] || fail "fetch --no-such-option: exit status $rc"
run "$T/help" "$ALMANAC" --help
[ "$rc" -eq 0 ] && grep -q '^usage' "$T/help" || fail "--help: status $rc, no usage on stdout"
end "an unknown command or option exits 2"

finish
