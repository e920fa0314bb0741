/* entry_line.h — how guided entry reads the worker's answers: on a terminal
 * through libedit (arrow keys, Home and End, Ctrl-W, the answers of this session
 * as history — kept in memory only, as they are personal data), else plain lines
 * from standard input (a file, a pipe). Either way the wait is a poll that looks at
 * the caller's stop flag, so a signal is never lost in a blocking read. */
#ifndef HH_ENTRY_LINE_H
#define HH_ENTRY_LINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct entry_line entry_line;

/* Reads from `in`, echoing to `out`; `stop` is the flag a signal handler sets. */
entry_line *entry_line_open(FILE *in, FILE *out, volatile sig_atomic_t *stop);
void entry_line_close(entry_line *l);

/* Shows `prompt` and reads one line of at most `max` bytes into `line` (max + 1
 * bytes), full-width digits, Latin letters, - + / . and the ideographic space read
 * as ASCII: its length; -1 at the end of input or when *stop is set; -2 when it was
 * longer (the line is dropped: on a terminal at once, else up to 64 KiB of it at a
 * time, the rest counting as the next, again too long, line). */
long entry_line_read(entry_line *l, const char *prompt, char *line, size_t max);

/* Offers `answer` again with the up arrow, for the rest of the session. */
void entry_line_remember(entry_line *l, const char *answer);

#endif
