/* prof2png's C example: a sieve, trial division and a recursive sum, run under
 * valgrind --tool=callgrind (see make-example.sh). */
#include <stdio.h>
#include <stdlib.h>

static int is_prime(unsigned n)
{
    if (n < 2)
        return 0;
    for (unsigned d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static unsigned count_by_division(unsigned limit)
{
    unsigned c = 0;
    for (unsigned n = 0; n < limit; n++)
        c += is_prime(n);
    return c;
}

static unsigned count_by_sieve(unsigned limit)
{
    char *composite = calloc(limit, 1);
    unsigned c = 0;
    for (unsigned n = 2; n < limit; n++) {
        if (composite[n])
            continue;
        c++;
        for (unsigned long m = (unsigned long)n * n; m < limit; m += n)
            composite[m] = 1;
    }
    free(composite);
    return c;
}

static unsigned long sum_to(unsigned n)
{
    return n == 0 ? 0 : n + sum_to(n - 1);
}

int main(void)
{
    unsigned a = count_by_division(60000), b = count_by_sieve(2000000);
    unsigned long s = 0;
    for (int i = 0; i < 200; i++)
        s += sum_to(1000);
    printf("%u %u %lu\n", a, b, s);
    return 0;
}
