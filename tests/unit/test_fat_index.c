/* SPDX-License-Identifier: MIT */
/* test_fat_index.c: fs/fat's directory index (fat_index.h): case-folded hashing, finding by
 * long and short name, removal, short names in use, free slot runs, and a seeded random
 * sequence checked against a plain list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fat_format.h"
#include "fat_index.h"

static size_t u(const char *s, uint16_t *out)
{
	int n = fat_utf8_to_ucs2(s, strlen(s), out, FAT_LFN_MAX);
	return n < 0 ? 0 : (size_t)n;
}

static uint32_t h(const char *s)
{
	uint16_t w[FAT_LFN_MAX];
	return fat_index_hash(w, u(s, w));
}

/* The short entry slots of the candidates for name, in *slots: how many. */
static int candidates(const struct fat_index *x, const char *name, uint32_t *slots, int max)
{
	uint32_t iter = 0;
	const struct fat_index_ent *e;
	int n = 0;

	while (fat_index_find(x, h(name), &iter, &e) == 0 && n < max)
		slots[n++] = e->slot;
	return n;
}

static int add(struct fat_index *x, uint32_t lfn, uint32_t slot, const char *sname, const char *name)
{
	uint16_t w[FAT_LFN_MAX];
	return fat_index_add(x, lfn, slot, (const uint8_t *)sname, w, u(name, w));
}

static void test_hash(void)
{
	CHECK_EQ(h("readme.txt"), h("README.TXT"));
	CHECK_EQ(h("Caf\xc3\xa9"), h("CAF\xc3\x89")); /* Latin-1 folds too */
	CHECK(h("a") != h("b"));
	CHECK(h("ab") != h("ba"));
}

static void test_find_remove(void)
{
	struct fat_index *x = fat_index_new(5);
	uint32_t got[8];

	CHECK(x != NULL);
	CHECK_EQ(x->dir, 5);
	CHECK_EQ(candidates(x, "anything", got, 8), 0);
	CHECK_EQ(add(x, 2, 4, "LONGFI~1DAT", "Long File Name.data"), 0);
	CHECK_EQ(add(x, 5, 5, "README  TXT", "README.TXT"), 0);
	CHECK_EQ(x->count, 2);
	/* By the long name in any case, and by the short alias. */
	CHECK_EQ(candidates(x, "long file name.DATA", got, 8), 1);
	CHECK_EQ(got[0], 4);
	CHECK_EQ(candidates(x, "longfi~1.dat", got, 8), 1);
	CHECK_EQ(got[0], 4);
	CHECK_EQ(candidates(x, "readme.txt", got, 8), 1);
	CHECK_EQ(got[0], 5);
	CHECK_EQ(candidates(x, "nothere", got, 8), 0);
	CHECK(fat_index_short_used(x, (const uint8_t *)"LONGFI~1DAT"));
	CHECK(fat_index_short_used(x, (const uint8_t *)"README  TXT"));
	CHECK(!fat_index_short_used(x, (const uint8_t *)"LONGFI~2DAT"));
	/* The runs are used. */
	CHECK(!fat_index_used(x, 1));
	CHECK(fat_index_used(x, 2) && fat_index_used(x, 3) && fat_index_used(x, 4) && fat_index_used(x, 5));
	CHECK(!fat_index_used(x, 6));
	/* Removal wants the run as recorded. */
	CHECK_EQ(fat_index_remove(x, 3, 4), -ESTALE);
	CHECK(fat_index_used(x, 2));
	CHECK_EQ(fat_index_remove(x, 4, 9), -ENOENT);
	CHECK_EQ(fat_index_remove(x, 2, 4), 0);
	CHECK_EQ(x->count, 1);
	CHECK_EQ(candidates(x, "Long File Name.data", got, 8), 0);
	CHECK(!fat_index_short_used(x, (const uint8_t *)"LONGFI~1DAT"));
	CHECK(!fat_index_used(x, 2) && !fat_index_used(x, 4) && fat_index_used(x, 5));
	/* The freed element is reused. */
	CHECK_EQ(add(x, 0, 1, "NEW     TXT", "new.txt"), 0);
	CHECK_EQ(x->nents, 2);
	CHECK_EQ(candidates(x, "NEW.TXT", got, 8), 1);
	CHECK_EQ(got[0], 1);
	fat_index_free(x);
}

