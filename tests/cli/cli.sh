#!/usr/bin/env bash
# cli.sh - almanac as a Unix tool: help for every command, --version, exit
# statuses and messages for unknown commands, options and invalid values;
# the man page formats cleanly; the systemd units verify; make install
# puts everything under DESTDIR.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/cli.sh

. "$(dirname "$0")/lib.bash"

COMMANDS='ingest fetch parse extract sources analyze events event explain digest opml serve run backup migrate-to doctor prune alerts'

begin
run "$T/v" "$ALMANAC" --version
[ "$rc" -eq 0 ] || fail "exit status $rc"
grep -Eq '^almanac [0-9]+\.[0-9]+\.[0-9]+' "$T/v" || fail "not 'almanac X.Y.Z': $(head -c 80 "$T/v")"
grep -q "$(tr -d ' \n' <VERSION)" "$T/v" || fail "not the VERSION file's $(cat VERSION)"
# the commit the binary was built from (a binary older than HEAD names its own)
if git rev-parse --short=12 HEAD >/dev/null 2>&1; then
    grep -Eq '^almanac [^ ]+ \([0-9a-f]{12}(-dirty)?\)$' "$T/v" || fail "no git commit in: $(cat "$T/v")"
fi
[ -s "$T/v.err" ] && fail "stderr: $(errtext "$T/v")"
end "--version prints the version and the commit on stdout, exit 0"

begin
for cmd in $COMMANDS; do
    run "$T/h" "$ALMANAC" "$cmd" --help
    [ "$rc" -eq 0 ] || fail "$cmd --help: exit status $rc: $(errtext "$T/h")"
    grep -q "^usage: almanac $cmd" "$T/h" || fail "$cmd --help: no usage line on stdout"
    [ "$(wc -l <"$T/h")" -ge 3 ] || fail "$cmd --help: only $(wc -l <"$T/h") lines"
    [ -s "$T/h.err" ] && fail "$cmd --help: stderr: $(errtext "$T/h")"
    run "$T/h2" "$ALMANAC" help "$cmd"
    [ "$rc" -eq 0 ] || fail "help $cmd: exit status $rc"
    cmp -s "$T/h" "$T/h2" || fail "help $cmd differs from $cmd --help"
done
end "COMMAND --help and help COMMAND print the full usage for every command, exit 0"

begin
# --help must not run the command: serve would listen, ingest would fetch
run "$T/h" "$ALMANAC" --db "$T/none.db" ingest --snapshot --help
[ "$rc" -eq 0 ] || fail "exit status $rc"
[ -e "$T/none.db" ] && fail "ingest --help ran the ingest"
run "$T/h" "$ALMANAC" --db "$T/none.db" events -h
[ "$rc" -eq 0 ] && grep -q '^usage: almanac events' "$T/h" || fail "events -h: $rc"
end "--help anywhere in a command's arguments prints help and does nothing else"

begin
run "$T/h" "$ALMANAC" help
[ "$rc" -eq 0 ] || fail "help: exit status $rc"
for cmd in $COMMANDS help; do
    grep -q "^  $cmd" "$T/h" || fail "help does not list $cmd"
done
run "$T/h" "$ALMANAC" --help
[ "$rc" -eq 0 ] && grep -q '^usage: almanac' "$T/h" || fail "--help: exit status $rc"
end "help and --help list every command on stdout, exit 0"

begin
run "$T/u" "$ALMANAC" frobnicate
[ "$rc" -eq 2 ] || fail "unknown command: exit status $rc"
grep -q "frobnicate" "$T/u.err" || fail "the message does not name the command"
grep -q '^usage: almanac' "$T/u.err" || fail "no usage on stderr"
[ -s "$T/u" ] && fail "stdout: $(head -c 80 "$T/u")"
run "$T/u" "$ALMANAC" --frobnicate events
[ "$rc" -eq 2 ] && grep -q -- "--frobnicate" "$T/u.err" && grep -q '^usage:' "$T/u.err" ||
    fail "unknown global option: exit status $rc: $(errtext "$T/u")"
run "$T/u" "$ALMANAC" help frobnicate
[ "$rc" -eq 2 ] && grep -q "frobnicate" "$T/u.err" || fail "help of an unknown command: $rc"
run "$T/u" "$ALMANAC" --db
[ "$rc" -eq 2 ] && grep -q -- "--db" "$T/u.err" || fail "--db without a value: $rc"
run "$T/u" "$ALMANAC" --db "$T/x.db" events --frobnicate
[ "$rc" -eq 2 ] && grep -q -- "--frobnicate" "$T/u.err" || fail "events --frobnicate: $rc"
run "$T/u" "$ALMANAC" --db "$T/x.db" sources --frobnicate
[ "$rc" -eq 2 ] && grep -q -- "--frobnicate" "$T/u.err" || fail "sources --frobnicate: $rc"
for cmd in ingest fetch parse extract analyze serve run backup doctor prune alerts; do
    run "$T/u" "$ALMANAC" --db "$T/x.db" "$cmd" --frobnicate
    [ "$rc" -eq 2 ] || fail "$cmd --frobnicate: exit status $rc"
    grep -q -- "--frobnicate" "$T/u.err" || fail "$cmd --frobnicate: not named: $(errtext "$T/u")"
