/* Every public header compiles alone (see hdr_*.c, each including one header first and
 * nothing else); this program links them and checks that each defined its type. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

size_t hdr_util(void), hdr_diag(void), hdr_input(void), hdr_profile(void), hdr_reader(void),
    hdr_graph(void), hdr_render(void), hdr_options(void), hdr_progress(void);

static void test_each_header_defines_its_types(void **state)
{
    (void)state;
    size_t (*const fns[])(void) = {hdr_util,  hdr_diag,   hdr_input,   hdr_profile, hdr_reader,
                                   hdr_graph, hdr_render, hdr_options, hdr_progress};
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        assert_true(fns[i]() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_header_defines_its_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
