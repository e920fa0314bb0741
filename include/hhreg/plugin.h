/* hhreg/plugin.h — the whole ABI between hhreg and its export plugins.
 *
 * A plugin is a shared object NAME.so, found in a plugin directory, that exports
 * one symbol, `hhreg_plugin_NAME` (with '-' in NAME written '_'): a struct
 * hhreg_plugin describing it. hhreg checks that descriptor before it calls
 * anything: the magic number, an ABI major equal to HHREG_PLUGIN_ABI_MAJOR, a
 * minimum host-API minor no newer than the host's, and the struct's size.
 *
 * hhreg then calls, in this order:
 *   begin(ctx, api, &state)                  once; options are already validated;
 *                                            state is NULL until begin sets it
 *   household(ctx, state, pass, h)           for each household of the export,
 *                                            in household-id order, for each pass;
 *                                            pass counts from 0 to passes - 1
 *   tombstone(ctx, state, t)                 since 1.6 (may be NULL): each deleted
 *                                            household, in pass 0 after its households
 *   revision(ctx, state, r)                  since 1.8 (may be NULL): each revision's
 *                                            lineage, in pass 0 after the deletions
 *   pass_end(ctx, state, pass)               after each pass (may be NULL)
 *   end(ctx, state, ok)                      once whenever begin was called, also
 *                                            after a failure (ok = 0) and after a
 *                                            failed begin, with whatever begin stored
 *                                            in state (NULL if nothing): free what
 *                                            begin allocated, and accept NULL; ok is
 *                                            also 0 when the store read was damaged
 *                                            (checked before end): commit only on 1
 * Every callback returns 0 to go on, non-zero to fail the export (say why with
 * api->error first; an error said fails the export even when the callbacks go on
 * returning 0). Output goes through the host
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
#define HHREG_HOST_API_MINOR 9          /* the newest minor this header describes */

/* --- the data a plugin sees -------------------------------------------------- */

/* Derived values: computed by hhreg from the stored form (the same rules as `hhreg
 * show` and `hhreg list`), never entered. "At enumeration" means at the form's
 * enumeration date (enumeration/@date), never today.
 *
 *   person.age             completed years from birthDate to the enumeration date:
 *                          the difference of the years, less one when the
 *                          enumeration's month and day come before the birth's (one
 *                          born on 29 February is a year older on 1 March in common
 *                          years); 0 when the birth date is after the enumeration date
 *   person.age_group       the five-year band of age: "0-4", "5-9", ... "80-84",
 *                          and "85+" from 85
 *   person.elderly60       1 when age >= 60, else 0
 *   person.elderly65       1 when age >= 65, else 0
 *   person.disabled        1 when the person has a disability certificate (any type
 *                          and grade), or any of the six functioning domains is 3 (a
 *                          lot of difficulty) or 4 (cannot do at all); 2 (some
 *                          difficulty) does not count; else 0
 *   household.size         the persons on the roster (n_persons); member_count is
 *                          what the respondent said, -1 when not given
 *   household.elderly60    how many persons have elderly60 (a count, not 0/1)
 *   household.elderly65    how many persons have elderly65 (a count)
 *   household.persons_with_disability  how many persons have disabled (a count)
 *   household.elderly_living_alone     1 when the roster holds exactly one person
 *                          and that person is aged 60+, else 0
 *   household.empty_nest   1 when the roster holds at least one person and every
 *                          one is aged 60+, else 0: a household of one aged 60+ is
 *                          both living alone and an empty nest
 * Not derived, but taken from the form as entered:
 *   household.low_income   1 when lowIncome/@receives is true (the 低保 allowance),
 *                          else 0; low_income_since its month "YYYY-MM" or NULL
 *   household.extreme_hardship  1 when extremeHardship is true, else 0
 *   A form that found nobody home or was refused need not record tenure, the
 *   allowance or extreme hardship (they are asked of the household): tenure is then
 *   NULL, and low_income and extreme_hardship are -1 for a plugin whose
 *   min_api_minor is 5 or more, 0 for an older one (api->item_text gives NULL).
 *   A form that found nobody home records no respondent and no consent (nobody
 *   answered): respondent is then NULL and consent -1 for a plugin whose
 *   min_api_minor is 9 or more, "" and 0 for an older one (api->item_text gives NULL).
 *   household.consent      1 when enumeration/@consent is true, 0 when false
 */

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
    /* derived at the enumeration date: see "Derived values" above */
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
    int low_income;                /* 0 or 1; since 1.5 -1 when not recorded (see above) */
    const char *low_income_since;
    int extreme_hardship;          /* 0 or 1; since 1.5 -1 when not recorded (see above) */
    const char *needs;
    const char *enumerator, *enumeration_date, *enumeration_status, *respondent;
    int consent;                   /* 0 or 1; since 1.9 -1 when not recorded (see above) */
    int member_count;              /* -1 absent */
    size_t n_persons;
    const hhreg_person *persons;
    size_t n_visits;
    const hhreg_visit *visits;     /* the form's own, in its order, then those of the store's
                                      visit log (made after the form; not in `xml`) by date */
    /* derived: see "Derived values" above; the first four are counts */
    int size, elderly60, elderly65, persons_with_disability;
    int elderly_living_alone, empty_nest;  /* 0 or 1 */
    /* the form as received (UTF-8 XML) */
    const char *xml;
    size_t xml_len;
    /* since 1.6: where the revision comes from, and the household's place in the
     * store's change feed (see "Incremental export" below) */
    const char *made_in;           /* the id (a UUID) of the store the revision was made in */
    int parent;                    /* the revision it replaced; 0 for the first */
    long long change;              /* the household's newest entry in the change feed */
} hhreg_household;

