/* Command-line parsing with getopt_long (see options.h). */
#include "config.h"
#include "options.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "render.h"

enum {
    OPT_TOTAL = 256,
    OPT_SELFTIME,
    OPT_SHOW_SAMPLES,
    OPT_TIME_FORMAT,
    OPT_NODE_LABEL,
    OPT_LIST_FUNCTIONS,
    OPT_DEPTH,
    OPT_SKEW,
    OPT_COMPARE,
    OPT_COMPARE_TOLERANCE,
    OPT_COMPARE_ONLY_SLOWER,
    OPT_COMPARE_ONLY_FASTER,
    OPT_COMPARE_COLOR_BY_DIFFERENCE,
    OPT_EVENT,
    OPT_VERSION,
    OPT_TIMINGS,
    OPT_MAX_NODES,
    OPT_FULL_LAYOUT,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"node-thres", required_argument, NULL, 'n'},
    {"edge-thres", required_argument, NULL, 'e'},
    {"format", required_argument, NULL, 'f'},
    {"total", required_argument, NULL, OPT_TOTAL},
    {"colormap", required_argument, NULL, 'c'},
    {"strip", no_argument, NULL, 's'},
    {"color-nodes-by-selftime", no_argument, NULL, OPT_SELFTIME},
    {"colour-nodes-by-selftime", no_argument, NULL, OPT_SELFTIME},
    {"wrap", no_argument, NULL, 'w'},
    {"show-samples", no_argument, NULL, OPT_SHOW_SAMPLES},
    {"time-format", required_argument, NULL, OPT_TIME_FORMAT},
    {"node-label", required_argument, NULL, OPT_NODE_LABEL},
    {"list-functions", required_argument, NULL, OPT_LIST_FUNCTIONS},
    {"root", required_argument, NULL, 'z'},
    {"leaf", required_argument, NULL, 'l'},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"skew", required_argument, NULL, OPT_SKEW},
    {"path", required_argument, NULL, 'p'},
    {"compare", no_argument, NULL, OPT_COMPARE},
    {"compare-tolerance", required_argument, NULL, OPT_COMPARE_TOLERANCE},
    {"compare-only-slower", no_argument, NULL, OPT_COMPARE_ONLY_SLOWER},
    {"compare-only-faster", no_argument, NULL, OPT_COMPARE_ONLY_FASTER},
    {"compare-color-by-difference", no_argument, NULL, OPT_COMPARE_COLOR_BY_DIFFERENCE},
    {"type", required_argument, NULL, 'T'},
    {"event", required_argument, NULL, OPT_EVENT},
    {"quiet", no_argument, NULL, 'q'},
    {"timings", no_argument, NULL, OPT_TIMINGS},
    {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
    {"full-layout", no_argument, NULL, OPT_FULL_LAYOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void options_usage(FILE *f)
{
    fprintf(f,
        "Usage: prof2png [OPTION]... [FILE]...\n"
        "Convert profiler output to a call graph: DOT text, or PNG, SVG, PDF ... via Graphviz.\n"
        "With no FILE, or when FILE is -, read standard input.\n"
        "\n"
        "Input:\n"
        "  -f, --format=FORMAT      input format (default: detected from the content)\n"
        "      --event=NAME         callgrind: the event column to use (default: the first)\n"
        "Output:\n"
        "  -o, --output=FILE        write to FILE (default: DOT on standard output)\n"
        "  -T, --type=FORMAT        output format: dot, png, svg, pdf, ... (default: from the\n"
        "                           extension of -o FILE, else dot)\n"
        "Graph:\n"
        "  -n, --node-thres=PCT     drop nodes below PCT%% of the total time (default 0.5)\n"
        "  -e, --edge-thres=PCT     drop edges below PCT%% of the total time (default 0.1)\n"
        "      --total=METHOD       callratios (default) or callstacks (perf, dtrace, collapse)\n"
        "  -z, --root=GLOB          keep only functions reachable from GLOB\n"
        "  -l, --leaf=GLOB          keep only functions that reach GLOB\n"
        "      --depth=N            with -z/-l: at most N calls away (default unlimited)\n"
        "  -p, --path=PATH          keep only functions from files or modules matching PATH\n"
        "                           (repeatable)\n"
        "      --list-functions=SELECTOR  list matching functions to stderr and exit\n"
        "                           (+ or * for all, with ids)\n"
        "      --max-nodes=N        after pruning, keep only the N heaviest functions and\n"
        "                           the paths that lead to them (default: no limit)\n"
        "Appearance:\n"
        "  -c, --colormap=THEME     color (default), pink, gray, bw or print\n"
        "      --skew=THEME_SKEW    colour curve skew (default 1.0; <1 shows detail at the top\n"
        "                           of the scale, >1 at the bottom)\n"
        "      --color-nodes-by-selftime  colour nodes by self time\n"
        "  -s, --strip              strip function parameters, template arguments and const\n"
        "  -w, --wrap               wrap function names\n"
        "      --show-samples       show the sample count in nodes\n"
        "      --node-label=LABEL   self-time, self-time-percentage, total-time or\n"
        "                           total-time-percentage (repeatable; replaces the default)\n"
        "      --time-format=FMT    printf format of times (default %%.7g)\n"
        "      --full-layout        dot's default layout settings however large the graph\n"
        "                           (default: faster ones above %d nodes or %d edges)\n"
        "Comparison:\n"
        "      --compare            compare two profiles FILE1 FILE2\n"
        "      --compare-tolerance=PCT  smallest difference shown (default 0.001)\n"
        "      --compare-only-slower, --compare-only-faster\n"
        "      --compare-color-by-difference  colour nodes by the size of the difference\n"
        "Other:\n"
        "  -q, --quiet              no warnings, notes or progress line\n"
        "      --timings            print the time of each stage and the peak memory to\n"
        "                           standard error\n"
        "  -h, --help               show this help and exit\n"
        "      --version            show the version and exit\n"
        "\n"
        "Exit status: 0 success, 1 bad input, 2 bad command line, 3 I/O or rendering failure.\n",
        RENDER_FAST_LAYOUT_NODES, RENDER_FAST_LAYOUT_EDGES);
    fprintf(f, "Input formats: %s.\n", reader_names());
}

static enum p2p_status number(const char *opt, const char *arg, double lo, double hi,
                              double *out, struct diag *d)
{
    double v;
    if (!parse_double(arg, strlen(arg), &v))
        return diag_error(d, P2P_ERR_USAGE, "option %s: '%s' is not a number", opt, arg);
    if (v < lo || v > hi)
        return diag_error(d, P2P_ERR_USAGE, "option %s: %s is out of range [%g, %g]", opt, arg,
                          lo, hi);
    *out = v;
    return P2P_OK;
}

static int choice(const char *arg, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0)
            return (int)i;
    return -1;
}

static enum p2p_status bad_choice(const char *opt, const char *arg, const char *choices,
                                  struct diag *d)
{
    return diag_error(d, P2P_ERR_USAGE, "option %s: invalid choice '%s' (choose from %s)", opt,
                      arg, choices);
}

void options_fini(struct options *o)
{
    free(o->paths_);
    free(o->inputs);
    memset(o, 0, sizeof(*o));
}

enum p2p_status options_parse(int argc, char **argv, struct options *o, struct diag *d)
{
    memset(o, 0, sizeof(*o));
    graph_opts_init(&o->graph);
    d->file = NULL;
    static const char *const themes[] = {"color", "pink", "gray", "bw", "print"};
    static const char *const totals[] = {"callratios", "callstacks"};
    static const char *const labels[] = {"self-time", "self-time-percentage", "total-time",
                                         "total-time-percentage"};
    opterr = 0;
    optind = 0; /* full reset, so that tests can parse several command lines */
    enum p2p_status st = P2P_OK;
    int c;
    while (st == P2P_OK &&
           (c = getopt_long(argc, argv, ":o:n:e:f:c:swz:l:p:T:qh", long_options, NULL)) != -1) {
        int k;
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'n':
            st = number("-n/--node-thres", optarg, 0, 100, &o->graph.node_thres, d);
            break;
        case 'e':
            st = number("-e/--edge-thres", optarg, 0, 100, &o->graph.edge_thres, d);
            break;
        case 'f':
            if (!reader_find(optarg))
                st = bad_choice("-f/--format", optarg, reader_names(), d);
            o->format = optarg;
            break;
        case OPT_TOTAL:
            if ((k = choice(optarg, totals, 2)) < 0)
                st = bad_choice("--total", optarg, "callratios, callstacks", d);
            else
                o->graph.total = (enum graph_total)k;
            break;
        case 'c':
            if ((k = choice(optarg, themes, 5)) < 0)
                st = bad_choice("-c/--colormap", optarg, "color, pink, gray, bw, print", d);
            else
                o->graph.theme = (enum graph_theme)k;
            break;
        case 's':
            o->graph.strip = true;
            break;
        case OPT_SELFTIME:
            o->graph.color_by_selftime = true;
            break;
        case 'w':
            o->graph.wrap = true;
            break;
        case OPT_SHOW_SAMPLES:
            o->graph.show_samples = true;
            break;
        case OPT_TIME_FORMAT:
            if (!graph_time_format_ok(optarg))
                st = diag_error(d, P2P_ERR_USAGE,
                                "option --time-format: '%s' must contain exactly one numeric "
                                "conversion such as %%.3f (and %%%% for a percent sign)",
                                optarg);
            o->graph.time_format = optarg;
            break;
        case OPT_NODE_LABEL:
            if ((k = choice(optarg, labels, 4)) < 0)
                st = bad_choice("--node-label", optarg,
                                "self-time, self-time-percentage, total-time, "
                                "total-time-percentage",
                                d);
            else if (o->graph.n_labels == GRAPH_MAX_LABELS)
                st = diag_error(d, P2P_ERR_USAGE, "option --node-label: at most %d labels",
                                GRAPH_MAX_LABELS);
            else
                o->graph.labels[o->graph.n_labels++] = (enum graph_label)k;
            break;
        case OPT_LIST_FUNCTIONS:
            o->graph.list_functions = optarg;
            break;
        case 'z':
            o->graph.root = optarg;
            break;
        case 'l':
            o->graph.leaf = optarg;
            break;
        case OPT_DEPTH: {
            int64_t v;
            if (!parse_i64(optarg, strlen(optarg), &v) || v < -1 || v > 1000000000)
                st = diag_error(d, P2P_ERR_USAGE, "option --depth: '%s' is not a depth",
                                optarg);
            else
                o->graph.depth = (long)v;
            break;
        }
        case OPT_SKEW:
            st = number("--skew", optarg, 0, 1e300, &o->graph.skew, d);
            break;
        case 'p':
            o->paths_ = xreallocarray(o->paths_, o->graph.n_paths + 1, sizeof(*o->paths_));
            o->paths_[o->graph.n_paths++] = optarg;
            o->graph.paths = o->paths_;
            break;
        case OPT_COMPARE:
            o->compare = true;
            break;
        case OPT_COMPARE_TOLERANCE:
            st = number("--compare-tolerance", optarg, 1e-15, 100, &o->graph.compare_tolerance,
                        d);
            break;
        case OPT_COMPARE_ONLY_SLOWER:
            o->graph.compare_only_slower = true;
            break;
        case OPT_COMPARE_ONLY_FASTER:
            o->graph.compare_only_faster = true;
            break;
        case OPT_COMPARE_COLOR_BY_DIFFERENCE:
            o->graph.compare_color_by_difference = true;
            break;
        case 'T':
            o->type = optarg;
            break;
        case OPT_EVENT:
            o->event = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case OPT_TIMINGS:
            o->timings = true;
            break;
        case OPT_MAX_NODES: {
            int64_t v;
            if (!parse_i64(optarg, strlen(optarg), &v) || v < 0 || v > 1000000000)
                st = diag_error(d, P2P_ERR_USAGE,
                                "option --max-nodes: '%s' is not a number of nodes", optarg);
            else
                o->graph.max_nodes = (size_t)v;
            break;
        }
        case OPT_FULL_LAYOUT:
            o->full_layout = true;
            break;
        case 'h':
            o->help = true;
            break;
        case OPT_VERSION:
            o->version = true;
            break;
        case ':':
            st = diag_error(d, P2P_ERR_USAGE, "option %s requires an argument",
                            argv[optind - 1]);
            break;
        default:
            if (optopt && optopt < 256)
                st = diag_error(d, P2P_ERR_USAGE, "invalid option -- '%c'", optopt);
            else
                st = diag_error(d, P2P_ERR_USAGE, "unrecognized or ambiguous option '%s'",
                                argv[optind - 1]);
            break;
        }
    }
    if (st != P2P_OK)
        return st;
    o->n_inputs = (size_t)(argc - optind);
    o->inputs = xcalloc(o->n_inputs + 1, sizeof(*o->inputs));
    for (size_t i = 0; i < o->n_inputs; i++)
        o->inputs[i] = argv[optind + (int)i];
    if (o->graph.compare_only_slower && o->graph.compare_only_faster)
        return diag_error(d, P2P_ERR_USAGE,
                          "--compare-only-slower and --compare-only-faster exclude each other");
    return P2P_OK;
}
