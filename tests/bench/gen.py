#!/usr/bin/env python3
"""Large, realistic, deterministic benchmark inputs for prof2png (issue 5).

    gen.py [--scale S] [--only NAME,...] DIR

writes into DIR (sizes at --scale 1; every count scales with S, floors keep tiny scales
meaningful; the same S gives the same bytes on every run, fixed seeds, standard library only):

    perf.perf          perf script of perf record -g, ~100 MB: C, C++ (templates, lambdas,
                       spaces, parentheses), [unknown] and kernel frames, several threads
    callgrind.out      callgrind with --cache-sim=yes, ~100 MB: 9 events, name compression
                       (ob= fl= fi= fe= fn= cob= cfi= cfn=), relative positions, calls=
    collapse.folded    folded stacks as stackcollapse-perf.pl writes them, ~100 MB
    pstats.pstats      marshalled cProfile statistics, ~10 MB, 50 000 functions
    scc.folded         folded stacks whose call graph is one 10 000-function strongly
                       connected component, entered from the driver at every member
    scc10.folded       the same component entered at 10 members only (an interpreter's
                       usual shape: the driver calls a few evaluators)
    wide.folded        200 000 distinct stacks over 3 000 functions (with recursion)
    deep.perf          perf script events 10 000 frames deep (the depth does not scale,
                       the number of events does)
"""

import argparse
import bisect
import hashlib
import marshal
import os
import random
import sys

MB = 1000 * 1000

# ------------------------------------------------------------------------------- names

VERBS = ["get", "set", "read", "write", "parse", "alloc", "release", "init", "update",
         "process", "handle", "compute", "encode", "decode", "hash", "lookup", "insert",
         "remove", "flush", "scan", "emit", "visit", "merge", "sort", "resolve", "load",
         "store", "apply", "dispatch", "build", "check", "copy", "find", "grow", "reset"]
NOUNS = ["buffer", "node", "entry", "table", "page", "frame", "token", "block", "record",
         "request", "packet", "vertex", "edge", "key", "value", "chunk", "segment", "string",
         "matrix", "queue", "header", "index", "slot", "bucket", "span", "range", "symbol",
         "field", "row", "column", "message", "stream", "cache", "tensor", "layer", "shape"]
NAMESPACES = ["std", "boost::asio::detail", "llvm", "v8::internal", "mozilla::dom", "absl",
              "folly", "grpc_core", "tensorflow", "app::core", "app::net", "app::storage",
              "app::render", "sql::exec", "json"]
CLASSES = ["Parser", "Allocator", "HashMap", "Session", "Scheduler", "Renderer", "Compiler",
           "Lexer", "Buffer", "Connection", "Worker", "Context", "Tree", "Graph", "Planner",
           "Executor", "Encoder", "Decoder", "Arena", "Channel", "Reactor", "Pipeline"]
TARGS = ["int", "long", "unsigned long", "char", "double", "void*", "char const*",
         "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
         "std::pair<int const, double>", "std::unique_ptr<Node, std::default_delete<Node> >",
         "std::vector<int, std::allocator<int> >", "unsigned char"]
PARAMS = ["", "int", "unsigned long", "char const*", "void*", "int, int", "Node*, bool",
          "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&",
          "std::vector<int, std::allocator<int> >&", "double, double, double", "Context&"]
C_SUFFIXES = ["", "", "", "", "", ".isra.0", ".constprop.0", ".part.0", ".cold"]


def camel(v, n):
    return v + n[0].upper() + n[1:]


def tmpl(name, *args):
    """NAME<ARGS> as the GNU demangler writes it: "> >", never ">>"."""
    a = ", ".join(args)
    return "%s<%s%s>" % (name, a, " " if a.endswith(">") else "")


