/* SPDX-License-Identifier: MIT */
/* greeter.c: an application built outside Mote's tree; greets its first argument, uses libm,
 * and exits with status 3 so the test can tell its status arrived. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile double two = 2.0;

	printf("greeter: hello, %s\n", argc > 1 ? argv[1] : "nobody");
	printf("greeter: sqrt(2) = %f\n", sqrt(two));
	return 3;
}
