/* hhreg/calendar.h — ISO calendar dates as day numbers, and ages in completed years,
 * for hhreg itself and for export plugins (installed with plugin.h; header only, so
 * a plugin links nothing and the host and every plugin count ages the same way).
 *
 * Only the forms YYYY-MM-DD and YYYY-MM are accepted. Day numbers count from
 * 1970-01-01 (proleptic Gregorian, the days-from-civil algorithm), so they compare
 * and subtract like integers; no time zone or libc locale is involved. */
#ifndef HHREG_CALENDAR_H
#define HHREG_CALENDAR_H

#include <stdbool.h>
#include <string.h>

typedef struct hhreg_date {
    int year, month, day;
} hhreg_date;

/* Whether year-month-day is a day of the calendar (years 1 to 9999). */
static inline bool hhreg_date_valid(int year, int month, int day)
{
    static const int days_in[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days_in[month - 1] + (month == 2 && leap);
}

/* Parses "YYYY-MM-DD" (or "YYYY-MM" when allow_month, as its first day) into *out.
 * Returns false, leaving *out alone, for anything else, including 2023-02-29. */
static inline bool hhreg_date_parse(const char *s, bool allow_month, hhreg_date *out)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n != 10 && !(allow_month && n == 7))
        return false;
    int v[3] = { 0, 0, 1 };
    static const int at[3] = { 0, 5, 8 }, width[3] = { 4, 2, 2 };
    for (int part = 0; part < (n == 10 ? 3 : 2); part++) {
        if (part > 0 && s[at[part] - 1] != '-')
            return false;
        v[part] = 0;
        for (int i = at[part]; i < at[part] + width[part]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v[part] = v[part] * 10 + (s[i] - '0');
        }
    }
    if (!hhreg_date_valid(v[0], v[1], v[2]))
        return false;
    out->year = v[0], out->month = v[1], out->day = v[2];
    return true;
}

/* Days since 1970-01-01 (negative before). */
static inline long hhreg_date_days(hhreg_date d)
{
    long y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Completed years from `from` to `to` (negative when `to` is earlier): an age. */
static inline int hhreg_date_years(hhreg_date from, hhreg_date to)
{
    int years = to.year - from.year;
    if (to.month < from.month || (to.month == from.month && to.day < from.day))
        years--;
    return years;
}

#endif
