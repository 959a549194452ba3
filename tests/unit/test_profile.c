/* The profile model: id lookup (string ids interned, integer ids), call lookup, cycles,
 * event presence. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "profile.h"
#include "testutil.h"

static void test_string_ids(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    bool created;
    char buf[] = "main:prog";
    size_t a = profile_func_str(p, buf, 4, &created);
    assert_true(created);
    assert_string_equal(p->funcs[a].name, "main");
    assert_ptr_equal(p->funcs[a].name, p->funcs[a].str_id);
    size_t again = profile_func_str(p, "main", 4, &created);
    assert_false(created);
    assert_int_equal(a, again);
    assert_int_equal(profile_find_str(p, "main", 4), a);
    assert_int_equal(profile_find_str(p, "mai", 3), SIZE_MAX);
    assert_int_equal(p->funcs[a].cycle, PROF_NO_CYCLE);
    /* ids with NUL-free arbitrary bytes and many functions */
    for (int i = 0; i < 50000; i++) {
        char id[32];
        snprintf(id, sizeof(id), "f%d", i);
        profile_func_str(p, id, strlen(id), NULL);
    }
    assert_int_equal(p->n_funcs, 50001);
    assert_int_equal(profile_find_str(p, "f49999", 6), 50000);
    assert_string_equal(p->funcs[1].name, "f0");
    profile_free(p);
}

static void test_int_ids_and_calls(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_GPROF, true);
    size_t a = profile_func_int(p, 42, NULL), b = profile_func_int(p, -3, NULL);
    assert_int_equal(profile_find_int(p, 42), a);
    assert_int_equal(profile_find_int(p, -3), b);
    assert_int_equal(profile_find_int(p, 7), SIZE_MAX);
    bool created;
    struct prof_call *c = profile_call(p, a, b, &created);
    assert_true(created);
    ev_add(&c->ev, PEV_CALLS, 2);
    c = profile_call(p, a, b, &created);
    assert_false(created);
    ev_add(&c->ev, PEV_CALLS, 3);
    assert_int_equal(p->funcs[a].n_calls, 1);
    assert_float_equal(ev_get(&profile_find_call(p, a, b)->ev, PEV_CALLS), 5, 0);
    assert_null(profile_find_call(p, b, a));
    profile_call(p, a, a, NULL); /* self-call */
    assert_int_equal(p->funcs[a].calls[1].callee, a);
    /* cycles are numbered by first use */
    assert_int_equal(profile_cycle(p, 7), 0);
    assert_int_equal(profile_cycle(p, 3), 1);
    assert_int_equal(profile_cycle(p, 7), 0);
    assert_int_equal(p->n_cycles, 2);
    profile_free(p);
}

/* Ids 0, 1, 2 ... given in order need no table; an id out of that run (a gap, a repeat far
 * back is no break, a negative one, or a string id) moves them all into the table, and every
 * function is found as before. */
static void test_dense_ids(void **state)
{
    (void)state;
    static const int64_t breaks[] = {5, -1, 1000000};
    for (size_t b = 0; b <= 3; b++) {
        struct profile *p = profile_new(PROF_RECIPE_PSTATS, b < 3);
        bool created;
        for (int64_t i = 0; i < 100; i++) {
            assert_int_equal(profile_func_int(p, i, &created), (size_t)i);
            assert_true(created);
        }
        assert_int_equal(profile_func_int(p, 37, &created), 37); /* a repeat */
        assert_false(created);
        assert_int_equal(profile_find_int(p, 99), 99);
        assert_int_equal(profile_find_int(p, 100), SIZE_MAX);
        assert_int_equal(profile_find_int(p, -1), SIZE_MAX);
        size_t k;
        if (b < 3) {
            int64_t id = breaks[b] < 0 ? breaks[b] : 100 + breaks[b];
            k = profile_func_int(p, id, &created);
            assert_true(created);
            assert_int_equal(profile_find_int(p, id), k);
            assert_int_equal(p->funcs[k].int_id, id);
        } else {
            k = profile_func_str(p, "s", 1, &created);
            assert_true(created);
            assert_int_equal(profile_find_int(p, 100), SIZE_MAX);
        }
        assert_int_equal(k, 100);
        for (int64_t i = 0; i < 100; i++) {
            assert_int_equal(profile_find_int(p, i), (size_t)i);
            assert_int_equal(profile_func_int(p, i, &created), (size_t)i);
            assert_false(created);
        }
        /* the next id in the old run is a new function, not function 101's index */
        k = profile_func_int(p, 101, &created);
        assert_true(created);
        assert_int_equal(k, 101);
        assert_int_equal(profile_func_int(p, 102, &created), 102);
        assert_int_equal(profile_find_int(p, 101), 101);
        profile_free(p);
    }
}

