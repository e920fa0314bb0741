/* gb11643.c — checking resident ID numbers (see gb11643.h). */
#include "gb11643.h"

#include <string.h>

char hh_gb11643_check_char(const char *first17)
{
    static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    static const char map[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (first17[i] < '0' || first17[i] > '9')
            return '\0';
        sum += (first17[i] - '0') * weights[i];
    }
    return map[sum % 11];
}

bool hh_gb11643_valid(const char *id)
{
    if (!id || strlen(id) != 18)
        return false;
    char c = hh_gb11643_check_char(id);
    return c != '\0' && c == id[17];
}

bool hh_gb11643_birth(const char *id, hhreg_date *out)
{
    if (!id || strlen(id) < 14)
        return false;
    int v[3] = { 0, 0, 0 };
    const int width[3] = { 4, 2, 2 };
    const char *p = id + 6;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < width[k]; i++, p++) {
            if (*p < '0' || *p > '9')
                return false;
            v[k] = v[k] * 10 + (*p - '0');
        }
    }
    if (!hhreg_date_valid(v[0], v[1], v[2]))
        return false;
    out->year = v[0];
    out->month = v[1];
    out->day = v[2];
    return true;
}

char hh_gb11643_sex(const char *id)
{
    if (!id || strlen(id) < 17 || id[16] < '0' || id[16] > '9')
        return '\0';
    return ((id[16] - '0') % 2) ? 'm' : 'f';
}
