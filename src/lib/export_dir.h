/* export_dir.h — the output of a plugin that writes a directory of files
 * (HHREG_PLUGIN_DIRECTORY, ABI 1.2): a private staging directory beside the
 * target, files opened in it (one after the other with open_file, several open at
 * once with use_file, ABI 1.3), and its removal when the export fails. export_process.c renames the finished staging directory into place. */
#ifndef HH_EXPORT_DIR_H
#define HH_EXPORT_DIR_H

#include <stdio.h>

#include "util.h"

/* The staging directory of an export to `target` run by process `pid`:
 * "TARGET.hhreg-PID" (malloc'd). Both processes can name it. */
char *hh_export_staging_name(const char *target, long pid);

/* The temporary file of an export to `target` run by process `pid` where the
 * filesystem has no unnamed files: "TARGET.hhreg-PID.UNIQUE" (malloc'd). */
char *hh_export_tmp_name(const char *target, long pid, const char *unique);

/* Creates the staging directory (0700) for `target`, which must not exist yet;
 * returns a descriptor of it, or -1 with `err`. */
int hh_export_dir_create(const char *target, const char *staging, hh_buf *err);

/* Finishes the file being written (flush and fsync, then close); 0 or -1 with errno. */
int hh_export_dir_close_file(FILE *f);

/* Opens NAME — a plain file name, no directory — for writing in the directory;
 * NULL with `err` when the name is not allowed, already written, or cannot be created. */
FILE *hh_export_dir_open_file(int dir_fd, const char *name, hh_buf *err);

/* Removes the staging directory and the files in it (nothing else is in it). */
void hh_export_dir_remove(const char *staging);

/* Removes what exports killed with SIGKILL left: staging directories TARGET.hhreg-PID
 * of this user, mode 0700, and, in the target's directory, temporary files
 * ANY.hhreg-PID.XXXXXX of this user, mode 0600, whose process no longer runs. */
void hh_export_dir_sweep(const char *target);

#endif
