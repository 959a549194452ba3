/* The progress line (see progress.h). It owns one helper thread and the terminal line it
 * draws; what a stage is and how far it got come from its callers.
 *
 * Why a thread: the slowest stage, dot's layout, runs inside gvLayout with no callback, so
 * only something outside the main thread can notice that a second has passed. The other
 * choice, setitimer and SIGALRM, would interrupt every system call of the reader and of
 * Graphviz with EINTR (not all of them restart) and confine the drawing to async-signal-safe
 * code with no lock against other writers. A thread that sleeps on a condition variable,
 * wakes five times a second and writes one line with write(2) under a mutex has none of these
 * problems; the main thread only stores the bytes done (relaxed atomic) and takes the mutex
 * when a stage starts or ends or when it writes to standard error itself. */
#include "config.h"
#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define TICK_NS 200000000L /* redraw at most five times a second */
#define MAX_WHAT 512

static struct {
    bool enabled;
    bool thread_running;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* under lock */
    bool quit;
    bool active; /* a stage is open */
    bool shown;  /* its line is on the terminal */
    bool held;   /* someone else is writing to stderr */
    char what[MAX_WHAT];
    char last[MAX_WHAT + 128]; /* the line on the terminal */
    double start;              /* monotonic seconds */
    double delay;              /* seconds before a stage is shown */
    unsigned width;            /* terminal columns */
} P = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Outside the lock: written by the stage's owner at any rate. */
static _Atomic uint64_t done_bytes;
static _Atomic uint64_t total_bytes;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t r = write(STDERR_FILENO, s, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return; /* nothing sensible to do about a failing terminal */
        s += r;
        n -= (size_t)r;
    }
}

/* "312 MB", "1.1 GB": decimal units, two or three significant digits. */
static void human(char *buf, size_t size, uint64_t v)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    double x = (double)v;
    size_t u = 0;
    while (x >= 1000.0 && u + 1 < P2P_ARRAY_LEN(units)) {
        x /= 1000.0;
        u++;
    }
    if (u == 0 || x >= 10.0)
        snprintf(buf, size, "%.0f %s", x, units[u]);
    else
        snprintf(buf, size, "%.1f %s", x, units[u]);
}

static void clear_locked(void)
{
    if (P.shown)
        write_all("\r\033[K", 4);
    P.shown = false;
}

/* Bytes of the UTF-8 sequence at p (1 for a stray byte). */
static size_t u8len(const unsigned char *p)
{
    size_t n = 1;
    if (*p >= 0xC0)
        while (n < 4 && (p[n] & 0xC0) == 0x80)
            n++;
    return n;
}

static size_t u8count(const char *s)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += u8len(p))
        k++;
    return k;
}

/* Append at most `cols` columns of s to the line (code points count one column each). */
static size_t add_text(char *line, size_t len, size_t cap, const char *s, size_t *cols)
{
    for (const unsigned char *p = (const unsigned char *)s; *p && *cols > 0;) {
        size_t n = u8len(p);
        if (len + n >= cap)
            break;
        if (*p < 0x20 || *p == 0x7f)
            line[len++] = '?'; /* never send control characters to the terminal */
        else {
            memcpy(line + len, p, n);
            len += n;
        }
        p += n;
        (*cols)--;
    }
    line[len] = '\0';
    return len;
}

