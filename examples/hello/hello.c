/* SPDX-License-Identifier: MIT */
/* hello.c: the smallest Mote application. It greets, lists its arguments and exits with the
 * status given as --exit=N (0 by default): an ordinary C program, nothing Mote-specific. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int status = 0;

	printf("Hello from Mote!\n");
	for (int i = 0; i < argc; i++) {
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
		if (strncmp(argv[i], "--exit=", 7) == 0) {
			char *end;
			long v = strtol(argv[i] + 7, &end, 10);

			if (*end != '\0' || end == argv[i] + 7) {
				fprintf(stderr, "hello: bad --exit value '%s'\n", argv[i] + 7);
				return 2;
			}
			status = (int)v;
		}
	}
	return status;
}
