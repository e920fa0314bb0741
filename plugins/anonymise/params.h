/* params.h — the anonymise plugin's options: the two presets (public, licensed)
 * and every option that overrides a part of them. */
#ifndef ANONYMISE_PARAMS_H
#define ANONYMISE_PARAMS_H

#include "method.h"

extern const hhreg_option_spec anonymise_options[];

/* Reads and checks the options; 0, or -1 with the problem reported. */
int params_read(params *p, hhreg_ctx *ctx, const hhreg_host_api *api);

/* The suppression order as names, "area,nationality,..." (malloc'd). */
char *params_order_text(const params *p);

#endif
