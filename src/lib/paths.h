/* paths.h — turning the paths a user names into inputs: "-" is standard input, a
 * directory means every *.xml file below it (hidden entries skipped, names in byte
 * order, links not followed), anything else is opened as a file. A directory is
 * read in sorted runs of at most HH_DIR_RUN names, so memory does not grow with
 * the number of files in it. Nothing is skipped in silence: a symbolic link named
 * like a form or pointing at a directory, a *.xml entry that is not a regular file
 * and a path that cannot be examined (longer than PATH_MAX, for one) go to the
 * visitor's `problem` with the reason. A FIFO waits at most
 * hh_fifo_wait_seconds() for a writer. */
#ifndef HH_PATHS_H
#define HH_PATHS_H

typedef struct hh_path_visitor {
    /* Called with an open descriptor for each input; return non-zero to stop. */
    int (*input)(int fd, const char *name, void *arg);
    /* Called when a path cannot be opened or read. */
    void (*problem)(const char *path, const char *why, void *arg);
    void *arg;
} hh_path_visitor;

#include <stddef.h>

#define HH_DIR_RUN 65536
#define HH_FIFO_WAIT_SECONDS 30

/* How long a FIFO waits for its writer: HHREG_FIFO_WAIT seconds if set, else
 * HH_FIFO_WAIT_SECONDS. */
long hh_fifo_wait_seconds(void);

/* Returns non-zero if the visitor asked to stop. */
int hh_visit_path(const char *path, const hh_path_visitor *v);
/* The same with runs of `batch` names (for tests). */
int hh_visit_path_batched(const char *path, const hh_path_visitor *v, size_t batch);
/* The bytes of the inputs `path` stands for (0 for "-", which is unknown). */
unsigned long long hh_path_size(const char *path);

#endif