/* since 1.6: a deleted household, as the descriptor's tombstone() is handed it */
typedef struct hhreg_tombstone {
    size_t struct_size;
    const char *id;
    int revision;                  /* its current revision when it was deleted */
    const char *deleted_at;        /* "YYYY-MM-DDTHH:MM:SSZ" */
    const char *reason;            /* as given to `hhreg delete` */
    long long change;              /* the deletion's entry in the change feed */
} hhreg_tombstone;

/* since 1.8: one revision of a household — its lineage, not its content (that is
 * hhreg_household) — as the descriptor's revision() is handed it */
typedef struct hhreg_revision {
    size_t struct_size;
    const char *id;                /* the household's */
    int revision;                  /* 1, 2, ... in this store */
    const char *district_code;     /* of the revision's address */
    const char *made_in;           /* the id (a UUID) of the store it was made in */
    int origin;                    /* its number in that store: with made_in, what names it
                                      in every store (docs/merge.md) */
    int parent;                    /* the revision it was edited from; 0 for the first */
    int merged_from;               /* a conflict settled: the other side's revision (its
                                      second parent, in this store's numbers); else 0 */
    const char *stored_at;         /* "YYYY-MM-DDTHH:MM:SSZ", when it came into this store */
    const char *content_sha256;    /* of its content (hhreg check's digest); NULL in a
                                      store from before it was kept */
    long long change;              /* its entry in the change feed; 0 when it has none
                                      (a revision older than the feed) */
} hhreg_revision;

/* Incremental export (since 1.6). Every revision, logged visit, review decision and
 * deletion of a store takes the next number of the store's change feed (1, 2, ...),
 * never reused. An export hands over every current household — or, with a
 * watermark N (`hhreg export NAME --since N`, or api->set_since in begin), only those
 * with an entry after N, whole as they are now — and to a plugin with a tombstone()
 * callback the households deleted after N (every deleted one without a watermark).
 * A plugin that syncs a database keeps api->last_change() of a run that succeeded,
 * with api->store_id(), and asks for the changes after it next time. A watermark
 * ahead of the store's last change is refused (the store was replaced by an older
 * backup: export everything again). */

/* --- options a plugin declares (the host validates and prints them) ---------- */

typedef enum hhreg_option_type {
    HHREG_OPTION_STRING,
    HHREG_OPTION_INT,      /* a whole number */
    HHREG_OPTION_BOOL,     /* yes/no, true/false, 1/0 */
    HHREG_OPTION_CHOICE,   /* one of `choices`, a comma-separated list */
    HHREG_OPTION_FILE,     /* a readable file */
    HHREG_OPTION_DATE      /* since 1.3: a calendar date YYYY-MM-DD (2024-02-29 yes,
                              2023-02-29 no); read it with api->option */
} hhreg_option_type;

typedef struct hhreg_option_spec {
    const char *name;          /* NULL ends the list */
    hhreg_option_type type;
    const char *default_value; /* NULL: no default (absent unless given) */
    const char *help;
    /* HHREG_OPTION_CHOICE: the values, "a,b,c". Since 1.3, HHREG_OPTION_INT and
     * HHREG_OPTION_DATE: the range allowed, "MIN..MAX" with either side optional
     * ("1..120", "0..", "2000-01-01.."), NULL for any. The host refuses a value
     * outside it, naming the option and the range, before begin(), and shows it
     * in `hhreg plugins`. It applies to a plugin with min_api_minor 3 or more: an
     * older host ignores it, and an older plugin may hold anything here. (This
     * array's elements have no struct_size and cannot grow: the range shares
     * this member.) */
    const char *choices;
} hhreg_option_spec;

