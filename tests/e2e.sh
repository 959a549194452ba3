#!/bin/sh
# End-to-end tests of the prof2png program: real profiles in, DOT/PNG/SVG/PDF out, exit
# codes, one-line errors, no output file left behind on failure, determinism.
# Run by `make check` (PROF2PNG, top_srcdir, DOT and VALGRIND_RUN come from Makefile.am).
set -u
: "${top_srcdir:=.}" "${PROF2PNG:=./prof2png}" "${DOT:=dot}" "${VALGRIND_RUN:=}"
EX=$top_srcdir/examples
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-e2e.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { # check NAME COMMAND...: the command must succeed
    name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
p2p() { $VALGRIND_RUN "$PROF2PNG" "$@"; }
has_dot() { [ "$DOT" != no ] && command -v "$DOT" >/dev/null 2>&1; }

# expect_error NAME STATUS PATTERN ARGS...: exit status, a single "prof2png: " line
# matching PATTERN on stderr, and no output file $T/out.png.
expect_error() {
    name=$1 want=$2 pattern=$3
    shift 3
    rm -f "$T/out.png"
    p2p "$@" >"$T/stdout" 2>"$T/stderr"
    st=$?
    lines=$(grep -c '^prof2png: ' "$T/stderr")
    if [ "$st" -ne "$want" ]; then
        not_ok "$name (exit $st, want $want: $(head -n 1 "$T/stderr"))"
    elif [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$T/stderr"; then
        not_ok "$name (message: $(cat "$T/stderr"))"
    elif [ -e "$T/out.png" ] || ls -a "$T" | grep -q '^\.prof2png-'; then
        not_ok "$name (an output file was left behind)"
    else
        ok "$name"
    fi
}

PROF=$EX/python/wordfreq.prof

# ---- DOT on standard output, detection, determinism
p2p "$PROF" -o - >"$T/a.dot"
check "pstats to DOT on stdout" test -s "$T/a.dot"
p2p -f pstats "$PROF" >"$T/b.dot"
check "detected and explicit -f agree" cmp -s "$T/a.dot" "$T/b.dot"
check "DOT has the main node" grep -q 'label="wordfreq:60:main\\n99.93%' "$T/a.dot"
p2p <"$PROF" >"$T/stdin.dot"
check "standard input (no file)" cmp -s "$T/a.dot" "$T/stdin.dot"
p2p - <"$PROF" >"$T/dash.dot"
check "standard input (-)" cmp -s "$T/a.dot" "$T/dash.dot"
if has_dot; then
    check "DOT parses with dot" "$DOT" -Tcanon "$T/a.dot" -o "$T/canon.dot"
fi

# ---- pictures: valid, deterministic, the same layout as piping into dot
for fmt in png svg pdf dot gv; do
    p2p "$PROF" -o "$T/one.$fmt" && p2p "$PROF" -o "$T/two.$fmt"
    check "$fmt twice gives identical bytes" cmp -s "$T/one.$fmt" "$T/two.$fmt"
done
check "PNG signature" sh -c "head -c 8 '$T/one.png' | od -An -c | grep -q 'P   N   G'"
check "PDF signature" sh -c "head -c 5 '$T/one.pdf' | grep -q '%PDF-'"
check "SVG is complete" grep -q '</svg>' "$T/one.svg"
check "x.gv is DOT" cmp -s "$T/one.gv" "$T/a.dot"
check "-T overrides the extension" sh -c "'$PROF2PNG' '$PROF' -T svg -o '$T/t.png' && grep -q '</svg>' '$T/t.png'"
check "unknown extension writes DOT, as gprof2dot" sh -c "'$PROF2PNG' '$PROF' -o '$T/out.txt' && cmp -s '$T/out.txt' '$T/a.dot'"
if has_dot; then
    "$DOT" -Tpng "$T/a.dot" -o "$T/piped.png"
    check "-o x.png equals 'prof2png | dot -Tpng'" cmp -s "$T/one.png" "$T/piped.png"
fi

# ---- both Python profilers, merging
check "profile-module stats file" sh -c "'$PROF2PNG' '$EX/python/wordfreq-profile.prof' | grep -q 'wordfreq:30:merge_sort'"
p2p "$PROF" "$PROF" >"$T/merged.dot"
check "two files are merged (calls add up)" grep -q 'label="wordfreq:60:main\\n99.93%\\n(0.48%)\\n2×"' "$T/merged.dot"

# ---- selection and listing
p2p "$PROF" --list-functions=+ >"$T/list.out" 2>"$T/list.err"
check "--list-functions writes to stderr only" sh -c "[ ! -s '$T/list.out' ] && grep -q ':	wordfreq:60:main' '$T/list.err'"
p2p "$PROF" -z '*merge_sort' >"$T/root.dot"
check "-z keeps the subtree" sh -c "grep -q merge_sort '$T/root.dot' && ! grep -q make_text '$T/root.dot'"
expect_error "-z with no match" 1 "root node nosuch not found" "$PROF" -z nosuch -o "$T/out.png"

# ---- bad input: one line, exit status, no file
head -c 2000 "$PROF" >"$T/truncated.prof"
expect_error "truncated stats file" 1 "truncated.prof: .*(offset [0-9]*)" -f pstats "$T/truncated.prof" -o "$T/out.png"
printf 'this is not a profile\n' >"$T/garbage.txt"
expect_error "unrecognised format" 1 "garbage.txt: unrecognised profile format (tried " "$T/garbage.txt" -o "$T/out.png"
head -c 4096 /dev/urandom >"$T/random.bin"
expect_error "random bytes as pstats" 1 "random.bin: " -f pstats "$T/random.bin" -o "$T/out.png"
expect_error "missing input file" 3 "nosuch.prof: cannot open" "$T/nosuch.prof" -o "$T/out.png"
expect_error "unknown option" 2 "unrecognized or ambiguous option '--bogus'" --bogus "$PROF"
expect_error "bad colormap" 2 "invalid choice 'rainbow'" -c rainbow "$PROF"
expect_error "output directory missing" 3 "cannot create a file beside" "$PROF" -o "$T/no/dir/out.png"
printf 'keep' >"$T/keep.png"
p2p -f pstats "$T/truncated.prof" -o "$T/keep.png" 2>/dev/null
check "a failed run leaves an existing output untouched" sh -c "[ \"\$(cat '$T/keep.png')\" = keep ]"
if [ -w /dev/full ]; then
    p2p "$PROF" >/dev/full 2>"$T/full.err"
    st=$?
    check "stdout on a full disk: exit 3" sh -c "[ $st -eq 3 ] && grep -q 'No space left' '$T/full.err'"
    p2p "$PROF" -o /dev/full 2>"$T/full.err"
    st=$?
    check "-o /dev/full: exit 3, device kept" sh -c "[ $st -eq 3 ] && [ -c /dev/full ]"
fi

# ---- names are data (folded stacks with hostile names)
printf 'main;a"b[shape=star];<script>x</script>;back\\slash\\N 5\nmain;}digraph{x;0x10 3\n' >"$T/evil.collapse"
check "hostile names: DOT written" sh -c "'$PROF2PNG' -f collapse -n0 -e0 '$T/evil.collapse' >'$T/evil.dot'"
if has_dot; then
    check "hostile names: DOT parses" "$DOT" -Tsvg "$T/evil.dot" -o "$T/evil-dot.svg"
    check "hostile names: node count intact" sh -c "[ \"\$(grep -c 'class=\"node\"' '$T/evil-dot.svg')\" -eq 6 ]"
fi
check "hostile names: SVG" p2p -f collapse -n0 -e0 "$T/evil.collapse" -o "$T/evil.svg"
check "hostile names: markup escaped" sh -c "! grep -q '<script' '$T/evil.svg' && grep -q '&lt;script&gt;' '$T/evil.svg'"

# ---- Latin-1 bytes in names are kept (read as Latin-1) and the output stays valid UTF-8
printf 'main;caf\351_func;leaf 3\r\nmain;ok 1\r\n' >"$T/latin1.collapse"
p2p "$T/latin1.collapse" >"$T/latin1.dot"
check "Latin-1 name shown as UTF-8" grep -q "\"caf$(printf '\303\251')_func\" \[" "$T/latin1.dot"
check "CRLF line ends" grep -q 'label="leaf\\n75.00%' "$T/latin1.dot"
if command -v iconv >/dev/null 2>&1; then
    check "DOT is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$T/latin1.dot" -o /dev/null
fi

# ---- binary output is refused on a terminal (script(1) gives a pseudo-terminal)
if command -v script >/dev/null 2>&1; then
    script -qec "'$PROF2PNG' '$PROF' -T png" /dev/null >"$T/tty.out" 2>&1
    st=$?
    check "PNG to a terminal refused with a hint" sh -c "[ $st -eq 2 ] && grep -q 'refusing to write binary png output to a terminal' '$T/tty.out'"
fi

# ---- --timings reports each stage on stderr, and nothing changes on stdout
p2p --timings "$PROF" >"$T/timed.dot" 2>"$T/timings"
check "--timings: stages and peak memory" sh -c "grep -q '^prof2png: timing: read [0-9.]* s' '$T/timings' && grep -q '^prof2png: timing: peak-rss [0-9]* KiB' '$T/timings'"
check "--timings: same DOT" cmp -s "$T/timed.dot" "$T/a.dot"

# ---- --max-nodes (issue 5): the N heaviest functions and the paths to them
# node statements of a DOT file (less the graph, node and edge defaults)
count_nodes() { echo $(($(grep -c '^	[^ ]* \[' "$1") - 3)); }
p2p -n0 -e0 "$PROF" >"$T/all.dot"
p2p -n0 -e0 --max-nodes 8 "$PROF" >"$T/max8.dot" 2>"$T/max8.err"
check "--max-nodes 8: 8 nodes" test "$(count_nodes "$T/max8.dot")" -eq 8
check "more without it" test "$(count_nodes "$T/all.dot")" -gt 8
check "--max-nodes keeps the heaviest (main)" grep -q 'label="wordfreq:60:main' "$T/max8.dot"
check "--max-nodes prints nothing" test ! -s "$T/max8.err"
p2p -n0 -e0 --max-nodes 8 "$PROF" >"$T/max8b.dot"
check "--max-nodes is deterministic" cmp -s "$T/max8.dot" "$T/max8b.dot"
p2p -n0 -e0 --max-nodes 100000 "$PROF" >"$T/maxbig.dot"
check "--max-nodes above the size changes nothing" cmp -s "$T/maxbig.dot" "$T/all.dot"
check "--max-nodes: every line as in the full graph (nothing re-normalised)" sh -c \
    "! grep -vxFf '$T/all.dot' '$T/max8.dot'"
expect_error "--max-nodes needs a number" 2 "option --max-nodes: 'x' is not a number of nodes" \
    --max-nodes x "$PROF"

# ---- graphs above the layout budget get cheaper dot settings, in DOT and in pictures
awk 'BEGIN { for (i = 0; i < 700; i++) printf "main;f%d;g%d %d\n", i % 350, i, 1 + i % 7 }' \
    >"$T/big.collapse"
p2p -n0 -e0 "$T/big.collapse" >"$T/big.dot" 2>"$T/big.err"
check "large graph: faster settings in the DOT" grep -q '^	graph \[fontname=Arial, nodesep=0.125, nslimit=2, ranksep=0.25\];$' "$T/big.dot"
check "large graph: one note on stderr" sh -c "[ \$(wc -l <'$T/big.err') -eq 1 ] && grep -q '^prof2png: note: 1051 nodes, 1050 edges: using faster layout settings (nslimit=2); use --max-nodes or -n/-e to prune, or --full-layout\$' '$T/big.err'"
p2p -q -n0 -e0 "$T/big.collapse" >"$T/bigq.dot" 2>"$T/bigq.err"
check "large graph, -q: same DOT, no note" sh -c "cmp -s '$T/big.dot' '$T/bigq.dot' && [ ! -s '$T/bigq.err' ]"
p2p --full-layout -n0 -e0 "$T/big.collapse" >"$T/bigfull.dot" 2>"$T/bigfull.err"
check "--full-layout: dot's defaults, no note" sh -c "! grep -q nslimit '$T/bigfull.dot' && [ ! -s '$T/bigfull.err' ]"
grep -v '^	graph ' "$T/big.dot" >"$T/big-rest"
grep -v '^	graph ' "$T/bigfull.dot" >"$T/bigfull-rest"
check "--full-layout: otherwise the same DOT" cmp -s "$T/big-rest" "$T/bigfull-rest"
p2p -n0 -e0 --max-nodes 400 "$T/big.collapse" >"$T/big400.dot" 2>"$T/big400.err"
check "--max-nodes under the budget: no settings, no note" sh -c "! grep -q nslimit '$T/big400.dot' && [ ! -s '$T/big400.err' ]"
if has_dot; then
    # plain: the layout's coordinates, without the graph's name (SVG has it in its title)
    p2p -q -n0 -e0 "$T/big.collapse" -T plain -o "$T/big.plain"
    "$DOT" -Tplain "$T/big.dot" -o "$T/big-piped.plain"
    check "large graph: the layout of -o equals 'prof2png | dot'" cmp -s "$T/big.plain" "$T/big-piped.plain"
    p2p -q --full-layout -n0 -e0 "$T/big.collapse" -T plain -o "$T/big-full.plain"
    "$DOT" -Tplain "$T/bigfull.dot" -o "$T/bigfull-piped.plain"
    check "--full-layout: the layout of dot's defaults" cmp -s "$T/big-full.plain" "$T/bigfull-piped.plain"
    check "large graph: the settings change the layout" sh -c "! cmp -s '$T/big.plain' '$T/big-full.plain'"
fi

# ---- help and version
check "--help" sh -c "'$PROF2PNG' --help | grep -q 'Usage: prof2png'"
check "--version" sh -c "'$PROF2PNG' --version | grep -q '^prof2png [0-9]'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
