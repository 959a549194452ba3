/* prof2png: argv -> options -> inputs -> reader -> graph -> output, and the exit status
 * (0 ok, 1 bad input, 2 usage, 3 I/O or rendering). The only place that prints errors and
 * exits. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "graph.h"
#include "options.h"
#include "progress.h"
#include "reader.h"
#include "render.h"

/* Formats Graphviz writes that an output file name may imply. Any other extension (or none)
 * means DOT, as gprof2dot writes DOT whatever -o is called. */
static const char *const image_formats[] = {
    "png", "svg", "svgz", "pdf", "ps", "eps", "gif", "jpg", "jpeg", "bmp", "tif", "tiff",
    "webp", "canon", "xdot", "plain", "json", "fig", "vml", "ico", "pic", "imap", "cmapx",
};

static const char *output_format(const struct options *o)
{
    if (o->type)
        return o->type;
    const char *ext = render_format_from_path(o->output);
    if (ext) {
        if (strcmp(ext, "dot") == 0)
            return "dot";
        for (size_t i = 0; i < P2P_ARRAY_LEN(image_formats); i++)
            if (strcmp(ext, image_formats[i]) == 0)
                return ext;
    }
    return "dot";
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --timings: one line a stage, for benchmarks ("prof2png: timing: read 0.123456 s"). */
static void timing(bool on, const char *stage, double *t0)
{
    double t = now();
    if (on) {
        progress_hold();
        fprintf(stderr, "prof2png: timing: %s %.6f s\n", stage, t - *t0);
        progress_release();
    }
    *t0 = t;
}

static int exit_code(enum p2p_status st)
{
    switch (st) {
    case P2P_OK:
        return 0;
    case P2P_ERR_PARSE:
        return 1;
    case P2P_ERR_USAGE:
        return 2;
    default:
        return 3;
    }
}

static int report(enum p2p_status st, const char *msg)
{
    fprintf(stderr, "prof2png: %s\n", msg);
    if (st == P2P_ERR_USAGE)
        fputs("Try 'prof2png --help' for more information.\n", stderr);
    return exit_code(st);
}

/* Read inputs [first, first+n) into one profile. */
/* The profiles own everything they need: let the inputs go before the graph is built (their
 * memory, and their mappings, so that a file changing later can no longer matter). */
static void free_inputs(struct input **inputs, size_t n, struct diag *d)
{
    for (size_t i = 0; i < n; i++) {
        input_free(inputs[i]);
        inputs[i] = NULL;
    }
    d->file = NULL;
}

static enum p2p_status read_profile(const struct reader *r, struct input **in, size_t n,
                                    const struct reader_opts *ropts, struct profile **out,
                                    struct diag *d)
{
    if (n > 1 && !r->multi)
        return diag_error(d, P2P_ERR_USAGE, "the %s format takes one input file, not %zu",
                          r->name, n);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += in[i]->len;
    char what[256];
    if (n == 1)
        snprintf(what, sizeof(what), "parsing %s", in[0]->name);
    else
        snprintf(what, sizeof(what), "parsing %zu files", n);
    progress_stage(what, total);
    enum p2p_status st = r->read(in, n, ropts, out, d);
    if (st == P2P_OK) {
        profile_seal(*out);
        util_trim();
    }
    progress_end();
    return st;
}

/* Above the size where dot's defaults are slow, cheaper settings (unless --full-layout),
 * and a note saying so. */
static void layout_budget(struct graph *g, const struct options *o)
{
    if (o->full_layout || !render_layout_is_large(g))
        return;
    const char *settings = render_use_fast_layout(g);
    if (o->quiet)
        return;
    progress_hold();
    fprintf(stderr,
            "prof2png: note: %zu nodes, %zu edges: using faster layout settings (%s); use "
            "--max-nodes or -n/-e to prune, or --full-layout\n",
            g->n_nodes, g->n_edges, settings);
    progress_release();
}

int main(int argc, char **argv)
{
    util_init();
    struct options o;
    struct diag d;
    diag_init(&d);
    struct input **inputs = NULL;
    size_t n_inputs = 0;
    struct profile *p1 = NULL, *p2 = NULL;
    struct graph *g = NULL;
    enum p2p_status st = options_parse(argc, argv, &o, &d);
    if (st != P2P_OK)
        goto out;
    d.quiet = o.quiet;
    if (o.help) {
        options_usage(stdout);
        goto out;
    }
    if (o.version) {
        printf("prof2png %s\n", PACKAGE_VERSION);
        goto out;
    }
    struct reader_opts ropts = {.event = o.event};
    double t0 = now();
    progress_init(isatty(STDERR_FILENO) && !o.quiet);

    /* Inputs: none means standard input. */
    static const char *const stdin_only[] = {"-"};
    const char *const *names = o.n_inputs ? o.inputs : stdin_only;
    n_inputs = o.n_inputs ? o.n_inputs : 1;
    if (o.compare && n_inputs < 2) {
        st = diag_error(&d, P2P_ERR_USAGE, "--compare needs two input files");
        goto out;
    }
    size_t n_stdin = 0;
    for (size_t i = 0; i < n_inputs; i++)
        n_stdin += strcmp(names[i], "-") == 0;
    if (n_stdin > 1) {
        st = diag_error(&d, P2P_ERR_USAGE, "standard input can be read only once");
        goto out;
    }
    inputs = xcalloc(n_inputs, sizeof(*inputs));
    for (size_t i = 0; i < n_inputs; i++) {
        char what[256];
        snprintf(what, sizeof(what), "reading %s",
                 strcmp(names[i], "-") == 0 ? "standard input" : names[i]);
        progress_stage(what, 0);
        st = input_open(names[i], &inputs[i], &d);
        progress_end();
        if (st != P2P_OK)
            goto out;
    }

    const struct reader *r = o.format ? reader_find(o.format) : reader_sniff(inputs[0]);
    if (!r) {
        d.file = inputs[0]->name;
        st = diag_fail(&d, 0, "unrecognised profile format (tried %s); use -f FORMAT",
                       reader_names());
        goto out;
    }

    if (o.compare) {
        /* The last two inputs are the two profiles. */
        if (n_inputs != 2 && strcmp(r->name, "pstats") != 0) {
            st = diag_error(&d, P2P_ERR_USAGE, "--compare needs exactly two input files");
            goto out;
        }
        if ((st = read_profile(r, &inputs[n_inputs - 2], 1, &ropts, &p1, &d)) != P2P_OK)
            goto out;
        if ((st = read_profile(r, &inputs[n_inputs - 1], 1, &ropts, &p2, &d)) != P2P_OK)
            goto out;
        free_inputs(inputs, n_inputs, &d);
        timing(o.timings, "read", &t0);
        progress_stage("building the graph", 0);
        st = graph_build_compare(p1, p2, &o.graph, &g, &d);
    } else {
        if ((st = read_profile(r, inputs, n_inputs, &ropts, &p1, &d)) != P2P_OK)
            goto out;
        free_inputs(inputs, n_inputs, &d);
        timing(o.timings, "read", &t0);
        progress_stage("building the graph", 0);
        st = graph_build_owned(p1, &o.graph, &g, &d); /* p1 is only freed after this */
    }
    progress_end();
    timing(o.timings, "graph", &t0);
    if (st != P2P_OK)
        goto out;
    if (g->listing) {
        progress_hold();
        fputs(g->listing, stderr);
        progress_release();
        goto out;
    }
    const char *format = output_format(&o);
    layout_budget(g, &o);
    char what[128];
    if (render_format_is_dot(format))
        snprintf(what, sizeof(what), "writing %zu nodes, %zu edges", g->n_nodes, g->n_edges);
    else
        snprintf(what, sizeof(what), "layout of %zu nodes, %zu edges", g->n_nodes, g->n_edges);
    /* Output to the terminal that shows the progress line would be drawn over. */
    bool to_tty = (!o.output || strcmp(o.output, "-") == 0) && isatty(STDOUT_FILENO);
    if (!to_tty)
        progress_stage(what, 0);
    st = render_write(g, format, o.output, &d);
    progress_end();
    timing(o.timings, "output", &t0);
    if (o.timings) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        progress_hold();
        fprintf(stderr, "prof2png: timing: peak-rss %ld KiB\n", ru.ru_maxrss);
        progress_release();
    }

out:;
    progress_fini();
    /* The message may name an input: format it before the inputs are freed. */
    char msg[1024];
    if (st != P2P_OK)
        diag_format(&d, msg, sizeof(msg));
    graph_free(g);
    render_fini();
    profile_free(p1);
    profile_free(p2);
    for (size_t i = 0; inputs && i < n_inputs; i++)
        input_free(inputs[i]);
    free(inputs);
    options_fini(&o);
    if (st == P2P_OK && (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0)) {
        st = P2P_ERR_IO;
        snprintf(msg, sizeof(msg), "error writing to standard output");
    }
    if (st != P2P_OK)
        return report(st, msg);
    return 0;
}
