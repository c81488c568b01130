#!/usr/bin/env bash
# layering.sh - the house keeps its shape: every #include and every call from
# one room (a directory of src/) into another follows an arrow that
# docs/architecture.md allows, no two files call each other round a circle,
# and no file-local (static) function takes the name of another file's
# exported one.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/layering.sh      (make test runs it)
#   bash tests/cli/layering.sh --list [OBJ_DIR]   prints rooms, arrows and file circles
#
# The allowed arrows are the ```layers block of docs/architecture.md, one line
# per room: "room: rooms it may use". Includes are read from the sources;
# calls from the objects' symbols (nm) in the build that $ALMANAC belongs to
# (build/obj for ./almanac, build-asan/obj for build-asan/almanac).
cd "$(dirname "$0")/../.." || exit 2
if [ -n "${ALMANAC_TEST_PG:-}" ]; then   # tests/run-all's PostgreSQL pass
    echo "ok - layering on PostgreSQL # SKIP opens no database: reads the sources and objects"
    exit 0
fi
list=0
if [ "${1:-}" = "--list" ]; then
    list=1
    obj=${2:-build/obj}
else
    bin=${ALMANAC:-$PWD/almanac}
    dir=$(dirname "$bin")
    if [ "$(realpath "$dir")" = "$(realpath .)" ]; then
        obj=build/obj
    else
        obj=$dir/obj
    fi
fi

python3 - "$list" "$obj" <<'EOF'
import os, re, subprocess, sys
from collections import defaultdict

listing = sys.argv[1] == "1"
objdir = sys.argv[2]
results = []

def check(name, ok, why=""):
    results.append(ok)
    if not listing:
        print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": " + why))

# --- the allowed arrows --------------------------------------------------
doc = open("docs/architecture.md").read()
m = re.search(r"```layers\n(.*?)```", doc, re.S)
allowed = {}
if m:
    for line in m.group(1).splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        room, _, uses = line.partition(":")
        allowed[room.strip()] = set(uses.split())
rooms = sorted(d for d in os.listdir("src") if os.path.isdir(os.path.join("src", d)))
check("docs/architecture.md has a layers block naming every room of src/",
      bool(m) and set(rooms) <= set(allowed),
      "no ```layers block" if not m else "rooms missing: " + " ".join(sorted(set(rooms) - set(allowed))))
for room, uses in allowed.items():
    unknown = uses - set(allowed)
    check(f"the layers block names only rooms ({room})", not unknown, " ".join(sorted(unknown)))

def ok_arrow(a, b):
    return a == b or b in allowed.get(a, set())

# --- includes -------------------------------------------------------------
inc_arrows = defaultdict(set)    # (from room, to room) -> files
bad = []
for room in rooms:
    for f in sorted(os.listdir(os.path.join("src", room))):
        if not f.endswith((".c", ".h")):
            continue
        path = f"src/{room}/{f}"
        for n, line in enumerate(open(path, errors="replace"), 1):
            im = re.match(r'\s*#\s*include\s+"([a-z_]+)/[^"]+"', line)
            if not im:
                continue
            to = im.group(1)
            if to != room:
                inc_arrows[(room, to)].add(path)
            if not ok_arrow(room, to):
                bad.append(f"{path}:{n} includes {im.group(0).split('include')[1].strip()}")
check("every #include between rooms follows an allowed arrow", not bad, "; ".join(bad[:10]))

# --- calls, from the objects ------------------------------------------------
objs = []
for room in rooms:
    d = os.path.join(objdir, room)
    if os.path.isdir(d):
        # only objects whose source is still there (a removed file's stays behind)
        objs += [os.path.join(d, f) for f in sorted(os.listdir(d))
                 if f.endswith(".o") and os.path.exists(f"src/{room}/{f[:-2]}.c")]
srcs = [f"src/{r}/{f}" for r in rooms for f in os.listdir(f"src/{r}") if f.endswith(".c")]
check(f"the objects of every source are in {objdir} (build them first)",
      len(objs) >= len(srcs), f"{len(objs)} objects for {len(srcs)} sources")

defined = {}                    # global symbol -> object
statics = defaultdict(list)     # static function name -> objects
undef = defaultdict(set)        # object -> symbols it uses
for o in objs:
    out = subprocess.run(["nm", "--defined-only", o], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        _, t, sym = parts
        if t in "TDBR":
            defined[sym] = o
        elif t == "t" and "." not in sym:
            statics[sym].append(o)
    out = subprocess.run(["nm", "--undefined-only", o], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts:
            undef[o].add(parts[-1])

def unit(o):                     # build/obj/web/pages.o -> web/pages.c
    return os.path.relpath(o, objdir)[:-2] + ".c"

def room_of(o):
    return os.path.relpath(o, objdir).split(os.sep)[0]

calls = defaultdict(set)         # object -> objects it calls into
call_arrows = defaultdict(set)   # (room, room) -> "file -> file: symbol"
bad = []
for o, syms in undef.items():
    for sym in syms:
        t = defined.get(sym)
        if t is None or t == o:
            continue
        calls[o].add(t)
        a, b = room_of(o), room_of(t)
        if a != b:
            call_arrows[(a, b)].add(f"{unit(o)} -> {unit(t)}")
            if not ok_arrow(a, b):
                bad.append(f"{unit(o)} uses {sym} of {unit(t)}")
check("every call between rooms follows an allowed arrow", not bad, "; ".join(sorted(bad)[:10]))

# Circles between files: strongly connected components of the call graph.
index, low, stack, on, sccs = {}, {}, [], set(), []
counter = [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in calls.get(v, ()):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(unit(c) for c in comp))
for o in objs:
    if o not in index:
        strong(o)
check("no circle of calls between files", not sccs,
      " | ".join(" <-> ".join(c) for c in sccs[:5]))

clash = sorted(f"static {s} in {', '.join(unit(o) for o in statics[s])} and {unit(defined[s])}'s global"
               for s in statics if s in defined)
check("no static function shares its name with another file's global", not clash,
      "; ".join(clash[:10]))

if listing:
    print("rooms:", " ".join(rooms))
    print("\narrows (from -> to: includes / calls):")
    pairs = sorted(set(inc_arrows) | set(call_arrows))
    for a, b in pairs:
        flag = "" if ok_arrow(a, b) else "   <-- not allowed"
        print(f"  {a:8} -> {b:8} {len(inc_arrows.get((a, b), ())):3} files include, "
              f"{len(call_arrows.get((a, b), ())):3} file pairs call{flag}")
    print("\nfile circles:", "none" if not sccs else "")
    for c in sccs:
        print("  " + " <-> ".join(c))
    if clash:
        print("\nstatic/global name clashes:")
        for c in clash:
            print("  " + c)
sys.exit(0 if all(results) else 1)
EOF
