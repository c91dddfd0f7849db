/* SPDX-License-Identifier: MIT */
/* test_xen_xs_wire.c: decoding xenstored's replies: headers with bad lengths, error names,
 * NUL-separated lists with and without their terminator, transaction ids. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xen_xs_wire.h"

static void put32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_header(void)
{
	unsigned char raw[16];
	struct xen_xs_header h;

	put32(raw, 2), put32(raw + 4, 7), put32(raw + 8, 3), put32(raw + 12, 4096);
	CHECK_EQ(xen_xs_parse_header(raw, &h), 0);
	CHECK(h.type == 2 && h.req_id == 7 && h.tx_id == 3 && h.len == 4096);
	put32(raw + 12, 4097);
	CHECK_EQ(xen_xs_parse_header(raw, &h), -EPROTO);
	put32(raw + 12, 0xffffffffu);
	CHECK_EQ(xen_xs_parse_header(raw, &h), -EPROTO);
}

static void test_errors(void)
{
	CHECK_EQ(xen_xs_error_errno("ENOENT", 7), -ENOENT);
	CHECK_EQ(xen_xs_error_errno("EACCES", 7), -EACCES);
	CHECK_EQ(xen_xs_error_errno("EAGAIN", 7), -EAGAIN);
	CHECK_EQ(xen_xs_error_errno("E2BIG", 5), -E2BIG); /* unterminated but whole */
	CHECK_EQ(xen_xs_error_errno("ENOENTX", 8), -EIO);
	CHECK_EQ(xen_xs_error_errno("ENO", 4), -EIO);
	CHECK_EQ(xen_xs_error_errno("", 0), -EIO);
}

static void test_split(void)
{
	const char *out[4];

	CHECK_EQ(xen_xs_split("a\0bc\0\0", 6, out, 4), 3);
	CHECK_STR(out[0], "a");
	CHECK_STR(out[1], "bc");
	CHECK_STR(out[2], "");
	CHECK_EQ(xen_xs_split("", 0, out, 4), 0);
	CHECK_EQ(xen_xs_split("abc", 3, out, 4), -EPROTO); /* no terminator */
	CHECK_EQ(xen_xs_split("a\0b\0c\0d\0e\0", 10, out, 4), -E2BIG);
	CHECK_EQ(xen_xs_split("/local/domain/3/name\0tok\0", 25, out, 2), 2);
	CHECK_STR(out[0], "/local/domain/3/name");
	CHECK_STR(out[1], "tok");
}

static void test_u32(void)
{
	uint32_t v = 0;

	CHECK_EQ(xen_xs_parse_u32("42", 3, &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(xen_xs_parse_u32("4294967295", 11, &v), 0);
	CHECK_EQ(v, 4294967295u);
	CHECK_EQ(xen_xs_parse_u32("4294967296", 11, &v), -EPROTO);
	CHECK_EQ(xen_xs_parse_u32("", 1, &v), -EPROTO);
	CHECK_EQ(xen_xs_parse_u32("12", 2, &v), -EPROTO); /* no terminator */
	CHECK_EQ(xen_xs_parse_u32("1x", 3, &v), -EPROTO);
}

int main(void)
{
	test_header();
	test_errors();
	test_split();
	test_u32();
	return check_report();
}
