/* SPDX-License-Identifier: MIT */
/* parse.c: the shared text parsers of mote/parse.h (hex digits, MAC addresses). Their input
 * comes from outside the image, so they never read past the string's end. */
#include <errno.h>
#include <string.h>

#include <mote/parse.h>

int parse_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -EINVAL;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (unsigned i = 0; i < 6; i++) {
		/* Each test stops at a NUL, so a short string ends the loop before its end. */
		int hi = parse_hex_digit(s[0]), lo = hi < 0 ? -EINVAL : parse_hex_digit(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	memcpy(mac, m, 6);
	return 0;
}