static void draw_locked(void)
{
    char suffix[96], a[32], b[32];
    uint64_t done = atomic_load_explicit(&done_bytes, memory_order_relaxed);
    uint64_t total = atomic_load_explicit(&total_bytes, memory_order_relaxed);
    long secs = (long)(now() - P.start);
    if (total > 0) {
        human(a, sizeof(a), done < total ? done : total);
        human(b, sizeof(b), total);
        snprintf(suffix, sizeof(suffix), ": %s of %s (%ld s)", a, b, secs);
    } else if (done > 0) {
        human(a, sizeof(a), done);
        snprintf(suffix, sizeof(suffix), ": %s (%ld s)", a, secs);
    } else {
        snprintf(suffix, sizeof(suffix), "... (%ld s)", secs);
    }
    /* One line that fits the terminal: a wrapped line could not be rewritten with \r. */
    static const char prefix[] = "prof2png: ";
    char line[sizeof(P.last)];
    size_t len = 1;
    line[0] = '\r';
    size_t cols = P.width > 1 ? P.width - 1 : 79;
    len = add_text(line, len, sizeof(line), prefix, &cols);
    size_t suffix_cols = strlen(suffix);
    size_t what_cols = cols > suffix_cols ? cols - suffix_cols : 0;
    cols -= what_cols;
    size_t n_what = u8count(P.what);
    if (n_what <= what_cols || what_cols < 16) {
        len = add_text(line, len, sizeof(line), P.what, &what_cols);
    } else {
        /* Too long (a deep path): keep the start and the end, which names the file. */
        size_t head = what_cols / 3, tail = what_cols - head - 1;
        size_t h = head, one = 1, skip = n_what - tail;
        len = add_text(line, len, sizeof(line), P.what, &h);
        len = add_text(line, len, sizeof(line), "\xe2\x80\xa6", &one); /* … */
        const unsigned char *p = (const unsigned char *)P.what;
        for (; skip > 0; skip--)
            p += u8len(p);
        len = add_text(line, len, sizeof(line), (const char *)p, &tail);
        what_cols = 0;
    }
    cols += what_cols;
    len = add_text(line, len, sizeof(line), suffix, &cols);
    if (P.shown && strcmp(line, P.last) == 0)
        return; /* nothing new to show */
    memcpy(P.last, line, len + 1);
    if (len + 4 < sizeof(line)) {
        memcpy(line + len, "\033[K", 3); /* erase what a longer previous line left */
        len += 3;
    }
    write_all(line, len);
    P.shown = true;
}

static void *run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&P.lock);
    while (!P.quit) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += TICK_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!P.quit && pthread_cond_timedwait(&P.wake, &P.lock, &until) != ETIMEDOUT)
            ;
        if (!P.quit && P.active && !P.held && now() - P.start >= P.delay)
            draw_locked();
    }
    pthread_mutex_unlock(&P.lock);
    return NULL;
}

void progress_init(bool enable)
{
    if (!enable || P.enabled)
        return;
    P.delay = 1.0;
    const char *env = getenv("P2P_PROGRESS_DELAY");
    double v;
    if (env && parse_double(env, strlen(env), &v) && v >= 0 && v <= 3600)
        P.delay = v;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&P.wake, &ca);
    pthread_condattr_destroy(&ca);
    /* The thread takes no signals: SIGINT, SIGPIPE ... stay with the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    P.thread_running = pthread_create(&P.thread, NULL, run, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!P.thread_running) {
        pthread_cond_destroy(&P.wake);
        return; /* no progress line, which is no reason to fail */
    }
    P.enabled = true;
}

void progress_fini(void)
{
    if (!P.enabled)
        return;
    pthread_mutex_lock(&P.lock);
    P.quit = true;
    pthread_cond_signal(&P.wake);
    pthread_mutex_unlock(&P.lock);
    pthread_join(P.thread, NULL);
    clear_locked();
    pthread_cond_destroy(&P.wake);
    P.enabled = P.thread_running = P.active = P.held = P.quit = false;
}

void progress_stage(const char *what, uint64_t total)
{
    atomic_store_explicit(&done_bytes, 0, memory_order_relaxed);
    atomic_store_explicit(&total_bytes, total, memory_order_relaxed);
    if (!P.enabled)
        return;
    struct winsize ws;
    unsigned width = 80;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        width = ws.ws_col;
    pthread_mutex_lock(&P.lock);
    snprintf(P.what, sizeof(P.what), "%s", what);
    P.start = now();
    P.width = width;
    P.active = true;
    if (P.delay <= 0 && !P.held)
        draw_locked();
    else
        clear_locked();
    pthread_mutex_unlock(&P.lock);
}

void progress_total(uint64_t total)
{
    atomic_store_explicit(&total_bytes, total, memory_order_relaxed);
}

void progress_update(uint64_t done)
{
    atomic_store_explicit(&done_bytes, done, memory_order_relaxed);
}

void progress_advance(uint64_t bytes)
{
    atomic_fetch_add_explicit(&done_bytes, bytes, memory_order_relaxed);
}

uint64_t progress_done(void)
{
    return atomic_load_explicit(&done_bytes, memory_order_relaxed);
}

void progress_end(void)
{
    if (!P.enabled)
        return;
    pthread_mutex_lock(&P.lock);
    clear_locked();
    P.active = false;
    pthread_mutex_unlock(&P.lock);
}

void progress_hold(void)
{
    if (!P.enabled)
        return;
    pthread_mutex_lock(&P.lock);
    clear_locked();
    P.held = true;
    pthread_mutex_unlock(&P.lock);
}

void progress_release(void)
{
    if (!P.enabled)
        return;
    pthread_mutex_lock(&P.lock);
    P.held = false;
    pthread_mutex_unlock(&P.lock);
}
