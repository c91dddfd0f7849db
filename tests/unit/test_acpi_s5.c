/* SPDX-License-Identifier: MIT */
/* test_acpi_s5.c: the AML search for the \_S5_ object (its sleep type values) in a DSDT's
 * bytes: the encodings firmware uses, and malformed or truncated objects refused. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <acpi/acpi.h>

#include "check.h"

static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b, const char **why)
{
	/* A copy of exactly `len` bytes, so ASan sees any overread. */
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	memcpy(copy, aml, len);
	*a = *b = 0xee;
	*why = NULL;
	err = acpi_aml_find_s5(copy, len, a, b, why);
	free(copy);
	return err;
}

#define S5_OK(expect_a, expect_b, ...)                                \
	do {                                                          \
		const uint8_t aml_[] = {__VA_ARGS__};                 \
		uint8_t a_, b_;                                       \
		const char *why_;                                     \
		CHECK_EQ(s5(aml_, sizeof(aml_), &a_, &b_, &why_), 0); \
		CHECK_EQ(a_, expect_a);                               \
		CHECK_EQ(b_, expect_b);                               \
	} while (0)

#define S5_ERR(err, reason, ...)                                        \
	do {                                                            \
		const uint8_t aml_[] = {__VA_ARGS__};                   \
		uint8_t a_, b_;                                         \
		const char *why_;                                       \
		CHECK_EQ(s5(aml_, sizeof(aml_), &a_, &b_, &why_), err); \
		CHECK_STR(why_, reason);                                \
		CHECK_EQ(a_, 0xee);                                     \
	} while (0)

#define NAME_S5 0x08, '_', 'S', '5', '_'

