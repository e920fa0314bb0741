/* messages.h — one typed function per built-in message (messages.def): each adds an
 * error (a warning, for the HH_WARN rows), in English and Chinese, to a diagnostics list:
 *   void hh_msg_NAME(hh_diags *d, const char *file, long line, const char *path, ...typed parameters);
 * `path` is the item (such as "household/@id"), "" for the whole file. */
#ifndef HH_MESSAGES_H
#define HH_MESSAGES_H

#include "diag.h"

/* A parameter or argument list of messages.def without its parentheses. */
#define HH_MSG_LIST(...) __VA_ARGS__

#define HH_MSG(name, id, rule, params, args, en, zh) \
    void hh_msg_##name(hh_diags *d, const char *file, long line, const char *path HH_MSG_LIST params);
#include "messages.def"
#undef HH_MSG

#endif
