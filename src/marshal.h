/* A decoder for Python's `marshal` serialisation (format versions 0-5: Python 2.7 through
 * 3.14), the container of cProfile / profile statistics files. It turns one marshalled
 * object into a small tree of values held in flat arrays; it knows nothing of profiles
 * (read_pstats.c gives the tree its meaning). Decoding is iterative with an explicit stack,
 * every read is bounded, and a count read from the data never sizes an allocation. */
#ifndef P2P_SRC_MARSHAL_H
#define P2P_SRC_MARSHAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "util.h"

struct arena;

/* Deepest nesting accepted, counted as Python does (the outermost object is at depth 1).
 * CPython refuses deeper data with "recursion limit exceeded", so no real file goes past. */
#define MARSHAL_MAX_DEPTH 2000

enum marshal_kind {
    MARSHAL_NONE,      /* N */
    MARSHAL_TRUE,      /* T */
    MARSHAL_FALSE,     /* F */
    MARSHAL_STOPITER,  /* S */
    MARSHAL_ELLIPSIS,  /* . */
    MARSHAL_INT,       /* i I l: u.num.d always; u.num.i exact when `fits` */
    MARSHAL_FLOAT,     /* g f: u.num.d (may be NaN or infinite, as Python allows) */
    MARSHAL_COMPLEX,   /* y x: u.cplx */
    MARSHAL_STR,       /* u t a A z Z: text as UTF-8 bytes (u, t not validated) */
    MARSHAL_BYTES,     /* s: Python 3 bytes, Python 2 str */
    MARSHAL_TUPLE,     /* ( ) */
    MARSHAL_LIST,      /* [ */
    MARSHAL_SET,       /* < */
    MARSHAL_FROZENSET, /* > */
    MARSHAL_DICT,      /* { ... 0: items are key, value, key, value ... in file order */
    MARSHAL_SLICE,     /* : (version 5): items start, stop, step */
    MARSHAL_CODE,      /* c: items are the object fields in file order; see marshal_code */
};

/* Code object layouts; the data does not name its Python version, so the decoder recognises
 * the layout from the shape of the fields (see marshal.c). */
enum marshal_code_layout {
    MARSHAL_CODE_PY27,  /* Python 2.7: 4 integers before co_code */
    MARSHAL_CODE_PY30,  /* Python 3.0 - 3.7: 5 integers, varnames/freevars/cellvars */
    MARSHAL_CODE_PY38,  /* Python 3.8 - 3.10: 6 integers (posonlyargcount added) */
    MARSHAL_CODE_PY311, /* Python 3.11 - 3.14: 5 integers, localsplus*, qualname */
};

/* What the pstats reader needs from a code object: value indices (MARSHAL_NO_VALUE when the
 * layout has no such field) and the first line number. */
struct marshal_code {
    enum marshal_code_layout layout;
    size_t name, filename, qualname, code;
    int32_t firstlineno;
};

#define MARSHAL_NO_VALUE SIZE_MAX

struct marshal_value {
    uint8_t kind;  /* enum marshal_kind */
    bool fits;     /* MARSHAL_INT: the value fits an int64_t */
    size_t offset; /* byte offset of the value's type byte, for messages */
    union {
        struct {
            int64_t i;
            double d; /* nearest double (a huge long may be infinite) */
        } num;
        struct {
            double re, im;
        } cplx;
        struct {
            const char *s; /* into the input buffer or the document's arena; not NUL-terminated */
            size_t len;
        } str;
        struct {
            size_t first, n; /* children: doc->items[first .. first + n) */
            size_t code;     /* MARSHAL_CODE: index in doc->codes */
        } seq;
    } u;
};

/* A decoded object. Children are value indices, so shared objects (references) and even
 * self-containing containers (a list holding itself) are representable: walk it with bounded
 * loops, never with recursion over arbitrary depth. */
struct marshal_doc {
    struct marshal_value *vals;
    size_t n_vals, cap_vals;
    size_t *items;
    size_t n_items, cap_items;
    struct marshal_code *codes;
    size_t n_codes, cap_codes;
    size_t root; /* index of the top-level object */
    size_t end;  /* offset just past it; Python ignores what follows, so do we */
    struct arena *arena;
};

/* Decode the object at the start of data[0..len). Strings may point into `data`, which must
 * outlive the document. On success *out is a document the caller frees with marshal_free;
 * on failure *out is NULL and d holds "bad marshal data"-style error at a byte offset. */
enum p2p_status marshal_decode(const void *data, size_t len, struct marshal_doc **out,
                               struct diag *d) P2P_WUR;

void marshal_free(struct marshal_doc *doc);

static inline const struct marshal_value *marshal_get(const struct marshal_doc *doc, size_t i)
{
    return &doc->vals[i];
}

/* Child k (< v->u.seq.n) of a container value. */
static inline const struct marshal_value *marshal_child(const struct marshal_doc *doc,
                                                        const struct marshal_value *v, size_t k)
{
    return &doc->vals[doc->items[v->u.seq.first + k]];
}

static inline size_t marshal_child_index(const struct marshal_doc *doc,
                                         const struct marshal_value *v, size_t k)
{
    return doc->items[v->u.seq.first + k];
}

/* "tuple", "int", ... for messages. */
const char *marshal_kind_name(enum marshal_kind k);

#endif
