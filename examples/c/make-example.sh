#!/bin/sh
# Regenerates primes.callgrind and its picture (needs gcc and valgrind).
set -eu
cd "$(dirname "$0")"
PROF2PNG=${PROF2PNG:-../../build/prof2png}
gcc -O1 -g -fno-inline -o primes primes.c
valgrind --tool=callgrind --callgrind-out-file=primes.callgrind ./primes
rm -f primes

chmod 644 primes.callgrind
"$PROF2PNG" primes.callgrind -o primes.png
