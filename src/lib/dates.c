/* dates.c — today's date (local) and the current timestamp (UTC) (see dates.h); the
 * calendar arithmetic is header-only in include/hhreg/calendar.h. */
#include "dates.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

hhreg_date hh_date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    hhreg_date d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    return d;
}

void hh_date_format(hhreg_date d, char out[11])
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u, (unsigned)d.day % 100u);
}

void hh_timestamp_now(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool hh_day_past_month_end(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    static const char shape[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (!s[i] || (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != '-'))
            return false;
    for (const char *t = s + sizeof shape - 1; *t; t++)
        if (*t != ' ' && *t != '\t' && *t != '\r' && *t != '\n')
            return false;
    int year = atoi(s), month = atoi(s + 5), day = atoi(s + 8);
    return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
