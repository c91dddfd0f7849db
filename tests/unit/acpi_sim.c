/* SPDX-License-Identifier: MIT */
/* acpi_sim.c: the simulated physical memory of acpi_sim.h. Each grant of the map callback is
 * a heap copy of exactly the bytes granted, so ASan reports any read past what was asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_sim.h"

#ifndef ACPI_FIXTURE_DIR
#define ACPI_FIXTURE_DIR "tests/fuzz/corpus/acpi"
#endif

uint8_t *mem;
uint64_t refuse_lo, refuse_hi;
uint64_t mem_end = MEM_SIZE;
size_t longest_grant;
static void **grants;
static size_t ngrants, grants_cap;

const void *test_map(uint64_t pa, size_t len, void *ctx)
{
	void *copy;

	(void)ctx;
	if (pa >= mem_end || len > mem_end - pa)
		return NULL;
	if (pa < refuse_hi && pa + len > refuse_lo)
		return NULL;
	if (ngrants == grants_cap) {
		grants_cap = grants_cap ? 2 * grants_cap : 64;
		grants = realloc(grants, grants_cap * sizeof(*grants));
		if (!grants)
			abort();
	}
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, mem + pa, len);
	grants[ngrants++] = copy;
	if (len > longest_grant)
		longest_grant = len;
	return copy;
}

static void grants_free(void)
{
	while (ngrants)
		free(grants[--ngrants]);
}

void mem_reset(void)
{
	grants_free();
	memset(mem, 0, MEM_SIZE);
	refuse_lo = refuse_hi = 0;
	mem_end = MEM_SIZE;
	longest_grant = 0;
}

size_t load_fixture(const char *name)
{
	char path[512];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", ACPI_FIXTURE_DIR, name);
	mem_reset();
	fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open %s\n", path);
		return 0;
	}
	n = fread(mem + 0xe0000, 1, 0x20000, fp);
	fclose(fp);
	/* Nothing readable past the fixture, as in the fuzz target: the RSDP search then meets
	 * a page it can read only in part. */
	mem_end = 0xe0000 + n;
	return n;
}

void acpi_sim_init(void)
{
	mem = calloc(1, MEM_SIZE);
	if (!mem)
		exit(1);
}

void acpi_sim_free(void)
{
	grants_free();
	free(grants);
	free(mem);
}
