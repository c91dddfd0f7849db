/* SPDX-License-Identifier: MIT */
/* libc_fmt_float.h: the floating-point conversions libc gives core's formatter. */
#ifndef LIBC_FMT_FLOAT_H
#define LIBC_FMT_FLOAT_H

#include <mote/fmt.h>

/* fmt_out.float_conv for %e %E %f %F %g %G %a %A: exact, rounded half to even. */
void libc_fmt_float(struct fmt_out *out, const struct fmt_spec *sp, char conv, double v);

#endif