done
run "$T/u" "$ALMANAC" --db "$T/x.db" opml frobnicate
[ "$rc" -eq 2 ] && grep -q frobnicate "$T/u.err" || fail "opml frobnicate: $rc $(errtext "$T/u")"
run "$T/u" "$ALMANAC" --db "$T/x.db" serve --listen
[ "$rc" -eq 2 ] && grep -q -- "--listen needs a value" "$T/u.err" || fail "serve --listen: $rc"
end "unknown commands and options exit 2, naming them, with the usage on stderr"

begin
export ALMANAC_NOW=2026-12-01T00:00:00Z
jdb=$(new_db j)
run "$T/i" "$ALMANAC" --config tests/data/judgment/judgment.conf --db "$jdb" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest: $rc: $(errtext "$T/i")"
check_invalid() { # value-in-message args...
    local want=$1
    shift
    run "$T/bad" "$ALMANAC" --db "$jdb" "$@"
    [ "$rc" -eq 2 ] || fail "$*: exit status $rc, not 2"
    grep -q -- "$want" "$T/bad.err" || fail "$*: the message does not name '$want': $(errtext "$T/bad")"
    [ -s "$T/bad" ] && fail "$*: printed on stdout"
}
check_invalid "'bogus'" events --kind bogus
check_invalid "'no-such-source'" events --source no-such-source
check_invalid "'no-such-guide'" events --guide no-such-guide
check_invalid "'11'" events --min-score 11
check_invalid "'many'" events --limit many
check_invalid "'yesterday-ish'" events --since yesterday-ish
check_invalid "'abc'" event abc
check_invalid "'0'" explain 0
check_invalid "'99999'" serve --listen 127.0.0.1:99999
check_invalid "'5'" run --every 5
run "$T/ok" "$ALMANAC" --db "$jdb" events --kind release --limit 1
[ "$rc" -eq 0 ] && [ -s "$T/ok" ] || fail "events --kind release: $rc $(errtext "$T/ok")"
end "invalid values exit 2 with a message naming the value; valid ones still work"

begin
if command -v groff >/dev/null; then
    LC_ALL=C groff -man -ww -z docs/almanac.1 docs/almanac.conf.5 2>"$T/groff.err" ||
        fail "groff: exit status $?"
    [ -s "$T/groff.err" ] && fail "groff warnings: $(head -c 200 "$T/groff.err")"
fi
for cmd in $COMMANDS help; do
    sed 's/\\-/-/g' docs/almanac.1 | grep -Eq "^\.(B|BR|BI) \"?$cmd\b" ||
        fail "the man page does not describe $cmd"
done
# almanac.conf(5) describes every key the configuration reader knows
for key in $(grep -o '{ "[a-z_]*", SEC_' src/base/config.c | cut -d'"' -f2 | sort -u); do
    grep -q "^\.B $key\$" docs/almanac.conf.5 || fail "almanac.conf(5) does not describe $key"
done
end "the man pages format without warnings and describe every command and key"

begin
if ! command -v systemd-analyze >/dev/null; then
    skip "systemd units verify" "no systemd-analyze"
else
    mkdir -p "$T/units"
    for u in almanac.service almanac-ingest.service almanac-ingest.timer \
             almanac-worker.service almanac-worker.timer; do
        sed -e "s|@BINDIR@|$(dirname "$ALMANAC")|g" -e "s|@DATADIR@|$ROOT|g" "etc/$u" >"$T/units/$u"
    done
    systemd-analyze verify --man=no "$T/units/"* >"$T/sa" 2>&1 || fail "$(head -c 300 "$T/sa")"
    [ -s "$T/sa" ] && fail "systemd-analyze: $(head -c 300 "$T/sa")"
    for key in 'DynamicUser=yes' 'ProtectSystem=strict' 'StateDirectory=almanac' \
               'NoNewPrivileges=yes' 'CapabilityBoundingSet=$' 'SystemCallFilter=@system-service'; do
        grep -q "^$key" etc/almanac.service || fail "almanac.service lacks $key"
    done
    end "the systemd units verify and the server's is hardened"
fi

begin
# -o: install the binary under test as it is, never rebuild it here
run "$T/inst" make -s -o "$ALMANAC" install DESTDIR="$T/dest" PREFIX=/usr BIN="$ALMANAC"
[ "$rc" -eq 0 ] || fail "make install: $rc: $(errtext "$T/inst")"
for f in usr/bin/almanac usr/share/man/man1/almanac.1 usr/share/man/man5/almanac.conf.5 \
         usr/share/almanac/data/entities.tsv \
         usr/share/almanac/data/model/judgment.tsv usr/lib/systemd/system/almanac.service \
         usr/lib/systemd/system/almanac-ingest.timer; do
    [ -e "$T/dest/$f" ] || fail "make install did not install $f"
done
grep -q '^ExecStart=/usr/bin/almanac ' "$T/dest/usr/lib/systemd/system/almanac.service" 2>/dev/null ||
    fail "the installed unit does not run /usr/bin/almanac"
grep -Eq '@(BIN|DATA)DIR@' "$T/dest/usr/lib/systemd/system/almanac.service" 2>/dev/null &&
    fail "the installed unit keeps a placeholder"
end "make install DESTDIR PREFIX installs the binary, man page, data and units"

finish
