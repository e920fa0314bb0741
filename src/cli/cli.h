/* cli.h — what the hhreg commands share: the command table entry, the options every
 * command takes (--db, --schema-dir, --lang, --enumerator, --help), exit codes and
 * helpers for opening the store and the schemas with a clear message. Commands use
 * the core library only through its headers. */
#ifndef HH_CLI_H
#define HH_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "schemaset.h"
#include "store.h"

/* Exit codes, documented in hhreg(1). */
enum {
    EXIT_OK = 0,        /* success; warnings allowed */
    EXIT_PROBLEMS = 1,  /* invalid or refused forms, or a failed store check */
    EXIT_USAGE = 2      /* bad usage, unreadable input, or a store or schema that cannot be used */
};

typedef struct cli {
    const char *db_path;
    const char *schema_dir;
    const char *actor;
    hh_lang lang;
    const char *enumerator; /* the id given (--enumerator, $HHREG_ENUMERATOR); NULL when actor is only the login name */
} cli;

/* The text in the session's language (--lang, else the locale); the compiler
 * checks a format in both. */
static inline const char *cli_tr(const cli *c, const char *en, const char *zh) __attribute__((format_arg(2), format_arg(3)));
static inline const char *cli_tr(const cli *c, const char *en, const char *zh)
{
    return hh_text(c->lang, en, zh);
}

typedef struct command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    const char *args;      /* usage after the command name */
    const char *summary;
    const char *options;   /* the command's own options, one per line, for --help */
    const char *summary_zh, *options_zh; /* the same two in Chinese (--lang zh) */
} command;

extern const command hh_commands[];

/* The commands, one file each (src/cli/cmd_NAME.c). */
int cmd_init(cli *c, int argc, char **argv);
int cmd_validate(cli *c, int argc, char **argv);
int cmd_import(cli *c, int argc, char **argv);
int cmd_list(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_delete(cli *c, int argc, char **argv);
int cmd_undelete(cli *c, int argc, char **argv);
int cmd_backup(cli *c, int argc, char **argv);
int cmd_doctor(cli *c, int argc, char **argv);
int cmd_enter(cli *c, int argc, char **argv);
int cmd_edit(cli *c, int argc, char **argv);
int cmd_visit(cli *c, int argc, char **argv);
int cmd_check(cli *c, int argc, char **argv);
int cmd_sample(cli *c, int argc, char **argv);
int cmd_plugins(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
int cmd_user(cli *c, int argc, char **argv);
int cmd_serve(cli *c, int argc, char **argv);
int cmd_find(cli *c, int argc, char **argv);
int cmd_due(cli *c, int argc, char **argv);
int cmd_review(cli *c, int argc, char **argv);
int cmd_merge(cli *c, int argc, char **argv);
int cmd_conflicts(cli *c, int argc, char **argv);
int cmd_resolve(cli *c, int argc, char **argv);
const command *cli_find_command(const char *name);

/* getopt_long option values for the common options. */
enum { OPT_DB = 1000, OPT_SCHEMA_DIR, OPT_LANG, OPT_ENUMERATOR, OPT_HELP, OPT_FIRST_OWN };
#define CLI_COMMON_OPTIONS                                        \
    { "db", required_argument, NULL, OPT_DB },                    \
    { "schema-dir", required_argument, NULL, OPT_SCHEMA_DIR },    \
    { "lang", required_argument, NULL, OPT_LANG },                \
    { "enumerator", required_argument, NULL, OPT_ENUMERATOR },    \
    { "help", no_argument, NULL, OPT_HELP }

/* What a command accepts besides the common options: its own options (terminated
 * by a zero entry; `shortopts` for their short forms), handed to `on_own` with the
 * command's state, which returns 0 or an exit code; and how many operands. */
typedef struct cli_spec {
    const struct option *own;
    const char *shortopts;
    int (*on_own)(const cli *c, int opt, const char *arg, void *st);
    int min_operands, max_operands;   /* max_operands -1: any number */
} cli_spec;

/* Parses argv (argv[0] is the command name). Returns 0 with *rest set to the index
 * of the first operand, -1 when --help was printed (in the language of a --lang
 * given anywhere on the line), or an exit code after saying what was wrong. */
int cli_parse(cli *c, const command *cmd, const cli_spec *spec, void *st, int argc, char **argv, int *rest);
/* Handles a common option or reports an unknown one. Returns 0 to go on, or an
 * exit code (help printed: EXIT_OK; bad option: EXIT_USAGE). */
int cli_common_option(cli *c, const command *cmd, int opt, const char *arg);
/* The command's --help text in `lang`. */
void cli_usage(FILE *out, const command *cmd, hh_lang lang);
/* hhreg --help: the commands and their summaries in `lang`. */
void cli_usage_all(FILE *out, hh_lang lang);
/* The exit statuses, the closing paragraph of both. */
void cli_exit_status(FILE *out, hh_lang lang);
/* Prints "hhreg CMD: message" on stderr and returns EXIT_USAGE. */
int cli_fail(const command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses a whole number in [min, max]; false if it is not one. */
bool cli_number(const char *s, long min, long max, long *out);

/* The line of `hhreg --version`: the program, form namespace, store schema and plugin ABI. */
void cli_print_version(FILE *out, hh_lang lang);
hh_store *cli_open_store(const cli *c, const command *cmd, bool create);
/* The store opened for a command that changes it (or records what it did in its audit
 * log): one that cannot be written here is refused at once, before a form is read or
 * a question asked (the caller exits 2, as for a store that cannot be opened). */
hh_store *cli_open_store_to_change(const cli *c, const command *cmd);
hh_schemaset *cli_load_schemas(const cli *c, const command *cmd);
/* The one household that reference `ref` names in `s` (hh_store_find): 0 with its
 * id (malloc'd) in *id; else, having said why without quoting `ref`, EXIT_PROBLEMS
 * when none matches, EXIT_USAGE when several do (listed by id and address) or the
 * store fails. What show and history take as ID (cmd_find.c). */
int cli_household_ref(const cli *c, const command *cmd, hh_store *s, const char *ref, char **id);
/* As cli_household_ref, for the commands that change a household (edit, visit,
 * review, delete, undelete, resolve): only a reference that names it by its id, its
 * last digits or its building-unit-room, never a phone or a name, so that a
 * reference that names no household, or no longer the one meant (deleted since),
 * cannot fall through to another one whose phone holds its digits. */
int cli_household_named(const cli *c, const command *cmd, hh_store *s, const char *ref, char **id);
/* Says on standard error that no current household's id begins with `area` (a
 * mistyped --area), when that is so and `area` is not NULL: called by a listing
 * that listed nothing, so that it is not taken for "nothing there". */
void cli_warn_unknown_area(const cli *c, const command *cmd, hh_store *s, const char *area);

#endif
