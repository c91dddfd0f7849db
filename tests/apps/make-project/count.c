/* SPDX-License-Identifier: MIT */
/* count.c: words are runs of letters, as isalpha() sees them. */
#include <ctype.h>

#include "count.h"

size_t count_words(const char *text)
{
	size_t n = 0;
	int in_word = 0;

	for (; *text; text++) {
		int letter = isalpha((unsigned char)*text) != 0;

		n += letter && !in_word;
		in_word = letter;
	}
	return n;
}
