/* SPDX-License-Identifier: MIT */
/* xen_xs_wire.c: checking and decoding xenstored's replies (xen_xs_wire.h). Every length and
 * terminator comes from the other domain, so each is checked before use. */
#include <errno.h>
#include <string.h>

#include "xen_xs_wire.h"

/* The error names of public/io/xs_wire.h's xsd_errors table, which it only defines when the
 * including program has errno.h's values in scope. */
static const struct {
	const char *name;
	int err;
} xs_errors[] = {
        {"EINVAL", EINVAL},       {"EACCES", EACCES},   {"EEXIST", EEXIST}, {"EISDIR", EISDIR},
        {"ENOENT", ENOENT},       {"ENOMEM", ENOMEM},   {"ENOSPC", ENOSPC}, {"EIO", EIO},
        {"ENOTEMPTY", ENOTEMPTY}, {"ENOSYS", ENOSYS},   {"EROFS", EROFS},   {"EBUSY", EBUSY},
        {"EAGAIN", EAGAIN},       {"EISCONN", EISCONN}, {"E2BIG", E2BIG},   {"EPERM", EPERM},
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int xen_xs_parse_header(const void *buf, struct xen_xs_header *h)
{
	const unsigned char *p = buf;

	h->type = le32(p);
	h->req_id = le32(p + 4);
	h->tx_id = le32(p + 8);
	h->len = le32(p + 12);
	return h->len > XEN_XS_PAYLOAD_MAX ? -EPROTO : 0;
}

int xen_xs_error_errno(const char *payload, size_t len)
{
	size_t n = 0;

	while (n < len && payload[n])
		n++;
	for (size_t i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
		if (strlen(xs_errors[i].name) == n && memcmp(xs_errors[i].name, payload, n) == 0)
			return -xs_errors[i].err;
	return -EIO;
}

int xen_xs_split(const char *payload, size_t len, const char **out, unsigned max)
{
	unsigned count = 0;
	size_t start = 0;

	if (len == 0)
		return 0;
	if (payload[len - 1] != '\0')
		return -EPROTO;
	for (size_t i = 0; i < len; i++) {
		if (payload[i] != '\0')
			continue;
		if (count == max)
			return -E2BIG;
		out[count++] = payload + start;
		start = i + 1;
	}
	return (int)count;
}

int xen_xs_parse_u32(const char *payload, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < len && payload[i]; i++) {
		if (payload[i] < '0' || payload[i] > '9')
			return -EPROTO;
		v = v * 10 + (uint64_t)(payload[i] - '0');
		if (v > UINT32_MAX)
			return -EPROTO;
	}
	if (i == 0 || i == len)
		return -EPROTO; /* empty, or no terminator */
	*out = (uint32_t)v;
	return 0;
}
