#!/usr/bin/env python3
"""Write the "sleepy-members" fuzz seeds (see tests/fuzz/fuzz_reader.c) from the .sleepy
fixtures: Symbols.txt, the separator line, Callstacks.txt. Run from this directory:
    python3 make-sleepy-members.py ../../fixtures/sleepy
"""
import os
import sys
import zipfile

SEP = b'==> Callstacks.txt <==\n'


def member(z, want):
    # gprof2dot matches the member name ignoring case
    for name in z.namelist():
        if name.lower() == want.lower():
            return z.read(name)
    raise KeyError(want)


def main(fixtures):
    for base in ('demo', 'lower-crlf'):
        with zipfile.ZipFile(os.path.join(fixtures, base + '.sleepy')) as z:
            sym, cs = member(z, 'Symbols.txt'), member(z, 'Callstacks.txt')
        with open(os.path.join('sleepy-members', base), 'wb') as f:
            f.write(sym + SEP + cs)
        if base == 'demo':
            with open(os.path.join('sleepy-members', 'symbols-only'), 'wb') as f:
                f.write(sym)
            with open(os.path.join('sleepy-members', 'no-trailing-newlines'), 'wb') as f:
                f.write(sym.rstrip(b'\n') + SEP + cs.rstrip(b'\n'))
            with open(os.path.join('sleepy-members', 'empty-members'), 'wb') as f:
                f.write(SEP)


main(sys.argv[1])
