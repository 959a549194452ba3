#!/bin/sh
# `make check` renders every profile in examples/ (as jq tests its manual's examples):
# each must convert to PNG and SVG without a warning, and the documentation-build Makefile
# must regenerate its figures.
set -u
: "${top_srcdir:=.}" "${PROF2PNG:=./prof2png}" "${VALGRIND_RUN:=}"
EX=$top_srcdir/examples
PROF2PNG=$(cd "$(dirname "$PROF2PNG")" && pwd)/$(basename "$PROF2PNG")
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-examples.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
n=0
for f in "$EX"/python/*.prof "$EX"/c/*.callgrind "$EX"/docs/profiles/*.prof; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    base=$(basename "$f")
    for fmt in png svg; do
        if $VALGRIND_RUN "$PROF2PNG" "$f" -o "$T/$base.$fmt" 2>"$T/err" && [ ! -s "$T/err" ] &&
            [ -s "$T/$base.$fmt" ]; then
            pass=$((pass + 1))
            echo "ok - $base -> $fmt"
        else
            fail=$((fail + 1))
            echo "not ok - $base -> $fmt: $(cat "$T/err")"
        fi
    done
done
if [ "$n" -lt 4 ]; then
    fail=$((fail + 1))
    echo "not ok - expected at least 4 example profiles, found $n"
fi
# the documentation-build rule, run in a scratch copy
mkdir -p "$T/docs/profiles"
cp "$EX"/docs/profiles/*.prof "$T/docs/profiles/"
if make -s -C "$T/docs" -f "$(cd "$EX/docs" && pwd)/Makefile" PROF2PNG="$PROF2PNG" >"$T/make.log" 2>&1 &&
    grep -q '</svg>' "$T/docs/figures/wordfreq.svg"; then
    pass=$((pass + 1))
    echo "ok - examples/docs/Makefile regenerates figures"
else
    fail=$((fail + 1))
    echo "not ok - examples/docs/Makefile: $(cat "$T/make.log")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
