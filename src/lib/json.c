/* json.c — see json.h. */
#include "json.h"

void hh_json_init(hh_json *j, hh_buf *out)
{
    j->out = out;
    j->depth = 0;
    j->first[0] = true;
    j->in_array[0] = true; /* the top level takes values without keys */
}

/* The separator and key before a value. */
static void key(hh_json *j, const char *k)
{
    if (!j->first[j->depth])
        hh_buf_putc(j->out, ',');
    j->first[j->depth] = false;
    if (!j->in_array[j->depth] && k) {
        hh_buf_json_string(j->out, k);
        hh_buf_putc(j->out, ':');
    }
}

static void open_container(hh_json *j, const char *k, char bracket, bool array)
{
    key(j, k);
    hh_buf_putc(j->out, bracket);
    if (j->depth + 1 < HH_JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
    j->in_array[j->depth] = array;
}

void hh_json_object(hh_json *j, const char *k)
{
    open_container(j, k, '{', false);
}

void hh_json_array(hh_json *j, const char *k)
{
    open_container(j, k, '[', true);
}

void hh_json_end(hh_json *j)
{
    hh_buf_putc(j->out, j->in_array[j->depth] ? ']' : '}');
    if (j->depth > 0)
        j->depth--;
}

void hh_json_str(hh_json *j, const char *k, const char *value)
{
    key(j, k);
    hh_buf_json_string(j->out, value);
}

void hh_json_int(hh_json *j, const char *k, long value)
{
    key(j, k);
    hh_buf_printf(j->out, "%ld", value);
}

void hh_json_int_or_null(hh_json *j, const char *k, long value, long absent)
{
    if (value == absent)
        hh_json_raw(j, k, "null");
    else
        hh_json_int(j, k, value);
}

void hh_json_bool(hh_json *j, const char *k, bool value)
{
    hh_json_raw(j, k, value ? "true" : "false");
}

void hh_json_raw(hh_json *j, const char *k, const char *raw)
{
    key(j, k);
    hh_buf_puts(j->out, raw);
}