/* Callers of a few functions find their calls by a scan, callers of many through the call
 * table, which takes over as the ninth callee arrives: every call is found again, once,
 * at its index in insertion order, before and after that point, for each caller apart. */
static void test_many_calls(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, true);
    enum { N = 40 };
    for (int i = 0; i < N; i++)
        profile_func_int(p, i, NULL);
    for (size_t n = 1; n <= N; n++) {
        size_t caller = n % 3; /* three callers growing side by side */
        size_t callee = (n * 7) % N;
        bool created;
        struct prof_call *c = profile_call(p, caller, callee, &created);
        if (!created)
            continue;
        ev_set(&c->ev, PEV_CALLS, (double)n);
        for (size_t k = 0; k < p->funcs[caller].n_calls; k++) {
            size_t to = p->funcs[caller].calls[k].callee;
            assert_ptr_equal(profile_find_call(p, caller, to), &p->funcs[caller].calls[k]);
            assert_ptr_equal(profile_call(p, caller, to, &created), &p->funcs[caller].calls[k]);
            assert_false(created);
        }
    }
    for (size_t caller = 0; caller < 3; caller++) {
        const struct prof_func *f = &p->funcs[caller];
        assert_true(f->n_calls > 9);
        for (size_t k = 0; k < f->n_calls; k++) {
            size_t n = (size_t)ev_get(&f->calls[k].ev, PEV_CALLS);
            assert_int_equal(n % 3, caller);
            assert_int_equal(f->calls[k].callee, (n * 7) % N);
            for (size_t j = 0; j < k; j++)
                assert_true(f->calls[j].callee != f->calls[k].callee);
        }
        for (size_t m = 1; m <= N; m++) /* another caller's callees are not this one's */
            if (m % 3 != caller)
                assert_null(profile_find_call(p, caller, (m * 7) % N));
    }
    assert_null(profile_find_call(p, 5, 0));
    profile_free(p);
}

static void test_events(void **state)
{
    (void)state;
    struct prof_events e = {0};
    assert_false(ev_has(&e, PEV_SAMPLES));
    ev_add(&e, PEV_SAMPLES, 2.5);
    assert_true(ev_has(&e, PEV_SAMPLES));
    assert_float_equal(ev_get(&e, PEV_SAMPLES), 2.5, 0);
    ev_set(&e, PEV_TTR, 0);
    assert_true(ev_has(&e, PEV_TTR)); /* present and zero is not absent */
    ev_unset(&e, PEV_TTR);
    assert_false(ev_has(&e, PEV_TTR));
}

/* Runs fn(p) in a child process and returns how the child ended. */
static int in_child(void (*fn)(struct profile *), struct profile *p)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn(p);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void find_after_seal(struct profile *p) { profile_find_str(p, "main", 4); }
static void func_after_seal(struct profile *p) { profile_func_str(p, "new", 3, NULL); }
static void call_after_seal(struct profile *p) { profile_call(p, 0, 1, NULL); }
static void intern_after_seal(struct profile *p) { profile_intern(p, "x", 1); }

/* Sealing frees the lookup tables and keeps everything the graph stage reads: functions,
 * names, calls and events. Any lookup afterwards is a bug and aborts. */
/* profile_reserve makes room once: functions up to the reservation do not move the array,
 * and more still fit. */
static void test_reserve(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_PSTATS, true);
    profile_func_int(p, 7, NULL);
    profile_reserve(p, 100);
    assert_true(p->cap_funcs >= 100);
    const struct prof_func *base = p->funcs;
    for (int64_t i = 0; i < 99; i++)
        profile_func_int(p, 100 + i, NULL);
    assert_ptr_equal(p->funcs, base);
    assert_int_equal(p->n_funcs, 100);
    profile_reserve(p, 10); /* never shrinks */
    assert_true(p->cap_funcs >= 100);
    for (int64_t i = 0; i < 50; i++)
        profile_func_int(p, 1000 + i, NULL);
    assert_int_equal(p->n_funcs, 150);
    assert_int_equal(p->funcs[0].int_id, 7);
    assert_int_equal(p->funcs[149].int_id, 1049);
    assert_int_equal(profile_find_int(p, 7), 0);
    profile_free(p);

    /* A reservation of more than a megabyte is a mapping of its own, as the array becomes
     * when it grows that big: growing past it, sealing and freeing work on the same block. */
    p = profile_new(PROF_RECIPE_PSTATS, true);
    size_t big = ((size_t)2 << 20) / sizeof(*p->funcs) + 1;
    profile_reserve(p, big);
    assert_true(p->cap_funcs >= big);
    for (size_t i = 0; i < big + 10; i++)
        profile_func_int(p, (int64_t)i, NULL);
    profile_seal(p);
    assert_int_equal(p->n_funcs, big + 10);
    assert_int_equal(p->funcs[big + 9].int_id, (int64_t)(big + 9));
    profile_free(p);
}

