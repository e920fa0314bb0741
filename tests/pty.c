/* pty.c — see pty.h. */
#define _GNU_SOURCE
#include "pty.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

void tu_pty_start(tu_pty *t, const char *const *args)
{
    memset(t, 0, sizeof *t);
    hh_buf_init(&t->seen);
    const char *argv[64];
    int argc = tu_valgrind_prefix(argv);
    argv[argc++] = tu_bin();
    for (size_t i = 0; args[i] && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    struct winsize size = { 50, 120, 0, 0 };
    t->pid = forkpty(&t->fd, NULL, NULL, &size);
    ck_assert_msg(t->pid >= 0, "forkpty: %s", strerror(errno));
    if (t->pid == 0) {
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads what is there within `ms`; 0 at the end of output. */
static int read_some(tu_pty *t, int ms)
{
    struct pollfd p = { t->fd, POLLIN, 0 };
    if (poll(&p, 1, ms) <= 0)
        return 1;
    char chunk[4096];
    ssize_t n = read(t->fd, chunk, sizeof chunk);
    if (n <= 0)
        return 0; /* EIO: the program ended */
    hh_buf_append(&t->seen, chunk, (size_t)n);
    return 1;
}

void tu_pty_expect(tu_pty *t, const char *text, int seconds)
{
    double until = now() + (getenv("HHREG_VALGRIND") ? 10 * seconds : seconds);
    for (;;) {
        hh_buf_putc(&t->seen, '\0');
        t->seen.len--;
        const char *found = strstr(t->seen.data + t->mark, text);
        if (found) {
            t->mark = (size_t)(found - t->seen.data) + strlen(text);
            return;
        }
        if (now() > until || !read_some(t, 100)) {
            const char *tail = t->seen.data + (t->seen.len > 2000 ? t->seen.len - 2000 : 0);
            ck_abort_msg("waited for \"%s\"; the terminal shows:\n%s", text, tail);
        }
    }
}

void tu_pty_send(tu_pty *t, const char *line)
{
    size_t len = strlen(line);
    ck_assert(write(t->fd, line, len) == (ssize_t)len);
    ck_assert(write(t->fd, "\r", 1) == 1);
}

void tu_pty_answer(tu_pty *t, const char *prompt, const char *line)
{
    tu_pty_expect(t, prompt, 20);
    tu_pty_send(t, line);
}

int tu_pty_wait(tu_pty *t)
{
    int status = 0;
    double until = now() + (getenv("HHREG_VALGRIND") ? 300 : 30);
    while (waitpid(t->pid, &status, WNOHANG) == 0) {
        read_some(t, 100); /* keep the terminal drained so the program can finish */
        ck_assert_msg(now() < until, "hhreg did not end");
    }
    t->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tu_pty_kill(tu_pty *t, int sig)
{
    kill(t->pid, sig);
}

void tu_pty_free(tu_pty *t)
{
    if (t->pid > 0) {
        kill(t->pid, SIGKILL);
        waitpid(t->pid, NULL, 0);
    }
    close(t->fd);
    hh_buf_free(&t->seen);
}
