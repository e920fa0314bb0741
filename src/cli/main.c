/* main.c — the hhreg command: process-wide set-up (umask 077 so every file hhreg
 * creates is private, libxml2's safety policy), the command table, --help and
 * --version, and dispatch to one src/cli/cmd_*.c file per command. */
#include <malloc.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "xml_policy.h"

const command hh_commands[] = {
    { "init", cmd_init, "", "Create the store (or check that an existing one is usable).", "" },
    { "validate", cmd_validate, "[--json] FILE|DIR|-...",
      "Check forms against the schemas and the consistency rules; report every problem.",
      "  --json             print the problems as JSON\n" },
    { "import", cmd_import, "[--strict] [--quiet] [-j N] [--allow-older] FILE|DIR|-...",
      "Validate and store forms; invalid ones are reported and skipped.",
      "  --strict           store nothing unless every form is valid\n"
      "  --allow-older      store a form equal to an earlier revision of its household (an old delivery)\n"
      "                     as a new revision; without it such a form is counted 'older' and not stored\n"
      "  -j, --jobs N       validate on N threads (default: the number of cores)\n"
      "  --batch-size N     forms per transaction (default 5000)\n"
      "  -q, --quiet        print only the summary and errors\n" },
    { "list", cmd_list, "[--area CODE] [--all] [--json]", "List the current households.",
      "  --area CODE        only households whose id or area code starts with CODE\n"
      "  --all              include deleted households\n"
      "  --json             one JSON array\n" },
    { "show", cmd_show, "[--xml|--json] [--revision N] ID",
      "Show one household with its persons, visits, derived values and kept warnings.",
      "  --xml              the stored form as received\n"
      "  --json             the household as JSON, with derived values\n"
      "  --revision N       an earlier revision (default: the current one)\n" },
    { "history", cmd_history, "[--json] ID", "List the revisions of a household.",
      "  --json             one JSON array\n" },
    { "due", cmd_due, "[--days N] [--group G]... [--area CODE] [--json]",
      "What is owed to the households today: visits to special groups, revisits, the month's milestones.",
      "  --days N           a special-group household is due a visit after N days without one (default 30)\n"
      "  --group G          only visits owed to group G: alone, disability, low-income, elderly-80, foreign\n"
      "                     (repeatable; default all)\n"
      "  --area CODE        only households whose id or area code starts with CODE\n"
      "  --json             one JSON array\n" },
    { "find", cmd_find, "TEXT",
      "Find households by id, building-unit-room (543-1-101), the id's last digits, phone or name.", "" },
    { "enter", cmd_enter, "[--resume [DRAFT] | --discard [DRAFT] | --drafts] [--draft-dir DIR]",
      "Enter one household on the terminal, guided item by item, checked as you type.",
      "  --resume [DRAFT]   continue a draft left by enter, edit or visit (Ctrl-C, a closed terminal, a\n"
      "                     crash); DRAFT is its name or household id, needed when several wait\n"
      "  --discard [DRAFT]  drop a draft\n"
      "  --drafts           list the drafts waiting: name, enter/edit/visit, household id, when saved\n"
      "  --draft-dir DIR    where drafts are kept (default $HHREG_DRAFT_DIR, else STORE.drafts)\n" },
    { "edit", cmd_edit, "[--draft-dir DIR] [--resume [--force]] ID",
      "Open a stored household in the guided entry and save a new revision.",
      "  --draft-dir DIR    where drafts are kept (default $HHREG_DRAFT_DIR, else STORE.drafts)\n"
      "  --resume           continue the waiting draft of an edit or visit of ID\n"
      "  --force            with --resume: save the draft even though another revision was stored since\n"
      "                     the edit began (that revision stays in the history)\n" },
    { "visit", cmd_visit, "[--draft-dir DIR] [--resume] ID",
      "Record a visit to a stored household (date, purpose, outcome, note) in its visit log; the form, its\n"
      "enumeration date and its review stay as they are.",
      "  --draft-dir DIR    where drafts are kept (default $HHREG_DRAFT_DIR, else STORE.drafts)\n"
      "  --resume           continue the waiting draft of a visit of ID\n" },
    { "review", cmd_review, "[--returned] [--area CODE] [--json] | --approve|--return [--comment TEXT] [--item PATH=TEXT]... [--revision N] ID",
      "List the forms waiting for review, or approve or return one to its enumerator.",
      "  --returned         list the forms returned, with the comments (default: those waiting)\n"
      "  --area CODE        only households whose id or area code starts with CODE\n"
      "  --json             one JSON array\n"
      "  --approve          approve the household's current form\n"
      "  --return           return it to the enumerator: needs --comment or --item\n"
      "  --comment TEXT     a comment on the whole form\n"
      "  --item PATH=TEXT   a comment on one item, its path as validate prints it (repeatable)\n"
      "  --revision N       decide only if N is still the current revision\n" },
    { "delete", cmd_delete, "--reason TEXT ID",
      "Mark a household deleted (a tombstone: its revisions are kept).",
      "  --reason TEXT      why (required)\n" },
    { "undelete", cmd_undelete, "--reason TEXT ID",
      "Make a deleted household current again (a new revision of its last form).",
      "  --reason TEXT      why (required)\n" },
    { "backup", cmd_backup, "FILE",
      "Write a checked copy of the store to FILE, a new file (safe while an import runs).", "" },
    { "serve", cmd_serve,
      "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--address-failures N] [--www DIR] [--exports-dir DIR]"
      " [--plugin-dir DIR] | --make-cert HOSTNAME",
      "Serve the store to the office's accounts over HTTP (docs/API.md); plain HTTP only on loopback.",
      "  --listen ADDR:PORT where to listen (default 127.0.0.1:8080; port 0: any free one, said on start)\n"
      "  --tls-cert FILE    the server's certificate (PEM); with --tls-key, needed for any address but loopback\n"
      "  --tls-key FILE     its private key (PEM)\n"
      "  --address-failures N  failed logins from one address within 15 minutes that refuse it for 15\n"
      "                     minutes, whatever the name (default 20; an office behind one NAT shares one)\n"
      "  --www DIR          the phone client's files, read at start (default " HH_WWW_DIR ")\n"
      "  --exports-dir DIR  where the export runs an admin starts are written (default STORE.exports)\n"
      "  --plugin-dir DIR   look here first for export plugins (then as hhreg export does)\n"
      "  --make-cert HOST   write a self-signed certificate for HOST (a trial of TLS) to the --tls-cert and\n"
      "                     --tls-key files (default hhreg-cert.pem, hhreg-key.pem), new, and stop\n" },
    { "user", cmd_user, "add NAME --role ROLE [--grid CODE]... | passwd NAME | disable NAME | list [--json]",
      "Manage the accounts of hhreg serve: their role, grids and password.",
      "  --role ROLE        add: enumerator, supervisor, statistician or admin\n"
      "  --grid CODE        add: a grid the account works in (510105016003-03), again for more;\n"
      "                     a supervisor may be given a whole community (510105016003)\n"
      "  --password-stdin   add, passwd: the password is the first line of standard input\n"
      "                     (else it is typed twice on the terminal, not shown)\n"
      "  --json             list: one JSON array\n" },
    { "check", cmd_check, "[--json]",
      "Check the store: SQLite integrity, every current form re-validated, counts.",
      "  --json             print the report as JSON\n" },
    { "sample", cmd_sample,
      "--households N [--seed S] (-o DIR | --batch FILE) [--date YYYY-MM-DD] [--force] [--real-area]",
      "Generate realistic sample forms (the 成飞512 grid first).",
      "  --households N     how many households\n"
      "  --seed S           random seed (default 1); the same seed gives the same forms\n"
      "  -o, --output DIR   one file per household, in a new or empty directory\n"
      "  --batch FILE       one batch file, new ('-' for standard output)\n"
      "  --date YYYY-MM-DD  last enumeration day (default 2026-10-28)\n"
      "  --force            replace existing files of the same names (never through a symbolic link)\n"
      "  --real-area        Qingyang's real area codes (510105…) instead of the impossible 000105…\n" },
    { "plugins", cmd_plugins, "[--plugin-dir DIR] [--allow-shadow] [--json]",
      "List the export plugins found, with their options and files; refused files with the reason.",
      "  --plugin-dir DIR   look here first (then $HHREG_PLUGIN_PATH, then the installed plugins)\n"
      "  --allow-shadow     a plugin may hide one of the same name further along the path\n"
      "  --json             one JSON array\n" },
    { "export", cmd_export, "[-o PATH] [--opt KEY=VALUE]... [--area CODE] [--plugin-dir DIR] [--allow-shadow] [--plugin-timeout S] [--plugin-memory MB] [--mode MODE] NAME",
      "Run export plugin NAME over the current households.",
      "  -o, --output PATH  write here (under a temporary name, renamed on success); default: standard output;\n"
      "                     a plugin that writes several files needs a new directory here\n"
      "  --opt KEY=VALUE    a plugin option (see 'hhreg plugins'); may be repeated\n"
      "  --area CODE        only households whose id or area code starts with CODE\n"
      "  --plugin-dir DIR   look here first for the plugin\n"
      "  --allow-shadow     use the first NAME.so even when another is further along the path\n"
      "  --plugin-timeout S stop the plugin after S seconds (default 3600; 0: no limit)\n"
      "  --plugin-memory MB limit the plugin's memory to MB MiB (default 4096; 0: no limit)\n"
      "  --mode MODE        the output's mode, e.g. 0640 (default 0600; a directory's files, the directory\n"
      "                     gets x where r is given); world-writable, execute and set-id bits are refused\n" },
    { "doctor", cmd_doctor, "[--plugin-dir DIR]",
      "Say what is installed: versions, where the store, schemas and plugins are looked for and found.",
      "  --plugin-dir DIR   look here first for plugins, as export does\n" },
    { NULL, NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
    fputs("Usage: hhreg COMMAND [OPTIONS] [ARGS]\n"
          "Household registration: validate, store and browse household forms.\n\nCommands:\n",
          out);
    for (const command *c = hh_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nRun 'hhreg COMMAND --help' for a command's options; see hhreg(1).\n"
          "Exit status: 0 success, 1 invalid or refused forms or a failed check, 2 usage or I/O error.\n",
          out);
}

static const char *default_actor(void)
{
    const char *env = getenv("HHREG_ENUMERATOR");
    if (env && *env)
        return env;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

int main(int argc, char **argv)
{
    umask(077);
    /* Keep freed memory in the process instead of handing it back to the kernel after
     * every form: with several threads that costs page faults and TLB shoot-downs
     * (measured on 20,000 forms with -j 2: 4.25 s -> 3.34 s, half the kernel time).
     * Peak memory is unchanged. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        const command *cmd = argc > 2 ? cli_find_command(argv[2]) : NULL;
        if (cmd)
            cli_usage(stdout, cmd);
        else
            usage(stdout);
        return EXIT_OK;
    }
    /* options given before the command name apply to it, like git's; --version
     * among them is answered at once */
    int first = 1;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--version") == 0) {
            cli_print_version(stdout);
            return EXIT_OK;
        }
        first += (strchr(argv[first], '=') || first + 1 >= argc) ? 1 : 2;
    }
    if (first >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const command *cmd = cli_find_command(argv[first]);
    if (!cmd) {
        fprintf(stderr, "hhreg: '%s' is not a command. See 'hhreg --help'.\n", argv[first]);
        return EXIT_USAGE;
    }
    /* hand the command its arguments with the leading options moved after its name */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
        return EXIT_USAGE;
    int n = 0;
    args[n++] = argv[first];
    for (int i = 1; i < first; i++)
        args[n++] = argv[i];
    for (int i = first + 1; i < argc; i++)
        args[n++] = argv[i];
    cli c = { hh_store_default_path(), getenv("HHREG_SCHEMA_DIR"), default_actor(), hh_lang_from_env(), NULL };
    c.enumerator = getenv("HHREG_ENUMERATOR") && *getenv("HHREG_ENUMERATOR") ? c.actor : NULL;
    if (c.schema_dir && !*c.schema_dir)
        c.schema_dir = NULL;
    hh_xml_policy_init();
    int rc = cmd->run(&c, n, args);
    hh_xml_policy_cleanup();
    free(args);
    return rc;
}