/* --- since 1.4: the item dictionary ------------------------------------------ */

/* The items of the form, as api->item describes them: every item a household,
 * person or visit holds (not the derived values), in the order of `hhreg show
 * --json` and the jsonl export. */
typedef enum hhreg_item_scope { HHREG_SCOPE_HOUSEHOLD, HHREG_SCOPE_PERSON, HHREG_SCOPE_VISIT } hhreg_item_scope;

typedef enum hhreg_item_kind {
    HHREG_ITEM_TEXT, HHREG_ITEM_CODE, HHREG_ITEM_DATE,  /* YYYY-MM-DD */
    HHREG_ITEM_MONTH,                                    /* YYYY-MM */
    HHREG_ITEM_NUMBER, HHREG_ITEM_BOOLEAN
} hhreg_item_kind;

typedef struct hhreg_item {
    size_t struct_size;
    const char *name;          /* its JSON key, e.g. "floorArea" (unique in its scope
                                  and group) */
    const char *group;         /* the JSON object it sits in ("address", "enumeration",
                                  "functioning"), or NULL */
    int scope;                 /* hhreg_item_scope */
    int kind;                  /* hhreg_item_kind */
    int numeric;               /* 1: api->item_text gives a number or true/false, which
                                  JSON writes bare; 0: text, which JSON quotes */
    const char *code_list;     /* a code's list in the form schema, e.g. "TenureCode";
                                  NULL for an item that is not a code */
    const char *const *codes;  /* its codes in schema order, NULL-terminated; label
                                  them with api->code_label; NULL when not a code or
                                  the schema could not be read */
} hhreg_item;

/* --- what the host offers (append-only) -------------------------------------- */

typedef struct hhreg_ctx hhreg_ctx;   /* the host's, opaque */

/* The host's functions are called from the thread hhreg called the plugin on (in
 * begin, household, pass_end, tombstone, revision or end), never from a thread of
 * the plugin's own: the host reads the store there, one call at a time. */

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
    /* a CSV field, quoted when it holds the delimiter, a quote, CR or LF (a quote
     * inside is doubled); NULL writes nothing, an empty field. With neutralise, a
     * value whose first character is = + - @ TAB or CR is quoted with a ' before
     * it ("'=1+2") so a spreadsheet shows it as text instead of running it as a
     * formula; only the first character counts */
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
     * (an iconv name such as "GB18030"); 0, or -1 when iconv does not know it: the
     * output stays UTF-8, "the output encoding NAME is not available" is recorded
     * as the export's error, every later write returns -1 and writes nothing, and
     * the export fails with that message, leaving no output, whatever the
     * callbacks return: return non-zero at once.
     * A character the encoding cannot hold fails the write the same way. */
    int (*output_encoding)(hhreg_ctx *ctx, const char *encoding);

    /* since 1.2, for a plugin with HHREG_PLUGIN_DIRECTORY: finish the file being
     * written and start the file NAME (a plain name such as "persons.csv") in the
     * export's output directory; everything written goes there until the next call.
     * Each name once. 0, or -1 when the file cannot be made (already reported). */
    int (*open_file)(hhreg_ctx *ctx, const char *name);

    /* since 1.3: information for the user, e.g. a count, on standard error as
     * "hhreg export: plugin NAME: MESSAGE" (one line: a line break in it is
     * written as a space; no "warning:"). warning says "... plugin NAME: warning:
     * MESSAGE", for what the user should look at; error is for a failure. */
    void (*info)(hhreg_ctx *ctx, const char *format, ...) __attribute__((format(printf, 2, 3)));
    /* since 1.3: a CSV field as csv_field writes it, with HHREG_CSV_* flags:
     * HHREG_CSV_NEUTRALISE is csv_field's `neutralise`; HHREG_CSV_TEXT writes a
     * non-empty value as the text formula ="VALUE" (in CSV: "=""VALUE""") so that
     * Excel keeps it as text: an ID or phone number keeps its leading 0 and all
     * its digits. The value is a string constant of that formula (its quotes
     * doubled), which a spreadsheet shows and never runs; with
     * HHREG_CSV_NEUTRALISE too, a value starting = + - @ TAB or CR also keeps its
     * leading ', so it reads as it would without HHREG_CSV_TEXT. A value Excel
     * cannot hold in a formula (a line break, over 255 characters) is written as
     * csv_field writes it. Programs that read CSV as data see ="VALUE": use it
     * for files meant for a spreadsheet. */
    int (*csv_cell)(hhreg_ctx *ctx, const char *value, char delimiter, unsigned flags);
    /* since 1.3, for a plugin with HHREG_PLUGIN_DIRECTORY: write to the file NAME
     * (a plain name) of the output directory from now on — made on first use,
     * continued where it was left on the next: a plugin writes several files in
     * one pass, switching between them as it goes. Files stay open until the
     * export ends (at most HHREG_MAX_OPEN_FILES at a time); open_file still
     * finishes the file being written, which cannot then be used again.
     * 0, or -1 when the file cannot be made (already reported). */
    int (*use_file)(hhreg_ctx *ctx, const char *name);

    /* since 1.4: the item dictionary. item_count: how many items `scope` (an
     * hhreg_item_scope) has, 0 for an unknown scope; item: the item `index`
     * (0 .. item_count - 1) of `scope`, NULL when out of range; valid until the
     * export ends. */
    size_t (*item_count)(hhreg_ctx *ctx, int scope);
    const hhreg_item *(*item)(hhreg_ctx *ctx, int scope, size_t index);
    /* since 1.4: the value of item `index` of `scope` in `record`, an
     * hhreg_household, one of its persons or one of its visits as the host handed
     * it to household() (during that call), as text: a code, a date, "12.50" (a
     * number of the kind's precision), "true"/"false"; NULL when the item is
     * absent, or `record` is not the household being handed over nor one of its
     * persons or visits. Valid until the next call of item_text. */
    const char *(*item_text)(hhreg_ctx *ctx, const void *record, int scope, size_t index);

    /* since 1.6: the change feed (see "Incremental export" above). store_id: the id
     * (a UUID) of the store being exported. last_change: the newest entry of its
     * change feed in the export's snapshot (0: none), the watermark to keep once the
     * run has succeeded. since: this run's watermark, -1 when every household is
     * handed over. set_since, in begin() only: hand over only what changed after
     * `change` (the plugin's own watermark, e.g. kept in the database it feeds),
     * instead of --since; -1 for everything. 0, or -1 with the export's error said
     * when it is called after begin() or `change` is ahead of last_change. */
    const char *(*store_id)(hhreg_ctx *ctx);
    long long (*last_change)(hhreg_ctx *ctx);
    long long (*since)(hhreg_ctx *ctx);
    int (*set_since)(hhreg_ctx *ctx, long long change);

    /* since 1.7: the review state of the household being handed over to household()
     * (during that call): "submitted" (waiting for the supervisor), "approved" or
     * "returned" (to its enumerator), as `hhreg review` and the server's review queue
     * say; NULL for another record or when the store cannot say (the export's error
     * is then said). Asked of the store on each call: call it once a household. */
    const char *(*review_state)(hhreg_ctx *ctx, const hhreg_household *h);
} hhreg_host_api;

