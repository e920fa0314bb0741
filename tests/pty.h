/* pty.h — drives the real hhreg binary through a pseudo-terminal, as an
 * enumerator at a keyboard would: start it, wait for a prompt, type a line, kill
 * it half-way. A small expect for the guided-entry tests. */
#ifndef HH_TEST_PTY_H
#define HH_TEST_PTY_H

#include <sys/types.h>

#include "util.h"

typedef struct tu_pty {
    pid_t pid;
    int fd;
    hh_buf seen;       /* everything the program wrote (and the terminal echoed) */
    size_t mark;       /* where the next expect starts looking */
} tu_pty;

/* Starts hhreg with the NULL-terminated arguments on a new terminal (under
 * valgrind with HHREG_VALGRIND, like tu_hhreg). */
void tu_pty_start(tu_pty *t, const char *const *args);
/* Waits (up to `seconds`) until `text` appears after the mark, then moves the mark
 * past it; fails the test with what was seen when it does not. */
void tu_pty_expect(tu_pty *t, const char *text, int seconds);
/* Types `line` and Enter. */
void tu_pty_send(tu_pty *t, const char *line);
/* tu_pty_expect(prompt) then tu_pty_send(line). */
void tu_pty_answer(tu_pty *t, const char *prompt, const char *line);
/* Waits for the program to end; its exit status, or 128 + the signal. */
int tu_pty_wait(tu_pty *t);
void tu_pty_kill(tu_pty *t, int sig);
void tu_pty_free(tu_pty *t);

#endif
