/* SPDX-License-Identifier: MIT */
/* tally.h: the library half of the CMake test project: a counter threads add to under a lock. */
#ifndef TALLY_H
#define TALLY_H

void tally_add(long n);
long tally_total(void);

#endif
