/* dates.h — today's date and timestamps; the calendar itself (hhreg_date, parsing,
 * day numbers, ages) is include/hhreg/calendar.h, shared with the plugins. */
#ifndef HH_DATES_H
#define HH_DATES_H

#include "hhreg/calendar.h"

hhreg_date hh_date_today(void); /* UTC */
void hh_date_format(hhreg_date d, char out[11]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void hh_timestamp_now(char out[21]);

#endif
