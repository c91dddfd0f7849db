/* SPDX-License-Identifier: MIT */
/* mote/parse.h: small text parsers shared by the layers that read text from outside the image
 * (boot options in net/, xenstore values in the Xen frontends), which may not include each
 * other's headers. Strict: anything but the one expected form is -EINVAL. */
#ifndef MOTE_PARSE_H
#define MOTE_PARSE_H

#include <stdint.h>

/* The value of one hexadecimal digit (0-9, a-f, A-F), or -EINVAL for any other character. */
int parse_hex_digit(char c);

/* A MAC address written "aa:bb:cc:dd:ee:ff": six groups of exactly two hex digits (either
 * case), colons between them and nothing after. 0 with mac[] set, or -EINVAL with mac[]
 * untouched. Says nothing of the address itself (multicast, all zero): the caller decides. */
int parse_mac(const char *s, uint8_t mac[6]);

/* A size in bytes written as decimal digits with an optional binary suffix K, M or G (either
 * case: KiB, MiB, GiB) and nothing after: "1048576", "512K", "8M". 0 with *out set, or
 * -EINVAL (no digits, another suffix, anything after it) or -ERANGE (above 2^63) with *out
 * untouched. */
int parse_size(const char *s, uint64_t *out);

/* The first c (not NUL) in s, or NULL: strchr's answer for the boot-time parsers in a few bytes
 * of code, so that an image links newlib's word-at-a-time strchr (0.35 KB) only when it calls
 * strchr itself. */
static inline char *parse_find_char(const char *s, char c)
{
	while (*s && *s != c)
		s++;
	return *s ? (char *)s : NULL;
}

#endif
