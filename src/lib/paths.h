/* paths.h — turning the paths a user names into inputs: "-" is standard input, a
 * directory means every *.xml file below it (hidden entries skipped, names in byte
 * order, links not followed), anything else is opened as a file. */
#ifndef HH_PATHS_H
#define HH_PATHS_H

typedef struct hh_path_visitor {
    /* Called with an open descriptor for each input; return non-zero to stop. */
    int (*input)(int fd, const char *name, void *arg);
    /* Called when a path cannot be opened or read. */
    void (*problem)(const char *path, const char *why, void *arg);
    void *arg;
} hh_path_visitor;

/* Returns non-zero if the visitor asked to stop. */
int hh_visit_path(const char *path, const hh_path_visitor *v);
/* The bytes of the inputs `path` stands for (0 for "-", which is unknown). */
unsigned long long hh_path_size(const char *path);

#endif