class Names:
    """Unique function names of a given flavour, deterministic for a seed."""

    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def unique(self, make):
        for _ in range(8):
            s = make()
            if s not in self.seen:
                break
        else:
            s = s + "_" + str(len(self.seen))
        self.seen.add(s)
        return s

    def native(self, params=False):
        """A C or demangled C++ symbol as perf or callgrind shows it."""
        r = self.rng

        def make():
            k = r.random()
            ns, cls = r.choice(NAMESPACES), r.choice(CLASSES)
            meth = camel(r.choice(VERBS), r.choice(NOUNS))
            ps = "(" + r.choice(PARAMS) + ")" if params else ""
            if k < 0.30:
                return "%s_%s%s" % (r.choice(VERBS), r.choice(NOUNS), r.choice(C_SUFFIXES))
            if k < 0.55:
                return "%s::%s::%s%s" % (ns, cls, meth, ps)
            if k < 0.72:
                return "%s::%s::%s%s" % (ns, tmpl(cls, r.choice(TARGS)), meth, ps)
            if k < 0.78:
                return "(anonymous namespace)::%s%s" % (meth, ps)
            if k < 0.86:
                return "%s::%s::%s()::{lambda(int)#%d}::operator()%s" % (
                    ns, cls, meth, r.randrange(1, 4), "(int) const" if params else "")
            if k < 0.90:
                return ("std::_Function_handler<void (int), %s::%s::%s()::{lambda(int)#1}>"
                        "::_M_invoke%s" % (ns, cls, meth,
                                           "(std::_Any_data const&, int&&)" if params else ""))
            if k < 0.95:
                return "%s::%s::~%s%s" % (ns, cls, cls, "()" if params else "")
            return "%s::%s::operator[]%s" % (ns, tmpl(cls, r.choice(TARGS), r.choice(TARGS)), ps)

        return self.unique(make)


