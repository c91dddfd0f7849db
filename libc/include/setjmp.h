/* SPDX-License-Identifier: MIT */
/* setjmp.h: newlib's, plus POSIX's _setjmp/_longjmp, which differ from setjmp/longjmp only in
 * not saving the signal mask; newlib's setjmp never saves it, so they are the same here. */
#ifndef MOTE_SETJMP_H
#define MOTE_SETJMP_H

#include_next <setjmp.h>

#define _setjmp(env)       setjmp(env)
#define _longjmp(env, val) longjmp(env, val)

#endif
