/* SPDX-License-Identifier: MIT */
/* Host stand-in for hal/time.h under tests/fat: the wall clock the FAT code stamps files with. */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

uint64_t hal_clock_wall_ns(void);

#endif