/* since 1.3: csv_cell's flags */
#define HHREG_CSV_NEUTRALISE 0x1u
#define HHREG_CSV_TEXT 0x2u

/* since 1.3: how many files use_file keeps open at once */
#define HHREG_MAX_OPEN_FILES 32

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

    /* since 1.6 (may be NULL; an older descriptor ends before it): each deleted
     * household of the run (see "Incremental export"), in id order, once: in pass 0,
     * after its households and before pass_end(0). Without it, a run with a watermark
     * says how many deletions the output lacks. */
    int (*tombstone)(hhreg_ctx *ctx, void *state, const hhreg_tombstone *t);

    /* since 1.8 (may be NULL; an older descriptor ends before it): each revision of
     * the run's area — every one, or with a watermark those whose entry in this store's
     * change feed is after it (a revision merged from a laptop arrives when it was
     * merged) — in household-id and revision order, once: in pass 0, after
     * the deletions and before pass_end(0). A household revised three times since
     * the watermark is handed to household() once, as it is now, and its three
     * revisions here: the history a central database keeps. */
    int (*revision)(hhreg_ctx *ctx, void *state, const hhreg_revision *r);
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

/* since 1.7: the plugin connects to a server (a central database): an export
 * confines its process so that opening any socket kills it, and lifts that only
 * when the user says so (`hhreg export --allow-network`); a plugin with this flag
 * run without it is refused, with that said, before its begin(). Set min_api_minor
 * to 7. */
#define HHREG_PLUGIN_NETWORK 0x4u

/* The size of a 1.0 descriptor, the smallest a host accepts. */
#define HHREG_PLUGIN_SIZE_1_0 offsetof(hhreg_plugin, flags)

/* Fills the version fields of a descriptor. */
#define HHREG_PLUGIN_HEADER(min_minor) \
    HHREG_PLUGIN_MAGIC, HHREG_PLUGIN_ABI_MAJOR, (min_minor), sizeof(hhreg_plugin)

#ifdef __cplusplus
}
#endif

#endif
