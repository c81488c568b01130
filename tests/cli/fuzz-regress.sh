#!/usr/bin/env bash
# fuzz-regress.sh - every input a fuzzer ever broke something with, replayed
# through the binary under test (under ASan in the sanitized build, where a
# leak or overflow fails the run). The inputs live in tests/fuzz/regress/TARGET/.
source "$(dirname "$0")/lib.bash"
skip_on_pg "opens no database: almanac parse reads files"

n=0
for f in tests/fuzz/regress/feed/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    begin
    out=$("$ALMANAC" parse "$f" --json 2>"$T/err")
    rc=$?
    [ "$rc" -eq 0 ] || fail "exit $rc: $(head -c 300 "$T/err")"
    printf '%s' "$out" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null ||
        fail "output is not JSON"
    end "parse $(basename "$f")"
done
[ "$n" -gt 0 ] || skip "fuzz regressions" "none recorded"
finish
