/* Unit tests of the json reader (placeholder until the reader exists). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader.h"
#include "testutil.h"

static void test_registered(void **state)
{
    (void)state;
    const struct reader *r = reader_find("json");
    assert_non_null(r);
    assert_string_equal(r->name, "json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
