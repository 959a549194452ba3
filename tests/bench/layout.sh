#!/bin/sh
# How long dot takes to lay out prof2png's graphs, by size, with its default settings and with
# cheaper ones (issue 5): the figures behind RENDER_FAST_LAYOUT_NODES/EDGES and the settings
# in render/render.c. Prints a table, never pass/fail; not part of make check.
#     sh tests/bench/layout.sh [PROFILE...]
# Graphs: each PROFILE given (format detected), else the larger inputs of the conformance
# corpus (LAYOUT_CORPUS, default /work/shared/conformance/cases, if present) with -n0 -e0,
# plus gen.py's perf, callgrind and collapse inputs (scale LAYOUT_SCALE, default 0.02)
# pruned at each -n of LAYOUT_THRES (default "0.5 0.2 0.1 0.05 0", -e a fifth of it).
# Every graph is written with --full-layout, so that the DOT carries no settings of its own,
# then laid out with `dot -Tplain` once per variant of LAYOUT_VARIANTS (default "default
# nslimit=2"; a variant is a comma-separated list of graph attributes, passed as -G).
# Columns: nodes, edges, variant, wall and CPU seconds (user+sys of dot), drawing width in
# inches, and the total horizontal length of the edges relative to the default layout's
# (what dot's x-coordinate pass minimises: 1.00 is as good, higher is more sprawl).
# Environment: PROF2PNG (default $top_builddir/prof2png), DOT (default dot), PYTHON3,
# LAYOUT_TIMEOUT (seconds per layout, default 300), LAYOUT_MIN_NODES (skip smaller graphs,
# default 150). Layouts run one at a time: run it on an otherwise idle machine.
set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 2
: "${top_builddir:=.}" "${PROF2PNG:=$top_builddir/prof2png}" "${DOT:=dot}"
: "${PYTHON3:=python3}" "${LAYOUT_TIMEOUT:=300}" "${LAYOUT_MIN_NODES:=150}"
: "${LAYOUT_CORPUS:=/work/shared/conformance/cases}" "${LAYOUT_SCALE:=0.02}"
: "${LAYOUT_THRES:=0.5 0.2 0.1 0.05 0}" "${LAYOUT_VARIANTS:=default nslimit=2}"

[ -x "$PROF2PNG" ] || { echo "layout.sh: no prof2png at $PROF2PNG (set PROF2PNG)" >&2; exit 2; }
command -v "$DOT" >/dev/null 2>&1 || { echo "layout.sh: no dot (set DOT)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/p2p-layout.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# graph NAME ARGS...: prof2png's DOT for ARGS into $tmp/NAME.dot
graph() {
    name=$1
    shift
    "$PROF2PNG" -q --full-layout "$@" >"$tmp/$name.dot" 2>/dev/null ||
        echo "layout.sh: prof2png failed on $*" >&2
}

if [ $# -gt 0 ]; then
    for f in "$@"; do
        graph "$(basename "$f" | tr -c 'A-Za-z0-9_.\n-' _)" "$f"
    done
else
    if [ -d "$LAYOUT_CORPUS" ]; then
        for f in perf/xwax.perf dtrace/rust.dtrace collapse/synapse.collapse \
            sysprof/nautilus.sysprof prof/hpasanen.prof prof/dan.skorupski.prof \
            axe/nucleotide.axe callgrind/selinux.callgrind callgrind/bool.callgrind \
            callgrind/googlecode-issue98.callgrind pstats/memtrail.pstats; do
            [ -f "$LAYOUT_CORPUS/$f" ] || continue
            fmt=${f%%/*}
            name=$(basename "$f")
            graph "${name%.*}-n0" -f "$fmt" -n0 -e0 "$LAYOUT_CORPUS/$f"
        done
    fi
    gen="$here/gen.py"
    "$PYTHON3" "$gen" --scale "$LAYOUT_SCALE" --only perf,callgrind,collapse "$tmp/gen" >&2 ||
        exit 2
    for f in perf.perf callgrind.out collapse.folded; do
        for n in $LAYOUT_THRES; do
            e=$("$PYTHON3" -c "print($n / 5)")
            graph "gen-${f%%.*}-n$n" -n "$n" -e "$e" "$tmp/gen/$f"
        done
    done
fi

DOT="$DOT" "$PYTHON3" - "$tmp" "$LAYOUT_TIMEOUT" "$LAYOUT_MIN_NODES" $LAYOUT_VARIANTS <<'EOF'
import glob, os, re, resource, shlex, subprocess, sys, time

tmp, timeout, min_nodes, variants = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
dot = os.environ['DOT']

def size(path):
    text = open(path, encoding='utf-8', errors='replace').read()
    nodes = len(re.findall(r'^\t(?!graph |node |edge )("(?:[^"\\]|\\.)*"|\w+) \[', text, re.M))
    return nodes, text.count(' -> ')

def plain_stats(text):
    """Drawing width (inches) and total horizontal edge length between node centres."""
    pos, edges, width = {}, [], 0.0
    for line in text.splitlines():
        try:
            t = shlex.split(line)
        except ValueError:
            continue
        if t and t[0] == 'graph':
            width = float(t[2])
        elif t and t[0] == 'node':
            pos[t[1]] = float(t[2])
        elif t and t[0] == 'edge':
            edges.append((t[1], t[2]))
    return width, sum(abs(pos[a] - pos[b]) for a, b in edges if a in pos and b in pos)

def run(path, variant):
    args = [dot, '-Tplain', path]
    if variant != 'default':
        args[1:1] = ['-G' + kv for kv in variant.split(',')]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    try:
        out = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=timeout).stdout.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        return None
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (wall, cpu) + plain_stats(out)

rows = []
for path in sorted(glob.glob(os.path.join(tmp, '*.dot'))):
    n, e = size(path)
    if n < min_nodes:
        continue
    rows.append((n, e, os.path.basename(path)[:-4], path))
rows.sort()
print('%-28s %6s %6s  %-22s %8s %8s %7s %6s' % ('graph', 'nodes', 'edges', 'variant', 'wall s',
                                                'cpu s', 'width', 'dx'))
for n, e, name, path in rows:
    base = None
    for v in variants:
        r = run(path, v)
        if r is None:
            print('%-28s %6d %6d  %-22s %8s' % (name, n, e, v, '>%g' % timeout), flush=True)
            continue
        wall, cpu, width, dx = r
        if base is None and v == 'default':
            base = dx
        rel = '%.2f' % (dx / base) if base else '-'
        print('%-28s %6d %6d  %-22s %8.2f %8.2f %7.0f %6s' % (name, n, e, v, wall, cpu, width, rel),
              flush=True)
EOF
