/* messages.c — the functions of the built-in messages (messages.def, messages.h).
 * Each adds an error (HH_MSG) or a warning (HH_WARN) with its row's English and
 * Chinese formatted with its typed arguments; as the formats are literals here,
 * the compiler checks them against the types. */
#include "messages.h"

#define HH_MSG(name, id, rule, params, args, en, zh)                                                 \
    void hh_msg_##name(hh_diags *d, const char *file, long line, const char *path HH_MSG_LIST params) \
    {                                                                                                \
        hh_diags_take(d, file, line, HH_ERROR, rule, path, hh_xasprintf(en HH_MSG_LIST args),       \
                      hh_xasprintf(zh HH_MSG_LIST args));                                            \
    }
#define HH_WARN(name, id, rule, params, args, en, zh)                                                \
    void hh_msg_##name(hh_diags *d, const char *file, long line, const char *path HH_MSG_LIST params) \
    {                                                                                                \
        hh_diags_take(d, file, line, HH_WARNING, rule, path, hh_xasprintf(en HH_MSG_LIST args),     \
                      hh_xasprintf(zh HH_MSG_LIST args));                                            \
    }
#include "messages.def"
#undef HH_WARN
#undef HH_MSG