static void test_aml(void)
{
	static const uint8_t big_head[] = {NAME_S5, 0x12, 0x40 | (200 & 0x0f), 200 >> 4, 0x04, 0x01,
	                                   0x0a,    0x02};
	uint8_t a, b, big[300];
	const char *why;
	size_t i;

	S5_OK(0, 0, NAME_S5, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00);
	S5_OK(1, 0, NAME_S5, 0x12, 0x04, 0x02, 0x01, 0x00);
	S5_OK(5, 0, NAME_S5, 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00);
	S5_OK(7, 6, NAME_S5, 0x12, 0x07, 0x02, 0x0b, 0x07, 0x00, 0x0a, 0x06);
	S5_OK(3, 4, NAME_S5, 0x12, 0x10, 0x02, 0x0c, 0x03, 0, 0, 0, 0x0e, 0x04, 0, 0, 0, 0, 0, 0, 0);
	/* The root prefix, then the same package with 2-, 3- and 4-byte PkgLength encodings. */
	S5_OK(5, 5, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x05, 0x0a, 0x05);
	S5_OK(5, 5, NAME_S5, 0x12, 0x47, 0x00, 0x02, 0x0a, 0x05, 0x0a, 0x05);
	S5_OK(5, 5, NAME_S5, 0x12, 0x88, 0x00, 0x00, 0x02, 0x0a, 0x05, 0x0a, 0x05);
	S5_OK(5, 5, NAME_S5, 0x12, 0xc9, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x05, 0x0a, 0x05);
	/* One element holding both values (SLP_TYPb in bits 8-15). */
	S5_OK(5, 5, NAME_S5, 0x12, 0x05, 0x01, 0x0b, 0x05, 0x05);
	S5_OK(5, 0, NAME_S5, 0x12, 0x04, 0x01, 0x0a, 0x05);
	/* "_S5_" in a string and as a reference come first and are passed over. */
	S5_OK(2, 3, 0x0d, '_', 'S', '5', '_', 0x00, 0x70, '_', 'S', '5', '_', 0x60, NAME_S5, 0x12, 0x06, 0x02,
	      0x0a, 0x02, 0x0a, 0x03);
	/* A bad _S5_ followed by a good one: the good one wins. */
	S5_OK(1, 1, NAME_S5, 0x0a, 0x05, NAME_S5, 0x12, 0x04, 0x02, 0x01, 0x01);

	S5_ERR(-ENOENT, "no _S5_ object in the DSDT", 0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0, 0);
	S5_ERR(-ENOENT, "no _S5_ object in the DSDT", '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0, 0);
	S5_ERR(-ENOENT, "no _S5_ object in the DSDT", '_', 'S', '5');
	S5_ERR(-EINVAL, "_S5_ is not a package", NAME_S5, 0x0a, 0x05);
	S5_ERR(-EINVAL, "_S5_ is not a package", NAME_S5);
	S5_ERR(-EINVAL, "_S5_ package is truncated", NAME_S5, 0x12);
	S5_ERR(-EINVAL, "_S5_ package is truncated", NAME_S5, 0x12, 0x47);
	S5_ERR(-EINVAL, "_S5_ package is truncated", NAME_S5, 0x12, 0xc9, 0x00, 0x00);
	S5_ERR(-EINVAL, "_S5_ package length is out of range", NAME_S5, 0x12, 0x07, 0x02, 0x00, 0x00);
	S5_ERR(-EINVAL, "_S5_ package length is out of range", NAME_S5, 0x12, 0x01, 0x02, 0x00, 0x00);
	S5_ERR(-EINVAL, "_S5_ package length is out of range", NAME_S5, 0x12, 0xcf, 0xff, 0xff, 0xff, 2, 0,
	       0);
	S5_ERR(-EINVAL, "_S5_ package length is malformed", NAME_S5, 0x12, 0x57, 0x00, 0x02, 0x00, 0x00);
	S5_ERR(-EINVAL, "_S5_ package is empty", NAME_S5, 0x12, 0x02, 0x00);
	S5_ERR(-EINVAL, "_S5_ SLP_TYPa is not an integer constant", NAME_S5, 0x12, 0x02, 0x02);
	S5_ERR(-EINVAL, "_S5_ SLP_TYPa is not an integer constant", NAME_S5, 0x12, 0x04, 0x02, 0x70, 0x00);
	/* A WordPrefix whose bytes run past the package, though not past the AML. */
	S5_ERR(-EINVAL, "_S5_ SLP_TYPa is not an integer constant", NAME_S5, 0x12, 0x04, 0x02, 0x0b, 0x05,
	       0x00);
	S5_ERR(-EINVAL, "_S5_ SLP_TYPb is not an integer constant", NAME_S5, 0x12, 0x04, 0x02, 0x00, 0x0c, 1);
	/* The opcodes on either side of the integer prefixes, and StringPrefix among them. */
	S5_ERR(-EINVAL, "_S5_ SLP_TYPa is not an integer constant", NAME_S5, 0x12, 0x06, 0x02, 0x0d, 0x41,
	       0x00, 0x00);
	S5_ERR(-EINVAL, "_S5_ SLP_TYPa is not an integer constant", NAME_S5, 0x12, 0x05, 0x02, 0x09, 0x05,
	       0x00);
	S5_ERR(-EINVAL, "_S5_ SLP_TYPb is not an integer constant", NAME_S5, 0x12, 0x05, 0x02, 0x00, 0x0f,
	       0x05);
	S5_OK(0, 7, NAME_S5, 0x12, 0x0c, 0x02, 0x00, 0x0e, 0x07, 0, 0, 0, 0, 0, 0, 0);
	S5_ERR(-EINVAL, "_S5_ value does not fit SLP_TYP", NAME_S5, 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00);
	S5_ERR(-EINVAL, "_S5_ value does not fit SLP_TYP", NAME_S5, 0x12, 0x04, 0x02, 0x00, 0xff);
	S5_ERR(-EINVAL, "_S5_ value does not fit SLP_TYP", NAME_S5, 0x12, 0x05, 0x01, 0x0b, 0x05, 0x08);
	S5_ERR(-EINVAL, "_S5_ value does not fit SLP_TYP", NAME_S5, 0x12, 0x0c, 0x02, 0x0e, 0, 0, 0, 0, 0, 0,
	       0, 1, 0x00);

	/* A package longer than 63 bytes needs the 2-byte PkgLength; padding after the two
	 * values is allowed (the remaining elements are not read). */
	memset(big, 0, sizeof(big));
	memcpy(big, big_head, sizeof(big_head));
	CHECK_EQ(s5(big, sizeof(big), &a, &b, &why), 0);
	CHECK_EQ(a, 1);
	CHECK_EQ(b, 2);
	/* Every truncation of a good object fails cleanly. */
	for (i = 0; i < sizeof(big_head); i++)
		CHECK(s5(big, i, &a, &b, &why) < 0);
	CHECK_EQ(s5(big, 0, &a, &b, &why), -ENOENT);
}

int main(void)
{
	test_aml();
	return check_report();
}
