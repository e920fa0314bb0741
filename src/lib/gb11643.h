/* gb11643.h — the resident identity card number of GB 11643-1999: 6-digit address
 * code, birth date YYYYMMDD, 3-digit sequence (odd for men, even for women) and an
 * ISO 7064 MOD 11-2 check character (0-9 or X). */
#ifndef HH_GB11643_H
#define HH_GB11643_H

#include <stdbool.h>
#include "dates.h"

/* The check character for the first 17 digits, or '\0' if they are not digits. */
char hh_gb11643_check_char(const char *first17);
/* True when `id` is 17 digits followed by the right check character. */
bool hh_gb11643_valid(const char *id);
/* The embedded birth date; false when the number is too short or the date invalid. */
bool hh_gb11643_birth(const char *id, hhreg_date *out);
/* 'm' or 'f' from the 17th digit, or '\0' if it is not a digit. */
char hh_gb11643_sex(const char *id);

#endif
