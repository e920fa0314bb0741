/* good.c — a well-formed test plugin: writes one line per household with its id and
 * size, and honours an int option `fail-after` (fail in the middle of the export
 * after that many households, to test that no partial output is left) and a choice
 * `misbehave` (after the tenth household: crash, abort, exit, print on standard
 * output, leak, take 5 ms per household, or return 7 without saying why), to test that a plugin cannot harm hhreg, the store or the output,
 * and a bool `show-xml` (append the length of the stored XML it was given), and a
 * string `file-name`: after the fifth household, go on in a new file of that name
 * (api->open_file). Built with different descriptors by Makefile.am: TEST_FLAGS and
 * TEST_SIZE default to 0 and the full descriptor; with HHREG_PLUGIN_DIRECTORY in
 * TEST_FLAGS it starts in a file "first.csv". */
#include "hhreg/plugin.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TEST_FLAGS
#define TEST_FLAGS 0
#endif
#ifndef TEST_SIZE
#define TEST_SIZE sizeof(hhreg_plugin)
#endif

typedef struct state {
    const hhreg_host_api *api;
    long seen, fail_after;
    const char *misbehave;
    int show_xml;
    const char *file_name;
} state;

static state the_state;

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    the_state.api = api;
    the_state.seen = 0;
    the_state.fail_after = api->option_int(ctx, "fail-after");
    the_state.misbehave = api->option(ctx, "misbehave");
    the_state.show_xml = api->option_bool(ctx, "show-xml");
    the_state.file_name = api->option(ctx, "file-name");
    *out = &the_state;
    if ((TEST_FLAGS & HHREG_PLUGIN_DIRECTORY) && api->open_file(ctx, "first.csv") != 0)
        return -1;
    return api->write_text(ctx, "id,size\n");
}

static void misbehave(const char *how)
{
    if (strcmp(how, "crash") == 0)
        raise(SIGSEGV);
    else if (strcmp(how, "abort") == 0)
        abort();
    else if (strcmp(how, "exit") == 0)
        exit(3);
    else if (strcmp(how, "stdout") == 0)
        printf("stray text from the plugin\n");
    else if (strcmp(how, "leak") == 0)
        memset(malloc(4096), 1, 4096);
    else if (strcmp(how, "slow") == 0)
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
}

static int household(hhreg_ctx *ctx, void *s, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *st = s;
    if (++st->seen > 10 && strcmp(st->misbehave, "quiet") == 0)
        return 7; /* failing without api->error */
    if (st->seen > 10)
        misbehave(st->misbehave);
    if (st->fail_after && st->seen > st->fail_after) {
        st->api->error(ctx, "stopped on purpose after %ld households", st->fail_after);
        return -1;
    }
    if (st->seen == 6 && st->file_name && st->api->open_file(ctx, st->file_name) != 0)
        return -1;
    if (st->show_xml)
        return st->api->writef(ctx, "%s,%d,%zu\n", h->id, h->size, h->xml ? h->xml_len : 0);
    return st->api->writef(ctx, "%s,%d\n", h->id, h->size);
}

static int end(hhreg_ctx *ctx, void *s, int ok)
{
    (void)ctx;
    (void)s;
    (void)ok;
    return 0;
}

static const hhreg_option_spec options[] = {
    { "fail-after", HHREG_OPTION_INT, "0", "fail after this many households (0: never)", NULL },
    { "misbehave", HHREG_OPTION_CHOICE, "none", "after ten households", "none,crash,abort,exit,stdout,leak,slow,quiet" },
    { "show-xml", HHREG_OPTION_BOOL, "no", "append the length of the stored XML", NULL },
    { "file-name", HHREG_OPTION_STRING, NULL, "after five households, go on in a new file of this name", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

#ifdef TEST_ON_LOAD
#include <stdio.h>
#include <stdlib.h>
/* Code a plugin runs as it is loaded: TEST_ON_LOAD 1 aborts, 2 prints on standard
 * output (hh_plugin_scan must survive the one and keep the other out of a listing). */
__attribute__((constructor)) static void on_load(void)
{
    if (TEST_ON_LOAD == 1)
        abort();
    printf("printed while loading\n");
    fflush(stdout);
}
#endif

const hhreg_plugin TEST_SYMBOL = {
    TEST_MAGIC, TEST_ABI_MAJOR, TEST_MIN_MINOR, TEST_SIZE,
    .name = TEST_NAME,
    .version = "0.1",
    .summary = "a test plugin",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = TEST_FLAGS,
};
