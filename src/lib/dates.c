/* dates.c — calendar arithmetic for ages and date rules (see dates.h). Uses the
 * days-from-civil algorithm so no time zone or libc locale is involved. */
#include "dates.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool hh_date_valid(int year, int month, int day)
{
    static const int days_in[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    int max = days_in[month - 1] + (month == 2 && is_leap(year));
    return day <= max;
}

static bool digits(const char *s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

bool hh_date_parse(const char *s, bool allow_month, hh_date *out)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    hh_date d = { 0, 0, 1 };
    if (n != 10 && !(allow_month && n == 7))
        return false;
    if (!digits(s, 4, &d.year) || s[4] != '-' || !digits(s + 5, 2, &d.month))
        return false;
    if (n == 10 && (s[7] != '-' || !digits(s + 8, 2, &d.day)))
        return false;
    if (!hh_date_valid(d.year, d.month, d.day))
        return false;
    *out = d;
    return true;
}

long hh_date_days(hh_date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int hh_date_years(hh_date from, hh_date to)
{
    int years = to.year - from.year;
    if (to.month < from.month || (to.month == from.month && to.day < from.day))
        years--;
    return years;
}

hh_date hh_date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    hh_date d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    return d;
}

void hh_date_format(hh_date d, char out[11])
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
