/* hhreg/plugin.h — the whole ABI between hhreg and its export plugins.
 *
 * A plugin is a shared object NAME.so, found in a plugin directory, that exports
 * one symbol, `hhreg_plugin_NAME` (with '-' in NAME written '_'): a struct
 * hhreg_plugin describing it. hhreg checks that descriptor before it calls
 * anything: the magic number, an ABI major equal to HHREG_PLUGIN_ABI_MAJOR, a
 * minimum host-API minor no newer than the host's, and the struct's size.
 *
 * hhreg then calls, in this order:
 *   begin(ctx, api, &state)                  once; options are already validated
 *   household(ctx, state, pass, h)           for each household of the export,
 *                                            in household-id order, for each pass
 *   pass_end(ctx, state, pass)               after each pass (may be NULL)
 *   end(ctx, state, ok)                      once, also after a failure (ok = 0):
 *                                            free what begin allocated
 * Every callback returns 0 to go on, non-zero to fail the export (say why with
 * api->error first). Output goes through the host
 * (api->write_bytes and the helpers); hhreg writes it to a temporary file and
 * puts it in place only when the whole export succeeded. The plugin runs in a
 * child process of hhreg: a crash or exit fails the export (naming the plugin)
 * and leaves no output; standard output is redirected to standard error.
 *
 * Data is read-only and valid only during the call that hands it over: copy what
 * must outlive it. All strings are UTF-8, NUL-terminated; an absent item is NULL
 * (strings), -1 (numbers) or 0 (codes noted below).
 *
 * Versioning: structs handed to plugins start with their size and only ever grow at
 * the end; a member added later is marked with the API minor that added it, and a
 * plugin that needs it sets min_api_minor accordingly. docs/PLUGIN-ABI.md records
 * every change with its date. Build a plugin with:
 *     cc $(pkg-config --cflags hhreg-plugin) -shared -fPIC -o NAME.so NAME.c
 */
#ifndef HHREG_PLUGIN_H
#define HHREG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HHREG_PLUGIN_MAGIC 0x48485047u  /* "HHPG" */
#define HHREG_PLUGIN_ABI_MAJOR 1
#define HHREG_HOST_API_MINOR 2          /* the newest minor this header describes */

/* --- the data a plugin sees -------------------------------------------------- */

typedef struct hhreg_person {
    size_t struct_size;
    int line;
    const char *name, *relationship, *sex, *birth_date;
    const char *document_type, *document_number;
    const char *nationality, *ethnicity, *residence, *registered_in;
    const char *marital_status, *activity, *phone, *languages, *notes;
    int education;                 /* ISCED 0-8, -1 absent */
    int functioning[6];            /* seeing, hearing, walking, cognition, self-care,
                                      communication: 1-4, 0 absent */
    const char *certificate_type;
    int certificate_grade;         /* 1-4, 0 absent */
    /* derived at the enumeration date */
    int age;
    const char *age_group;         /* "0-4" ... "85+" */
    int elderly60, elderly65, disabled;  /* 0 or 1 */
} hhreg_person;

typedef struct hhreg_visit {
    size_t struct_size;
    const char *date, *enumerator, *purpose, *outcome, *note;
} hhreg_visit;

typedef struct hhreg_household {
    size_t struct_size;
    const char *id;
    int revision;
    const char *district_code, *district, *street_code, *street, *community_code, *community;
    int grid;
    const char *estate, *building, *unit, *room;
    const char *household_type, *dwelling_type, *tenure;
    double floor_area;             /* -1 absent */
    const char *phone, *preferred_language;
    int low_income;                /* 0 or 1 */
    const char *low_income_since;
    int extreme_hardship;          /* 0 or 1 */
    const char *needs;
    const char *enumerator, *enumeration_date, *enumeration_status, *respondent;
    int consent;                   /* 0 or 1 */
    int member_count;              /* -1 absent */
    size_t n_persons;
    const hhreg_person *persons;
    size_t n_visits;
    const hhreg_visit *visits;     /* oldest first */
    /* derived */
    int size, elderly60, elderly65, persons_with_disability;
    int elderly_living_alone, empty_nest;  /* 0 or 1 */
    /* the form as received (UTF-8 XML) */
    const char *xml;
    size_t xml_len;
} hhreg_household;

/* --- options a plugin declares (the host validates and prints them) ---------- */

typedef enum hhreg_option_type {
    HHREG_OPTION_STRING,
    HHREG_OPTION_INT,      /* a whole number */
    HHREG_OPTION_BOOL,     /* yes/no, true/false, 1/0 */
    HHREG_OPTION_CHOICE,   /* one of `choices`, a comma-separated list */
    HHREG_OPTION_FILE      /* a readable file */
} hhreg_option_type;

typedef struct hhreg_option_spec {
    const char *name;          /* NULL ends the list */
    hhreg_option_type type;
    const char *default_value; /* NULL: no default (absent unless given) */
    const char *help;
    const char *choices;       /* HHREG_OPTION_CHOICE only */
} hhreg_option_spec;

