/* Runs a fuzz harness over files and directories without libFuzzer, so that `make check`
 * replays every seed and every past crasher: replay [--format=NAME] PATH... */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util.h"

/* The pipeline harness has no initializer; the reader harness defines its own. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static size_t n_run;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    struct strbuf b;
    strbuf_init(&b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&b, buf, n);
    fclose(f);
    /* An exact-size heap copy, so that ASan sees any read past the end. */
    unsigned char *data = xmalloc(b.len ? b.len : 1);
    memcpy(data, b.s ? b.s : "", b.len);
    LLVMFuzzerTestOneInput(data, b.len);
    free(data);
    strbuf_fini(&b);
    n_run++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(sb.st_mode))
        return run_file(path);
    DIR *dp = opendir(path);
    if (!dp) {
        perror(path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", path, e->d_name);
        rc |= run_path(sub);
        free(sub);
    }
    closedir(dp);
    return rc;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--", 2) != 0)
            rc |= run_path(argv[i]);
    printf("replayed %zu inputs\n", n_run);
    return rc;
}
