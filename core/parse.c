/* SPDX-License-Identifier: MIT */
/* parse.c: the shared text parsers of mote/parse.h (hex digits, MAC addresses, sizes). Their input
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

int parse_size(const char *s, uint64_t *out)
{
	const uint64_t limit = (uint64_t)1 << 63;
	uint64_t v = 0;
	unsigned shift = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (limit - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -EINVAL;
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && p[1] != '\0')
		return -EINVAL;
	if (v > (limit >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}
