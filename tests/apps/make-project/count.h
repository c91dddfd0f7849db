/* SPDX-License-Identifier: MIT */
/* count.h: the library half of the Makefile test project: count the words of a text. */
#ifndef COUNT_H
#define COUNT_H

#include <stddef.h>

size_t count_words(const char *text);

#endif
