/* SPDX-License-Identifier: MIT */
/* power_test.c: asks the platform to reset the machine, for the reset tests of
 * tests/boot/pc_power.cmake: under QEMU's -no-reboot a reset ends QEMU by itself. */
#include <stdio.h>
#include <string.h>

#include <hal/power.h>

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "reboot") == 0) {
		printf("power_test: resetting the machine\n");
		fflush(stdout);
		hal_reboot();
	}
	fprintf(stderr, "usage: power_test reboot\n");
	return 2;
}
