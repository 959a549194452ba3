/* The profile model: id lookup (string ids interned, integer ids), call lookup, cycles,
 * event presence. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_ids),
        cmocka_unit_test(test_int_ids_and_calls),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
