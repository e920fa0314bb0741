/* dates.h — ISO calendar dates as day numbers, and ages in completed years.
 * Day numbers count from 1970-01-01 (proleptic Gregorian), so they compare and
 * subtract like integers. Only the forms YYYY-MM-DD and YYYY-MM are accepted. */
#ifndef HH_DATES_H
#define HH_DATES_H

#include <stdbool.h>

typedef struct hh_date {
    int year, month, day;
} hh_date;

/* Parses "YYYY-MM-DD" (or "YYYY-MM" when allow_month, as its first day).
 * Returns false for anything else, including 2023-02-29. */
bool hh_date_parse(const char *s, bool allow_month, hh_date *out);
bool hh_date_valid(int year, int month, int day);
long hh_date_days(hh_date d);               /* days since 1970-01-01 */
/* Completed years from `from` to `to` (negative when `to` is earlier). */
int hh_date_years(hh_date from, hh_date to);
hh_date hh_date_today(void);                /* UTC */
void hh_date_format(hh_date d, char out[11]);

#endif

#ifndef HH_DATES_TIMESTAMP
#define HH_DATES_TIMESTAMP
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void hh_timestamp_now(char out[21]);
#endif
