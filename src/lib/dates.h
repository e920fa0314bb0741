/* dates.h — today's date and timestamps; the calendar itself (hhreg_date, parsing,
 * day numbers, ages) is include/hhreg/calendar.h, shared with the plugins. */
#ifndef HH_DATES_H
#define HH_DATES_H

#include "hhreg/calendar.h"

/* Today where hhreg runs (the local time zone, TZ): a grid worker in Chengdu at
 * 07:00 is on the day the calendar on the wall shows, eight hours ahead of UTC. */
hhreg_date hh_date_today(void);
void hh_date_format(hhreg_date d, char out[11]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void hh_timestamp_now(char out[21]);
/* Whether `s` is written as a date YYYY-MM-DD whose year is 0001 or later, month 01
 * to 12 and day 01 to 31 (blanks around it allowed, as XML Schema collapses them):
 * a date refused that is so written is a day its month lacks (1950-02-30, 1950-04-31),
 * not a date mistyped. */
bool hh_day_past_month_end(const char *s);

#endif