static void test_free_run(void)
{
	struct fat_index *x = fat_index_new(0);

	CHECK_EQ(fat_index_free_run(x, 1, 16), 0);
	CHECK_EQ(fat_index_free_run(x, 3, 16), 0);
	fat_index_mark(x, 0, 13, true);
	CHECK_EQ(fat_index_free_run(x, 1, 16), 14);
	CHECK_EQ(fat_index_free_run(x, 2, 16), 14);
	/* Three do not fit before the block's end: the next block. */
	CHECK_EQ(fat_index_free_run(x, 3, 16), 16);
	/* A run longer than a block may cross blocks. */
	CHECK_EQ(fat_index_free_run(x, 20, 16), 14);
	fat_index_mark(x, 14, 200, true);
	CHECK_EQ(fat_index_free_run(x, 1, 16), 201);
	fat_index_mark(x, 64, 64, false);
	CHECK_EQ(fat_index_free_run(x, 1, 16), 64);
	CHECK_EQ(fat_index_free_run(x, 2, 16), 201);
	fat_index_mark(x, 0, FAT_DIR_MAX - 1, true);
	CHECK_EQ(fat_index_free_run(x, 1, 16), FAT_DIR_MAX);
	fat_index_mark(x, FAT_DIR_MAX - 2, FAT_DIR_MAX - 1, false);
	CHECK_EQ(fat_index_free_run(x, 2, 16), FAT_DIR_MAX - 2);
	CHECK_EQ(fat_index_free_run(x, 3, 16), FAT_DIR_MAX);
	fat_index_free(x);
}

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Thousands of adds and removes (enough to grow the hash table several times), each lookup
 * checked against a plain list of what is live. */
static void test_random(void)
{
	enum { N = 3000 };
	static bool live[N];
	struct fat_index *x = fat_index_new(7);
	int bad_find = 0, bad_short = 0, bad_count = 0, err = 0;
	char name[32], sname[24];

	for (int step = 0; step < 20000; step++) {
		int i = (int)(next_rand() % N);
		snprintf(name, sizeof(name), "file number %d.dat", i);
		snprintf(sname, sizeof(sname), "F%-7dDAT", i);
		if (!live[i]) {
			err |= add(x, (uint32_t)i * 3, (uint32_t)i * 3 + 2, sname, name);
			live[i] = true;
		} else if (next_rand() % 2) {
			err |= fat_index_remove(x, (uint32_t)i * 3, (uint32_t)i * 3 + 2);
			live[i] = false;
		}
		if (step % 97 == 0) {
			uint32_t count = 0;
			for (int k = 0; k < N; k++) {
				uint32_t got[4];
				int n, found = 0;
				snprintf(name, sizeof(name), "FILE NUMBER %d.DAT", k);
				snprintf(sname, sizeof(sname), "F%-7dDAT", k);
				n = candidates(x, name, got, 4);
				for (int j = 0; j < n; j++)
					found += got[j] == (uint32_t)k * 3 + 2;
				bad_find += found != (live[k] ? 1 : 0);
				bad_short += fat_index_short_used(x, (const uint8_t *)sname) != live[k];
				bad_count += fat_index_used(x, (uint32_t)k * 3 + 1) != live[k];
				count += live[k];
			}
			bad_count += count != x->count;
		}
	}
	CHECK_EQ(err, 0);
	CHECK_EQ(bad_find, 0);
	CHECK_EQ(bad_short, 0);
	CHECK_EQ(bad_count, 0);
	CHECK(x->nbuckets >= 1024);
	fat_index_free(x);
}

int main(void)
{
	test_hash();
	test_find_remove();
	test_free_run();
	test_random();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