static void call_unindexed(struct profile *p) { profile_call(p, 0, 1, NULL); }

/* A reader that counts calls first sizes each array once and adds calls without lookups;
 * profile_call on such a profile is a bug and aborts, profile_find_call scans. */
static void test_call_new(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_PSTATS, true);
    for (int64_t i = 0; i < 4; i++)
        profile_func_int(p, i, NULL);
    profile_reserve_calls(p, 0, 3);
    assert_int_equal(p->funcs[0].cap_calls, 3);
    const struct prof_call *base = p->funcs[0].calls;
    for (size_t k = 1; k <= 3; k++)
        ev_set(&profile_call_new(p, 0, 4 - k)->ev, PEV_CALLS, (double)k);
    assert_ptr_equal(p->funcs[0].calls, base); /* no reallocation */
    assert_int_equal(p->funcs[0].n_calls, 3);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(p->funcs[0].calls[k].callee, 3 - k);
        assert_int_equal(p->funcs[0].calls[k].ev.has, 1u << PEV_CALLS);
        assert_float_equal(ev_get(&p->funcs[0].calls[k].ev, PEV_CALLS), (double)(k + 1), 0);
    }
    /* past the reservation (or with none) the array still grows */
    for (size_t k = 0; k < 5; k++)
        profile_call_new(p, 2, k % 4);
    assert_int_equal(p->funcs[2].n_calls, 5);
    assert_int_equal(p->funcs[2].calls[4].callee, 0);
    profile_reserve_calls(p, 0, 1); /* never shrinks */
    assert_int_equal(p->funcs[0].cap_calls, 3);
    assert_ptr_equal(profile_find_call(p, 0, 2), &p->funcs[0].calls[1]);
    assert_ptr_equal(profile_find_call(p, 2, 3), &p->funcs[2].calls[3]);
    assert_null(profile_find_call(p, 0, 0));
    int st = in_child(call_unindexed, p);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    profile_free(p);
}

static void test_seal(void **state)
{
    (void)state;
    struct profile *p = profile_new(PROF_RECIPE_SAMPLES, false);
    char id[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(id, sizeof(id), "fn%d", i);
        size_t f = profile_func_str(p, id, strlen(id), NULL);
        ev_add(&p->funcs[f].ev, PEV_SAMPLES, i);
        if (i)
            ev_add(&profile_call(p, f - 1, f, NULL)->ev, PEV_SAMPLES, 2 * i);
    }
    const char *label = profile_intern(p, "main", 4);
    profile_seal(p);
    assert_null(p->index_);
    assert_int_equal(p->n_funcs, 2000);
    assert_string_equal(label, "main");
    for (size_t i = 0; i < p->n_funcs; i++) {
        snprintf(id, sizeof(id), "fn%zu", i);
        assert_string_equal(p->funcs[i].name, id);
        assert_float_equal(ev_get(&p->funcs[i].ev, PEV_SAMPLES), (double)i, 0);
        assert_int_equal(p->funcs[i].n_calls, i + 1 < p->n_funcs);
        if (p->funcs[i].n_calls) {
            assert_int_equal(p->funcs[i].calls[0].callee, i + 1);
            assert_float_equal(ev_get(&p->funcs[i].calls[0].ev, PEV_SAMPLES), 2.0 * (i + 1), 0);
        }
    }
    int st = in_child(find_after_seal, p);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    st = in_child(func_after_seal, p);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    st = in_child(call_after_seal, p);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    st = in_child(intern_after_seal, p);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    profile_free(p); /* and freeing a sealed profile is clean (valgrind, ASan) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_ids),
        cmocka_unit_test(test_int_ids_and_calls),
        cmocka_unit_test(test_dense_ids),
        cmocka_unit_test(test_many_calls),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_call_new),
        cmocka_unit_test(test_seal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
