/* fuzz_profile.c — libFuzzer harness for the district-csv plugin's profile parser:
 * untrusted bytes are parsed and validated as a district profile against
 * schemas/district-profile-1.xsd, then walked into a profile. Built by
 * --enable-fuzzing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <libxml/parser.h>

#include "profile.h"

static char *xsd;
static long xsd_len;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    FILE *f = fopen(FUZZ_SCHEMA_DIR "/district-profile-1.xsd", "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (xsd_len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(xsd = malloc((size_t)xsd_len)) || fread(xsd, 1, (size_t)xsd_len, f) != (size_t)xsd_len) {
        fprintf(stderr, "fuzz_profile: cannot read %s/district-profile-1.xsd\n", FUZZ_SCHEMA_DIR);
        exit(2);
    }
    fclose(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > INT_MAX)
        return 0;
    char err[512];
    profile *p = profile_parse((const char *)data, (int)size, "fuzz-profile.xml", xsd, (int)xsd_len, err, sizeof err);
    profile_free(p);
    return 0;
}