# Kernel paths, outermost first, as a sampled user thread enters the kernel.
KERNEL_PATHS = [
    ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_read", "ksys_read",
     "vfs_read", "ext4_file_read_iter", "filemap_read", "copy_page_to_iter",
     "_copy_to_iter", "copy_user_enhanced_fast_string"],
    ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_write", "ksys_write",
     "vfs_write", "pipe_write", "__wake_up_common_lock", "_raw_spin_unlock_irqrestore"],
    ["asm_exc_page_fault", "exc_page_fault", "do_user_addr_fault", "handle_mm_fault",
     "__handle_mm_fault", "do_anonymous_page", "vma_alloc_folio", "__alloc_pages",
     "get_page_from_freelist", "clear_page_erms"],
    ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_futex", "do_futex",
     "futex_wait", "futex_wait_queue", "schedule", "__schedule", "finish_task_switch.isra.0"],
    ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_mmap", "ksys_mmap_pgoff",
     "vm_mmap_pgoff", "do_mmap", "__mmap_region", "vma_merge_new_range", "mas_store_prealloc"],
    ["asm_sysvec_apic_timer_interrupt", "sysvec_apic_timer_interrupt",
     "__sysvec_apic_timer_interrupt", "hrtimer_interrupt", "__hrtimer_run_queues",
     "tick_nohz_highres_handler", "update_process_times", "scheduler_tick", "task_tick_fair"],
    ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_epoll_wait",
     "do_epoll_wait", "ep_poll", "schedule_hrtimeout_range", "schedule", "__schedule"],
]
# kworker stacks: kernel only, outermost first.
KWORKER_PATHS = [
    ["ret_from_fork_asm", "ret_from_fork", "kthread", "worker_thread", "process_one_work",
     "blk_mq_run_work_fn", "__blk_mq_run_hw_queue", "blk_mq_sched_dispatch_requests",
     "__blk_mq_do_dispatch_sched", "nvme_queue_rq"],
    ["ret_from_fork_asm", "ret_from_fork", "kthread", "worker_thread", "process_one_work",
     "wb_workfn", "wb_writeback", "__writeback_inodes_wb", "writeback_sb_inodes",
     "__writeback_single_inode", "do_writepages", "ext4_writepages"],
]
PROLOGUE = [("_start", "/usr/bin/appd"),
            ("__libc_start_main_impl", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
            ("__libc_start_call_main", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
            ("main", "/usr/bin/appd")]
THREAD_START = [("clone3", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                ("start_thread", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
                ("execute_native_thread_routine",
                 "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30")]
USER_DSOS = ["/usr/bin/appd", "/usr/bin/appd", "/usr/bin/appd", "/opt/appd/lib/libengine.so",
             "/opt/appd/lib/libengine.so", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
             "/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/appd/lib/libsql.so.3",
             "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"]


def zipf_cum(n, a=1.1):
    """Cumulative weights of ranks 1..n with weight 1/rank^a, for bisect sampling."""
    cum, t = [], 0.0
    for i in range(1, n + 1):
        t += 1.0 / i ** a
        cum.append(t)
    return cum


def pick(rng, seq, cum):
    return seq[bisect.bisect_right(cum, rng.random() * cum[-1])]


class Program:
    """A synthetic native program: functions in levels, each calling a skewed choice of
    deeper functions, with a few recursive and mutually recursive groups."""

    def __init__(self, rng, n_funcs, params=False, levels=24):
        self.rng = rng
        names = Names(rng)
        self.names = [names.native(params) for _ in range(n_funcs)]
        self.dso = [rng.choice(USER_DSOS) for _ in range(n_funcs)]
        # Level boundaries: few functions near the top, many below.
        self.level = sorted(min(levels - 1, int(levels * rng.random() ** 0.6))
                            for _ in range(n_funcs))
        self.level[0] = 0
        by_level = [[] for _ in range(levels)]
        for f, lv in enumerate(self.level):
            by_level[lv].append(f)
        below = [[g for l2 in range(lv + 1, min(levels, lv + 4)) for g in by_level[l2]]
                 for lv in range(levels)]
        self.callees, self.cum = [], []
        for f in range(n_funcs):
            lv = self.level[f]
            cands = below[lv]
            k = rng.randrange(2, 7) if cands else 0
            cs = [rng.choice(cands) for _ in range(k)]
            if rng.random() < 0.03:
                cs.append(f)  # direct recursion
            elif rng.random() < 0.03 and lv > 2 and by_level[lv - 1]:
                cs.append(rng.choice(by_level[lv - 1]))  # calls back up: a cycle
            cs = list(dict.fromkeys(cs))
            self.callees.append(cs)
            self.cum.append(zipf_cum(len(cs), 1.3) if cs else [])
        self.roots = by_level[0] or [0]

    def walk(self, max_depth=60, stop=0.07):
        """A root-first list of function indices."""
        rng = self.rng
        f = rng.choice(self.roots)
        out = [f]
        while len(out) < max_depth:
            cs = self.callees[f]
            if not cs or rng.random() < stop:
                break
            f = pick(rng, cs, self.cum[f])
            out.append(f)
        return out


# ------------------------------------------------------------------------------- perf


class PerfWriter:
    def __init__(self, rng, prog):
        self.rng = rng
        self.prog = prog
        self.t_us = 968962962
        # Per user function: frame lines at 4 call sites each ("\t  ADDR SYM+0xOFF (DSO)").
        self.ufr = []
        for f, name in enumerate(prog.names):
            dso = prog.dso[f]
            base = rng.randrange(0x1000, 0x3fffff) if dso == "/usr/bin/appd" \
                else rng.randrange(0x10000, 0xfffffff)
            self.ufr.append([self.line(base + off, name, off, dso)
                             for off in sorted(rng.randrange(4, 0x400) for _ in range(4))])
        self.kfr = {}

    @staticmethod
    def line(addr, sym, off, dso):
        return "\t%16x %s+0x%x (%s)\n" % (addr, sym, off, dso)

    def kframe(self, name):
        fr = self.kfr.get(name)
        if fr is None:
            base = 0xffffffff81000000 + self.rng.randrange(0, 0x1400000)
            fr = [self.line(base + o, name, o, "[kernel.kallsyms]")
                  for o in (0x11, 0x3a, 0x7e)]
            self.kfr[name] = fr
        return fr[self.rng.randrange(3)]

    def header(self, comm, tid):
        self.t_us += self.rng.randrange(200, 300)
        return "%s %5d %6d.%06d:     250000 cpu-clock: \n" % (
            comm, tid, self.t_us // 1000000, self.t_us % 1000000)

    def unknown(self):
        return "\t%16x [unknown] ([unknown])\n" % self.rng.randrange(0x7f0000000000,
                                                                     0x7fffffffffff)

    def event(self):
        """One event: header, frames leaf first, blank line."""
        rng = self.rng
        r = rng.random()
        if r < 0.02:
            path = rng.choice(KWORKER_PATHS)
            path = path[:rng.randrange(5, len(path) + 1)]
            k = rng.randrange(4)
            out = [self.header("kworker/u8:%d" % k, 1274 + k)]
            out.extend(self.kframe(k) for k in reversed(path))
            out.append("\n")
            return out
        thread = rng.randrange(6)
        comm = "appd" if thread == 0 else "appd-worker-%d" % thread
        frames = []  # leaf first
        walk = self.prog.walk()
        if rng.random() < 0.15:
            path = rng.choice(KERNEL_PATHS)
            for k in reversed(path[:rng.randrange(2, len(path) + 1)]):
                frames.append(self.kframe(k))
        ufr = self.ufr
        for f in reversed(walk):
            frames.append(ufr[f][rng.randrange(4)])
        if rng.random() < 0.05:
            # JIT code or a frame the unwinder could not name, between two known frames.
            frames.insert(rng.randrange(len(frames) + 1), self.unknown())
        if rng.random() < 0.04:
            frames.append(self.unknown())  # unwinding stopped early
        else:
            start = PROLOGUE if thread == 0 else THREAD_START
            for i, (name, dso) in enumerate(reversed(start)):
                frames.append(self.line(0x1100 + 0x40 * i, name, 0x29 + i, dso))
        return [self.header(comm, 10464 + thread)] + frames + ["\n"]


def write_chunks(path, target, make):
    """Call make() for lists of strings until target bytes are written."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        buf, bn = [], 0
        while n < target:
            part = make()
            s = "".join(part)
            buf.append(s)
            bn += len(s)
            n += len(s)
            if bn > 1 << 20:
                f.write("".join(buf))
                buf, bn = [], 0
        f.write("".join(buf))
    return n


def gen_perf(path, scale):
    rng = random.Random(5001)
    prog = Program(rng, max(300, int(8000 * scale)))
    w = PerfWriter(rng, prog)
    write_chunks(path, int(100 * MB * scale), w.event)


def gen_deep(path, scale):
    """Events exactly 10 000 frames deep: recursive descent with mutual recursion."""
    rng = random.Random(5007)
    prog = Program(rng, 200)
    w = PerfWriter(rng, prog)
    rec_groups = [["json::Parser::parse_value", "json::Parser::parse_array",
                   "json::Parser::parse_object"],
                  ["app::core::Tree<Node>::visit(Node*, Visitor&)"],
                  ["sql::exec::Planner::plan_join", "sql::exec::Planner::plan_subquery",
                   "sql::exec::Planner::plan_expr", "(anonymous namespace)::rewrite"]]
    rec = [[[w.line(0x5000 + 0x100 * i + o, n, o, "/usr/bin/appd") for o in (0x2a, 0x61)]
            for i, n in enumerate(g)] for g in rec_groups]
    events = max(2, round(60 * scale))
    depth = 10000
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for e in range(events):
            frames = []
            if e % 3 == 0:
                for k in reversed(KERNEL_PATHS[2]):
                    frames.append(w.kframe(k))
            top = prog.walk(max_depth=8)
            frames.extend(w.ufr[t][rng.randrange(4)] for t in reversed(top))
            base = [w.line(0x1100 + 0x40 * i, n, 0x29 + i, d)
                    for i, (n, d) in enumerate(reversed(PROLOGUE))]
            group = rec[e % len(rec)]
            i = 0
            while len(frames) + len(base) < depth:
                frames.append(group[i % len(group)][rng.randrange(2)])
                i += 1
            f.write(w.header("appd", 10464))
            f.write("".join(frames + base))
            f.write("\n")


# ------------------------------------------------------------------------------- collapse


def gen_collapse(path, scale):
    """stackcollapse-perf.pl output: comm;frames root first, kernel frames with _[k],
    identical stacks summed, sorted."""
    rng = random.Random(5003)
    prog = Program(rng, max(300, int(10000 * scale)))
    target = int(100 * MB * scale)
    stacks = {}
    n = 0
    names = prog.names
    while n < target:
        r = rng.random()
        if r < 0.02:
            p = rng.choice(KWORKER_PATHS)
            parts = ["kworker/u8:%d" % rng.randrange(4)]
            parts.extend(k + "_[k]" for k in p[:rng.randrange(5, len(p) + 1)])
        else:
            thread = rng.randrange(6)
            parts = ["appd" if thread == 0 else "appd-worker-%d" % thread]
            if rng.random() < 0.04:
                parts.append("[unknown]")
            else:
                parts.extend(fn for fn, _ in (PROLOGUE if thread == 0 else THREAD_START))
            parts.extend(names[f] for f in prog.walk())
            if rng.random() < 0.15:
                p = rng.choice(KERNEL_PATHS)
                parts.extend(k + "_[k]" for k in p[:rng.randrange(2, len(p) + 1)])
        s = ";".join(parts)
        c = min(10 ** 5, int(rng.paretovariate(1.2))) if rng.random() < 0.3 else 1
        old = stacks.get(s)
        if old is None:
            n += len(s) + 2 + len(str(c))
            stacks[s] = c
        else:
            stacks[s] = old + c
    write_sorted(path, stacks)


def write_sorted(path, stacks):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        buf = []
        for s in sorted(stacks):
            buf.append("%s %d\n" % (s, stacks[s]))
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def gen_scc(path, scale, entries=None):
    """One strongly connected component of N functions (an interpreter's mutually recursive
    evaluators): a ring plus two chords per function, each member entered from the driver
    (the worst case: gprof2dot's in-cycle heuristic walks the whole cycle once per member
    entered from outside), or only the first `entries` members."""
    rng = random.Random(5005)
    n = max(100, int(10000 * scale))
    kinds = ["eval", "visit", "lower", "check", "emit", "fold", "infer"]
    names = ["interp::%s_%s_%d" % (rng.choice(kinds), rng.choice(NOUNS), i) for i in range(n)]
    succ = [[(i + 1) % n, rng.randrange(n), rng.randrange(n)] for i in range(n)]
    stacks = {}
    # With few entries, member i is reached along a shortest path from them.
    parent = list(range(n))
    if entries is not None:
        parent = [None] * n
        queue = list(range(entries))
        for e in queue:
            parent[e] = e
        for x in queue:
            for z in succ[x]:
                if parent[z] is None:
                    parent[z] = x
                    queue.append(z)
    for i in range(n):
        down = [i]
        while parent[down[-1]] != down[-1]:
            down.append(parent[down[-1]])
        for j in succ[i]:
            parts = ["interp", "main", "interp::run"] + [names[f] for f in reversed(down)]
            parts.append(names[j])
            f = j
            for _ in range(rng.randrange(0, 8)):
                f = rng.choice(succ[f])
                parts.append(names[f])
            s = ";".join(parts)
            stacks[s] = stacks.get(s, 0) + rng.randrange(1, 50)
    write_sorted(path, stacks)


def gen_wide(path, scale):
    """N distinct stacks (200 000 at scale 1) over M functions (3 000), with recursion."""
    rng = random.Random(5006)
    n_stacks = max(1000, int(200000 * scale))
    # About a tenth of the functions are never reached: 3 250 give about 3 000 in the stacks.
    prog = Program(rng, max(100, int(3250 * scale)), levels=16)
    names = prog.names
    stacks = {}
    tries = 0
    while len(stacks) < n_stacks and tries < 50 * n_stacks:
        tries += 1
        w = prog.walk(max_depth=80, stop=0.04)
        s = ";".join(["appd"] + [names[f] for f in w])
        stacks[s] = stacks.get(s, 0) + rng.randrange(1, 20)
    write_sorted(path, stacks)


# ------------------------------------------------------------------------------- callgrind

CG_EVENTS = "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw"
CG_OBJS = ["/usr/bin/appd", "/opt/appd/lib/libengine.so", "/opt/appd/lib/libsql.so.3",
           "/usr/lib/x86_64-linux-gnu/libc.so.6",
           "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
           "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "???"]


def cg_costs(rng, ir):
    """Cost columns for ir instructions; callgrind drops trailing zeros."""
    dr = ir * rng.randrange(15, 40) // 100
    dw = ir * rng.randrange(5, 20) // 100
    c = [ir, dr, dw]
    if rng.random() < 0.2:
        c += [rng.randrange(0, 3), rng.randrange(0, 1 + dr // 50), rng.randrange(0, 2)]
        if rng.random() < 0.3:
            c += [0, rng.randrange(0, 2), rng.randrange(0, 2)]
    while len(c) > 1 and c[-1] == 0:
        c.pop()
    return c


def gen_callgrind(path, scale):
    rng = random.Random(5002)
    n_funcs = max(300, int(100000 * scale))
    prog = Program(rng, n_funcs, params=True, levels=30)
    # Files: each function lives in one source file of its object; some have inlined code
    # from headers (fi=/fe=).
    src_dirs = ["src/core", "src/net", "src/storage", "src/render", "src/sql", "include/app",
                "./malloc", "./string/../sysdeps/x86_64/multiarch", "/usr/include/c++/12/bits"]
    n_files = max(20, n_funcs // 12)
    files = ["%s/%s_%d.%s" % (rng.choice(src_dirs), rng.choice(NOUNS), i,
                              rng.choice(["c", "cc", "cpp", "h", "S"])) for i in range(n_files)]
    headers = ["/usr/include/c++/12/bits/stl_vector.h", "/usr/include/c++/12/bits/hashtable.h",
               "/usr/include/c++/12/bits/basic_string.h", "/usr/include/c++/12/bits/stl_tree.h",
               "include/app/inline.h", "/usr/include/x86_64-linux-gnu/bits/string_fortified.h"]
    f_obj = [rng.randrange(len(CG_OBJS)) for _ in range(n_funcs)]
    f_file = [rng.randrange(n_files) for _ in range(n_funcs)]
    f_line = [rng.randrange(10, 3000) for _ in range(n_funcs)]
    target = int(100 * MB * scale)

    ob_done, fl_done, fn_done = set(), set(), set()

    def ob(i):
        if i in ob_done:
            return "(%d)" % (i + 1)
        ob_done.add(i)
        return "(%d) %s" % (i + 1, CG_OBJS[i])

    def fl(i):  # files and headers share one table, headers after the files
        if i in fl_done:
            return "(%d)" % (i + 1)
        fl_done.add(i)
        name = files[i] if i < n_files else headers[i - n_files]
        return "(%d) %s" % (i + 1, name)

    def fn(i):
        if i in fn_done:
            return "(%d)" % (i + 1)
        fn_done.add(i)
        return "(%d) %s" % (i + 1, prog.names[i])

    totals = [0] * 9
    out = ["# callgrind format\n", "version: 1\n", "creator: callgrind-3.21.0\n",
           "pid: 48213\n", "cmd:  /usr/bin/appd --config /etc/appd.conf --threads 4\n",
           "part: 1\n\n\n",
           "desc: I1 cache: 32768 B, 64 B, 8-way associative\n",
           "desc: D1 cache: 49152 B, 64 B, 12-way associative\n",
           "desc: LL cache: 536870912 B, 64 B, 2-way associative\n\n",
           "desc: Timerange: Basic block 0 - 2143383261\n",
           "desc: Trigger: Program termination\n\n",
           "positions: line\n", "events: %s\n" % CG_EVENTS, "\n"]
    n = 0
    state = {"ob": None, "fl": None}

    def block(f):
        """One function block: its own costs with relative lines, calls in between."""
        lines = []
        if state["ob"] != f_obj[f]:
            lines.append("ob=%s\n" % ob(f_obj[f]))
            state["ob"] = f_obj[f]
        lines.append("fl=%s\n" % fl(f_file[f]))
        lines.append("fn=%s\n" % fn(f))
        cur = f_line[f]
        first = True
        n_cost = rng.randrange(4, 60)
        callees = prog.callees[f]
        call_at = {rng.randrange(n_cost): c for c in callees}
        inl = rng.random() < 0.25
        for k in range(n_cost):
            if inl and k == n_cost // 2:
                h = n_files + rng.randrange(len(headers))
                lines.append("fi=%s\n" % fl(h))
                # A file switch restarts relative positions, as callgrind writes them.
                pos = str(rng.randrange(100, 2000))
                for _ in range(rng.randrange(1, 6)):
                    c = cg_costs(rng, rng.randrange(1, 5000))
                    for i, v in enumerate(c):
                        totals[i] += v
                    lines.append("%s %s\n" % (pos, " ".join(map(str, c))))
                    pos = "+%d" % rng.randrange(1, 4)
                lines.append("fe=%s\n" % fl(f_file[f]))
                first = True
            ln = cur + (rng.randrange(0, 4) if rng.random() < 0.8 else -rng.randrange(1, 30))
            ln = max(1, ln)
            if first:
                pos = str(ln)
                first = False
            elif ln == cur:
                pos = "*"
            else:
                pos = "%+d" % (ln - cur)
            cur = ln
            c = cg_costs(rng, rng.randrange(1, 200000))
            for i, v in enumerate(c):
                totals[i] += v
            lines.append("%s %s\n" % (pos, " ".join(map(str, c))))
            g = call_at.get(k)
            if g is not None:
                if f_obj[g] != f_obj[f]:
                    lines.append("cob=%s\n" % ob(f_obj[g]))
                if f_file[g] != f_file[f]:
                    lines.append("cfi=%s\n" % fl(f_file[g]))
                lines.append("cfn=%s\n" % fn(g))
                d = f_line[g] - cur
                lines.append("calls=%d %s\n" % (rng.randrange(1, 100000),
                                                 "%+d" % d if d else "*"))
                inclusive = cg_costs(rng, rng.randrange(1000, 50000000))
                lines.append("* %s\n" % " ".join(map(str, inclusive)))
        lines.append("\n")
        return lines

    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("".join(out))
        buf, bn = [], 0
        # Functions in object order, then again (other threads' parts of the same functions
        # are merged by callgrind --separate-threads=no: a function may have several blocks).
        order = sorted(range(n_funcs), key=lambda i: (f_obj[i], f_file[i], i))
        i = 0
        while n < target:
            s = "".join(block(order[i % n_funcs]))
            i += 1
            buf.append(s)
            bn += len(s)
            n += len(s)
            if bn > 1 << 20:
                fh.write("".join(buf))
                buf, bn = [], 0
        fh.write("".join(buf))
        fh.write("totals: %s\n" % " ".join(map(str, totals)))


# ------------------------------------------------------------------------------- pstats

PY_DIRS = ["/usr/lib/python3.11", "/usr/lib/python3.11/json", "/usr/lib/python3.11/asyncio",
           "/usr/lib/python3.11/email", "/usr/lib/python3.11/importlib/_bootstrap_external",
           "/srv/app/venv/lib/python3.11/site-packages/django/db/models",
           "/srv/app/venv/lib/python3.11/site-packages/django/template",
           "/srv/app/venv/lib/python3.11/site-packages/numpy/core",
           "/srv/app/venv/lib/python3.11/site-packages/requests",
           "/srv/app/venv/lib/python3.11/site-packages/sqlalchemy/orm",
           "/srv/app/src/app/models", "/srv/app/src/app/views", "/srv/app/src/app/services"]
PY_FUNCS = ["__init__", "__call__", "__getattr__", "__iter__", "__next__", "__enter__",
            "__exit__", "__eq__", "__hash__", "<lambda>", "<listcomp>", "<genexpr>",
            "<dictcomp>", "wrapper", "inner", "_wrap", "run", "main"]
PY_BUILTINS = ["<built-in method builtins.len>", "<built-in method builtins.isinstance>",
               "<built-in method builtins.getattr>", "<built-in method builtins.hasattr>",
               "<method 'append' of 'list' objects>", "<method 'get' of 'dict' objects>",
               "<method 'join' of 'str' objects>", "<method 'split' of 'str' objects>",
               "<built-in method builtins.exec>", "<built-in method _io.open>",
               "<built-in method posix.stat>", "<method 'read' of '_io.BufferedReader' objects>",
               "<built-in method time.monotonic>",
               "<method 'disable' of '_lsprof.Profiler' objects>",
               "<built-in method _thread.allocate_lock>", "<method 'encode' of 'str' objects>",
               "<built-in method marshal.loads>", "<built-in method builtins.sorted>"]


def gen_pstats(path, scale):
    """cProfile's dict {(file, line, func): (cc, nc, tt, ct, {caller: (nc, cc, tt, ct)})},
    consistent as cProfile keeps it: a function's counts and times are the sums over its
    callers, and ct includes the callees' shares (recursive and upward calls aside)."""
    rng = random.Random(5004)
    n = max(200, int(50000 * scale))
    n_files = max(10, n // 22)
    files = ["%s/%s_%d.py" % (rng.choice(PY_DIRS), rng.choice(NOUNS), i) for i in range(n_files)]
    root = (files[0], 1, "<module>")
    builtins = [("~", 0, b) for b in PY_BUILTINS]
    seq = [root]  # callers come before their callees, but for recursion and a few upward calls
    seen = set(seq)
    while len(seq) + len(builtins) < n:
        r = rng.random()
        name = rng.choice(PY_FUNCS) if r < 0.35 else "%s_%s" % (rng.choice(VERBS),
                                                                rng.choice(NOUNS))
        k = (files[rng.randrange(n_files)], rng.randrange(1, 4000), name)
        if k not in seen:
            seen.add(k)
            seq.append(k)
    callers = {k: {} for k in seq + builtins}  # callee -> {caller: [nc, cc]}
    for i in range(1, len(seq)):
        k = seq[i]
        for _ in range(rng.randrange(1, 6)):
            c = seq[i - 1 - rng.randrange(min(i, 3000))]
            nc = min(10 ** 6, int(rng.paretovariate(0.8)))
            callers[k][c] = [nc, nc]
        if rng.random() < 0.04:
            callers[k][k] = [rng.randrange(1, 50), 0]  # recursive calls are not primitive
        if rng.random() < 0.01 and i + 50 < len(seq):
            callers[k][seq[i + 1 + rng.randrange(49)]] = [1, 1]
    for b in builtins:
        for _ in range(max(5, int(n * rng.uniform(0.005, 0.03)))):
            nc = min(10 ** 7, int(rng.paretovariate(0.6)))
            callers[b][seq[rng.randrange(len(seq))]] = [nc, nc]
    # Self time per call: a heavy tail makes a few functions hot, as in real programs.
    rank = {k: i for i, k in enumerate(seq)}
    nc_of = {k: max(1, sum(v[0] for v in callers[k].values())) for k in callers}
    tt = {k: nc_of[k] * 2e-7 * rng.lognormvariate(0, 2.5) for k in seq}
    for b in builtins:
        tt[b] = nc_of[b] * 5e-8 * rng.lognormvariate(0, 1.5)
    callees = {k: [] for k in callers}
    for g, cs in callers.items():
        for c in cs:
            callees[c].append(g)
    ct = {b: tt[b] for b in builtins}
    for k in reversed(seq):
        t = tt[k]
        for g in callees[k]:
            if g != k and (g[0] == "~" or rank[g] > rank[k]):
                t += ct[g] * callers[g][k][0] / nc_of[g]
        ct[k] = t
    stats = {}
    for k in seq + builtins:
        cs = callers[k]
        nc = sum(v[0] for v in cs.values()) if cs else 1
        cc = sum(v[1] for v in cs.values()) if cs else 1
        # Fresh key tuples, as pstats builds them (one label() per caller entry): marshal
        # writes each in full, sharing only the strings.
        stats[k] = (cc, nc, tt[k], ct[k],
                    {tuple(list(c)): (v[0], v[1], tt[k] * v[0] / nc_of[k],
                                      ct[k] * v[0] / nc_of[k]) for c, v in cs.items()})
    with open(path, "wb") as f:
        marshal.dump(stats, f)


# ------------------------------------------------------------------------------- main

INPUTS = [("perf", "perf.perf", "perf", gen_perf),
          ("callgrind", "callgrind.out", "callgrind", gen_callgrind),
          ("collapse", "collapse.folded", "collapse", gen_collapse),
          ("pstats", "pstats.pstats", "pstats", gen_pstats),
          ("scc", "scc.folded", "collapse", gen_scc),
          ("scc-10", "scc10.folded", "collapse", lambda path, scale: gen_scc(path, scale, 10)),
          ("wide", "wide.folded", "collapse", gen_wide),
          ("deep", "deep.perf", "perf", gen_deep)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="", help="comma-separated input names")
    ap.add_argument("--list", action="store_true",
                    help="print NAME FILE FORMAT per input and exit")
    ap.add_argument("--stamp", action="store_true",
                    help="print what identifies the inputs made with these arguments and exit")
    ap.add_argument("dir", nargs="?")
    a = ap.parse_args()
    if a.stamp:
        with open(os.path.abspath(__file__), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        # marshal's output may differ between Python versions.
        print("gen.py %s scale %r only %s python %d.%d" % (
            digest, a.scale, ",".join(sorted(a.only.split(","))) or "all",
            sys.version_info[0], sys.version_info[1]))
        return 0
    if a.list:
        for name, fname, fmt, _ in INPUTS:
            print(name, fname, fmt)
        return 0
    if not a.dir or a.scale <= 0:
        ap.error("need DIR and a positive --scale")
    only = set(filter(None, a.only.split(",")))
    unknown = only - {i[0] for i in INPUTS}
    if unknown:
        ap.error("unknown input: " + ", ".join(sorted(unknown)))
    os.makedirs(a.dir, exist_ok=True)
    for name, fname, _, gen in INPUTS:
        if only and name not in only:
            continue
        dest = os.path.join(a.dir, fname)
        tmp = dest + ".tmp"
        gen(tmp, a.scale)
        os.replace(tmp, dest)
        print("gen.py: %s %.1f MB" % (dest, os.path.getsize(dest) / MB), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
