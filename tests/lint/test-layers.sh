#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The layers of src/ (HACKING.md): each file includes only headers of its
# own layer or of the layers below it, always by their qualified name
# ("core/store.h"), and no two files include each other, directly or
# through others.  Prints TAP.
#
# Environment: tests/lib.sh's (top_srcdir: two folders up from here).
. "$(dirname "$0")/../lib.sh"
require_cmd python3

exec python3 - "$top_srcdir/src" <<'PY'
import os, re, sys

LAYERS = ["base", "image", "parse", "fs", "core", "checks", "scan", "report", "cli"]
src = sys.argv[1]
inc_re = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.M)

files = {}
strays = []
for dirpath, _, names in os.walk(src):
    for n in names:
        if not n.endswith((".c", ".h")):
            continue
        rel = os.path.relpath(os.path.join(dirpath, n), src)
        if rel.split(os.sep)[0] not in LAYERS or os.sep not in rel:
            strays.append(rel)
        with open(os.path.join(dirpath, n), "rb") as f:
            files[rel] = [m.decode() for m in inc_re.findall(f.read())]

n = 0
def ok(cond, what, detail=()):
    global n
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    for d in detail:
        print("#   " + d)

ok(len(files) > 0, "src/ holds %d C files" % len(files))
ok(not strays, "every C file of src/ sits in a layer folder", strays)

unqualified, upward = [], []
for f, incs in sorted(files.items()):
    layer = LAYERS.index(f.split(os.sep)[0]) if not f in strays else -1
    for i in incs:
        if i == "config.h":
            continue
        top = i.split("/")[0]
        if "/" not in i or top not in LAYERS:
            unqualified.append("%s: \"%s\"" % (f, i))
        elif LAYERS.index(top) > layer:
            upward.append("%s (%s) includes %s (%s)" %
                          (f, LAYERS[layer], i, top))
ok(not unqualified, "every #include of a project header is qualified",
   unqualified)
ok(not upward, "no layer includes a layer above it (%s)" %
   " < ".join(LAYERS), upward)

# Include cycles between files, by depth-first search.
graph = {f: [i for i in incs if i in files] for f, incs in files.items()}
state, cycles = {}, []
def visit(f, stack):
    state[f] = 1
    stack.append(f)
    for g in graph[f]:
        if state.get(g) == 1:
            cycles.append(" -> ".join(stack[stack.index(g):] + [g]))
        elif g not in state:
            visit(g, stack)
    stack.pop()
    state[f] = 2
for f in sorted(graph):
    if f not in state:
        visit(f, [])
ok(not cycles, "no #include cycle between files", cycles)

missing = ["%s: \"%s\"" % (f, i) for f, incs in sorted(files.items())
           for i in incs if "/" in i and i.split("/")[0] in LAYERS
           and i not in files and not i.endswith(".inc")]
ok(not missing, "every qualified #include names a file of src/", missing)
print("1..%d" % n)
PY
