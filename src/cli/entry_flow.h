/* entry_flow.h — the conversation of guided entry, shared by hhreg enter, edit and
 * visit: questions asked one at a time on the terminal with the answer checked at
 * once, the draft saved after every answer, the consistency rules after each
 * person, a review screen, and saving. What is not conversation — parsing answers,
 * checking the form, matching diagnostics to questions, saving — is the library's
 * (entry_session.h), shared with other front ends. */
#ifndef HH_ENTRY_FLOW_H
#define HH_ENTRY_FLOW_H

#include "cli.h"
#include "entry.h"
#include "entry_session.h"

typedef struct entry_conversation {
    cli *c;
    const command *cmd;
    hh_schemaset *set;
    hh_form_worker *worker;      /* the validator and compressor every check and the saved form use */
    const hh_code_labels *labels; /* the schemas' (set) */
    hh_answers *a;
    char *draft_dir, *draft_path; /* draft_path: NULL until a draft is chosen or claimed */
    FILE *in, *out;
    struct entry_line *line;     /* how answers are read (entry_line.h) */
    int unaccepted;   /* answers read since one was last kept (the draft saved) */
    bool stopped;     /* stopped for too many of them, input not a terminal */
    struct entry_asked { const hh_question *q; hh_q_scope scope; int index; } *history; /* answers kept, in order: back */
    size_t n_history, cap_history;
    int new_person;   /* the person being added, who may be removed at once; 0: none */
    char **shown;     /* the review's lines as last listed: the next listing shows what differs */
    size_t n_shown;
} entry_conversation;

/* Loads the schemas and finds the draft directory (--draft-dir, $HHREG_DRAFT_DIR,
 * else STORE.drafts beside the store), creating it 0700; an exit code on failure.
 * `saving`: what is entered will be saved, so a store that cannot be written here is
 * refused now (not for listing or dropping drafts). */
int entry_open(entry_conversation *s, cli *c, const command *cmd, const char *draft_dir, bool saving);
void entry_close(entry_conversation *s);

/* The session's draft (draft_path): an edit or visit of a stored household uses the
 * one named after its id; a new household has none until entry_save_draft claims a
 * "new-N" (entry_drafts.c). */
void entry_draft_for_household(entry_conversation *s, const char *id);
int entry_draft_claim(entry_conversation *s);
/* Makes the household's draft file (empty) unless it exists: false when another
 * session's draft is there. */
bool entry_draft_reserve(entry_conversation *s);
/* The session's draft's name ("new-2", an id), "" when it has none yet. */
const char *entry_draft_name(const entry_conversation *s, char *name, size_t size);
/* Makes draft `ref` (its name or the household id in it; NULL: the only one
 * waiting) the session's; an exit code, listing the candidates, when it names none
 * or several. */
int entry_draft_choose(entry_conversation *s, const char *ref);
/* Lists the drafts waiting (name, enter/edit/visit, household id, saved at). */
int entry_drafts_list(entry_conversation *s);
size_t entry_drafts_waiting(entry_conversation *s);

/* Whether the session's draft is waiting; `what` gets its name and kind (malloc'd). */
bool entry_draft_exists(entry_conversation *s, char **what);
/* Loads the session's draft; an exit code on failure. */
int entry_load_draft(entry_conversation *s);
void entry_discard_draft(entry_conversation *s);
/* Saves the answers as the draft; 0, or an exit code after saying why. */
int entry_save_draft(entry_conversation *s);

/* Runs the conversation from wherever the answers stand: the questions not yet
 * answered, then the review; returns when the form was stored (EXIT_OK), the
 * enumerator quit or the terminal went away (the draft is kept; EXIT_PROBLEMS),
 * input that is not a terminal gave 20 answers in a row that were not accepted
 * (the draft is kept; EXIT_USAGE), or on an error (an exit code). */
int entry_run(entry_conversation *s);

#endif
