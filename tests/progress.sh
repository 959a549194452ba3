#!/bin/sh
# The progress line (issue 5): on a terminal (script(1) gives a pseudo-terminal) each stage
# that lasts longer than the delay is shown as "prof2png: STAGE..." rewritten with \r and
# cleared with \r ESC[K before anything else is written and at the end; nothing with -q,
# when standard error is not a terminal, or for stages shorter than the delay.
# P2P_PROGRESS_DELAY=0 shows every stage at once, so the test needs no slow input.
# Run by `make check` (PROF2PNG, top_srcdir and VALGRIND_RUN come from Makefile.am).
set -u
: "${top_srcdir:=.}" "${PROF2PNG:=./prof2png}" "${VALGRIND_RUN:=}"
if ! command -v script >/dev/null 2>&1; then
    echo "SKIP: no script(1) to run prof2png on a pseudo-terminal"
    exit 77
fi
PROF=$top_srcdir/examples/python/wordfreq.prof
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-progress.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() {
    name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# on_tty OUT ARGS...: run prof2png with ARGS on a pseudo-terminal; the terminal's bytes
# (stdout and stderr alike) go to OUT.
on_tty() {
    out=$1
    shift
    cmd="$VALGRIND_RUN '$PROF2PNG'"
    for a in "$@"; do
        cmd="$cmd '$a'"
    done
    script -qec "$cmd" /dev/null >"$out" 2>&1
}

ESC=$(printf '\033')
CR=$(printf '\r')
# What the terminal shows in the end, roughly: per line, the text after the last \r (the
# pseudo-terminal ends lines with \r\n), without erase sequences.
final_text() { tr -d '\000' <"$1" | sed -e "s/$CR\$//" -e "s/.*$CR//" -e "s/$ESC\\[K//g" | grep -v '^$'; }
last_bytes() { tail -c 4 "$1" | od -An -tx1 | tr -d ' \n'; }

# ---- on a terminal, with no delay: every stage, each line cleared
P2P_PROGRESS_DELAY=0 on_tty "$T/tty" "$PROF" -o "$T/out.svg"
check "exit 0 and the picture" grep -q '</svg>' "$T/out.svg"
check "reading stage shown" grep -q "prof2png: reading .*wordfreq.prof" "$T/tty"
check "parsing stage shown, with the size" grep -q "prof2png: parsing .*wordfreq.prof: .* of .*B (0 s)" "$T/tty"
check "graph stage shown" grep -q "prof2png: building the graph" "$T/tty"
check "layout stage shown" grep -q "prof2png: layout of [0-9]* nodes, [0-9]* edges" "$T/tty"
check "line rewritten in place (CR)" grep -q "${CR}prof2png: layout of" "$T/tty"
check "cleared at the end (CR ESC[K)" test "$(last_bytes "$T/tty")" = 0d1b5b4b
check "nothing left on the screen" test -z "$(final_text "$T/tty")"

# ---- cleared before anything else is written to standard error
P2P_PROGRESS_DELAY=0 on_tty "$T/tty-timings" --timings "$PROF" -o "$T/out2.svg"
all=$(grep -ao "prof2png: timing" "$T/tty-timings" | wc -l)
clean=$(grep -ao "^prof2png: timing\|$CR$ESC\[Kprof2png: timing" "$T/tty-timings" | wc -l)
check "other messages start on a clean line" test "$all" -eq 4 -a "$clean" -eq 4
check "other messages intact" test "$(final_text "$T/tty-timings" | grep -c '^prof2png: timing: ')" -eq 4
# a warning in the middle of a stage (building the graph): cleared first, then redrawn
awk 'BEGIN { s = "main;"; for (i = 0; i < 5000; i++) s = s "x"; print s " 3" }' >"$T/long.collapse"
P2P_PROGRESS_DELAY=0 on_tty "$T/tty-warn" "$T/long.collapse" -o "$T/long.svg"
check "a warning during a stage starts on a clean line" \
    grep -q "$CR${ESC}\\[Kprof2png: warning: truncating function name" "$T/tty-warn"
check "the warning stays on the screen, alone" test "$(final_text "$T/tty-warn")" = \
    "prof2png: warning: truncating function name with 5000 chars (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)"
# output to the same terminal: no output stage to draw over it
P2P_PROGRESS_DELAY=0 on_tty "$T/tty-dot" "$PROF"
check "DOT to the terminal: no output stage" sh -c "! grep -q 'prof2png: writing' '$T/tty-dot'"
check "DOT to the terminal: intact" test "$(final_text "$T/tty-dot" | head -n 1)" = "digraph {"
P2P_PROGRESS_DELAY=0 on_tty "$T/tty-error" "$T/nosuch.prof"
check "an error after a stage: one clean line" test "$(final_text "$T/tty-error")" = \
    "prof2png: $T/nosuch.prof: cannot open: No such file or directory"

# bytes read so far: standard input from a FIFO that stalls after 200 000 lines (> 1 MB)
mkfifo "$T/fifo"
awk 'BEGIN { for (i = 0; i < 200000; i++) print "main;f" (i % 7) " 1" }' >"$T/a.folded"
(cat "$T/a.folded"; sleep 1; cat "$T/a.folded") >"$T/fifo" &
P2P_PROGRESS_DELAY=0 script -qec "$VALGRIND_RUN '$PROF2PNG' -f collapse -o '$T/fifo.svg' - <'$T/fifo'" \
    /dev/null >"$T/tty-fifo" 2>&1
wait
check "reading stage shows the bytes read" \
    grep -q "prof2png: reading standard input: [0-9.]* MB ([0-9]* s)" "$T/tty-fifo"
check "then the whole input parsed" grep -q '</svg>' "$T/fifo.svg"

# ---- never with -q, never when stderr is not a terminal, never for a short stage
P2P_PROGRESS_DELAY=0 on_tty "$T/tty-q" -q "$PROF" -o "$T/out3.svg"
check "-q: no progress" test ! -s "$T/tty-q"
P2P_PROGRESS_DELAY=0 script -qec "$VALGRIND_RUN '$PROF2PNG' '$PROF' -o '$T/out4.svg' 2>'$T/err'" \
    /dev/null >"$T/tty-file" 2>&1
check "stderr to a file: no progress" test ! -s "$T/err" -a ! -s "$T/tty-file"
P2P_PROGRESS_DELAY=0 $VALGRIND_RUN "$PROF2PNG" "$PROF" -o "$T/out5.svg" 2>"$T/err2"
check "stderr not a terminal: nothing" test ! -s "$T/err2"
P2P_PROGRESS_DELAY=60 on_tty "$T/tty-short" "$PROF" -o "$T/out6.svg"
check "stages shorter than the delay: nothing" test ! -s "$T/tty-short"
check "the same picture in every case" sh -c \
    "cmp -s '$T/out.svg' '$T/out3.svg' && cmp -s '$T/out.svg' '$T/out4.svg' && cmp -s '$T/out.svg' '$T/out6.svg'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