/* --- what the host offers (append-only) -------------------------------------- */

typedef struct hhreg_ctx hhreg_ctx;   /* the host's, opaque */

typedef struct hhreg_host_api {
    size_t struct_size;
    unsigned api_minor;        /* the host's HHREG_HOST_API_MINOR */

    /* since 1.0: options — the value given with --opt KEY=VALUE, else the default,
     * else NULL (string) / 0 (numbers) */
    const char *(*option)(hhreg_ctx *ctx, const char *name);
    long (*option_int)(hhreg_ctx *ctx, const char *name);
    int (*option_bool)(hhreg_ctx *ctx, const char *name);

    /* since 1.0: output; each returns 0, or -1 when writing failed (already reported).
     * (Member names avoid printf/puts, which _FORTIFY_SOURCE may define as macros.) */
    int (*write_bytes)(hhreg_ctx *ctx, const void *data, size_t len);
    int (*write_text)(hhreg_ctx *ctx, const char *text);
    int (*writef)(hhreg_ctx *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
    /* a CSV field, quoted when it holds the delimiter, a quote or a line break;
     * with neutralise, a value starting = + - @ TAB or CR gets a leading ' so a
     * spreadsheet shows it as text instead of running it as a formula */
    int (*csv_field)(hhreg_ctx *ctx, const char *value, char delimiter, int neutralise);
    int (*xml_text)(hhreg_ctx *ctx, const char *text);     /* escaped for XML */
    int (*json_string)(hhreg_ctx *ctx, const char *text);  /* quoted and escaped; NULL: null */

    /* since 1.0: errors; the message names the plugin and becomes the export's error */
    void (*error)(hhreg_ctx *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
    void (*warning)(hhreg_ctx *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));

    /* since 1.0: the label of a code of the form schema in "en" or "zh", e.g.
     * ("SexCode", "female", "zh") -> "女"; NULL when unknown */
    const char *(*code_label)(hhreg_ctx *ctx, const char *code_list, const char *code, const char *lang);
    /* since 1.0: the directory of the installed schemas (for a plugin's own files) */
    const char *(*schema_dir)(hhreg_ctx *ctx);
    /* since 1.0: from now on, convert everything written from UTF-8 to `encoding`
     * (an iconv name such as "GB18030"); 0, or -1 when it is not available */
    int (*output_encoding)(hhreg_ctx *ctx, const char *encoding);

    /* since 1.2, for a plugin with HHREG_PLUGIN_DIRECTORY: finish the file being
     * written and start the file NAME (a plain name such as "persons.csv") in the
     * export's output directory; everything written goes there until the next call.
     * Each name once. 0, or -1 when the file cannot be made (already reported). */
    int (*open_file)(hhreg_ctx *ctx, const char *name);
} hhreg_host_api;

/* --- the descriptor a plugin exports ---------------------------------------- */

typedef struct hhreg_plugin {
    uint32_t magic;            /* HHREG_PLUGIN_MAGIC */
    uint16_t abi_major;        /* HHREG_PLUGIN_ABI_MAJOR */
    uint16_t min_api_minor;    /* the oldest host API minor it works with */
    size_t struct_size;        /* sizeof(hhreg_plugin) */
    const char *name;          /* equal to the file name without .so */
    const char *version;
    const char *summary;       /* one line */
    const hhreg_option_spec *options;   /* ends with a NULL name; may be NULL */
    const char *extension;     /* of its output file, e.g. "csv" */
    unsigned passes;           /* passes over the data, at least 1 */

    int (*begin)(hhreg_ctx *ctx, const hhreg_host_api *api, void **state);
    int (*household)(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h);
    int (*pass_end)(hhreg_ctx *ctx, void *state, unsigned pass);
    int (*end)(hhreg_ctx *ctx, void *state, int ok);

    unsigned flags;            /* since 1.1: HHREG_PLUGIN_* below; a 1.0 descriptor
                                  ends before it and counts as 0 */
} hhreg_plugin;

/* since 1.1: the plugin never reads hhreg_household.xml, so the host need not
 * decompress every stored form for it (xml is then NULL, xml_len 0): an export of
 * items runs about twice as fast. */
#define HHREG_PLUGIN_NO_XML 0x1u

/* since 1.2: the output is a directory of files (a release: data, codebook,
 * report), made with api->open_file; `hhreg export -o DIR` names a directory that
 * must not exist yet. The files are written into a private directory beside it,
 * renamed to DIR only when the whole export succeeded. Set min_api_minor to 2. */
#define HHREG_PLUGIN_DIRECTORY 0x2u

/* The size of a 1.0 descriptor, the smallest a host accepts. */
#define HHREG_PLUGIN_SIZE_1_0 offsetof(hhreg_plugin, flags)

/* Fills the version fields of a descriptor. */
#define HHREG_PLUGIN_HEADER(min_minor) \
    HHREG_PLUGIN_MAGIC, HHREG_PLUGIN_ABI_MAJOR, (min_minor), sizeof(hhreg_plugin)

#ifdef __cplusplus
}
#endif

#endif
