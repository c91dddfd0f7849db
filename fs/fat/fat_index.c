/* SPDX-License-Identifier: MIT */
/* fat_index.c: the directory index of fat_index.h: hash chains over an array of entries, a
 * bitmap of used slots. Pure, also compiled on the host by tests/unit/fat.cmake. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fat_format.h"
#include "fat_index.h"

#define BITMAP_WORDS (FAT_DIR_MAX / 64)

struct fat_index *fat_index_new(uint32_t dir)
{
	struct fat_index *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->used = calloc(BITMAP_WORDS, sizeof(uint64_t));
	x->nbuckets = 64;
	x->buckets = malloc(x->nbuckets * sizeof(*x->buckets));
	if (!x->used || !x->buckets) {
		fat_index_free(x);
		return NULL;
	}
	memset(x->buckets, 0xff, x->nbuckets * sizeof(*x->buckets));
	x->dir = dir;
	x->free_ent = -1;
	return x;
}

void fat_index_free(struct fat_index *x)
{
	if (!x)
		return;
	free(x->used);
	free(x->ents);
	free(x->buckets);
	free(x);
}

uint32_t fat_index_hash(const uint16_t *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a over the upper-cased characters */

	for (size_t i = 0; i < len; i++) {
		uint16_t c = fat_upcase(name[i]);
		h = (h ^ (c & 0xff)) * 16777619u;
		h = (h ^ (c >> 8)) * 16777619u;
	}
	return h;
}

void fat_index_mark(struct fat_index *x, uint32_t first, uint32_t last, bool used)
{
	for (uint32_t s = first; s <= last && s < FAT_DIR_MAX; s++) {
		if (used)
			x->used[s / 64] |= 1ull << (s % 64);
		else
			x->used[s / 64] &= ~(1ull << (s % 64));
	}
}

bool fat_index_used(const struct fat_index *x, uint32_t slot)
{
	return slot < FAT_DIR_MAX && (x->used[slot / 64] >> (slot % 64) & 1);
}

/* Whether an entry's second name lands in another bucket than its first: then it is on two
 * chains, else on one (found there by either hash). */
static bool two_links(const struct fat_index *x, const struct fat_index_ent *e)
{
	return ((e->hash[0] ^ e->hash[1]) & (x->nbuckets - 1)) != 0;
}

/* Which of e's links puts it on bucket b's chain. */
static int link_of(const struct fat_index *x, const struct fat_index_ent *e, uint32_t b)
{
	return (e->hash[0] & (x->nbuckets - 1)) == b ? 0 : 1;
}

static void link_ent(struct fat_index *x, int32_t i)
{
	struct fat_index_ent *e = &x->ents[i];

	e->next[1] = -1;
	for (int k = 0; k < (two_links(x, e) ? 2 : 1); k++) {
		uint32_t b = e->hash[k] & (x->nbuckets - 1);
		e->next[k] = x->buckets[b];
		x->buckets[b] = i;
	}
}

/* Twice the buckets once there are more entries than buckets, so chains stay short. */
static int grow_buckets(struct fat_index *x)
{
	uint32_t n = x->nbuckets * 2;
	int32_t *b = malloc(n * sizeof(*b));

	if (!b)
		return -ENOMEM;
	free(x->buckets);
	x->buckets = b;
	x->nbuckets = n;
	memset(b, 0xff, n * sizeof(*b));
	for (uint32_t i = 0; i < x->nents; i++)
		if (x->ents[i].live)
			link_ent(x, (int32_t)i);
	return 0;
}

int fat_index_add(struct fat_index *x, uint32_t lfn_slot, uint32_t slot, const uint8_t sname[11],
                  const uint16_t *name, size_t len)
{
	uint16_t sn[12];
	int32_t i;

	if (x->count + 1 > x->nbuckets && grow_buckets(x))
		return -ENOMEM;
	if (x->free_ent >= 0) {
		i = x->free_ent;
		x->free_ent = x->ents[i].next[0];
	} else {
		if (x->nents == x->cap) {
			uint32_t cap = x->cap ? x->cap * 2 : 64;
			void *p = realloc(x->ents, cap * sizeof(*x->ents));
			if (!p)
				return -ENOMEM;
			x->ents = p;
			x->cap = cap;
		}
		i = (int32_t)x->nents++;
	}
	struct fat_index_ent *e = &x->ents[i];
	e->slot = slot;
	e->lfn_slot = lfn_slot;
	memcpy(e->sname, sname, 11);
	e->hash[0] = fat_index_hash(name, len);
	e->hash[1] = fat_index_hash(sn, fat_short_display(sname, 0, sn));
	e->live = true;
	link_ent(x, i);
	x->count++;
	fat_index_mark(x, lfn_slot, slot, true);
	return 0;
}

static void unlink_ent(struct fat_index *x, int32_t i)
{
	struct fat_index_ent *e = &x->ents[i];

	for (int k = 0; k < (two_links(x, e) ? 2 : 1); k++) {
		uint32_t b = e->hash[k] & (x->nbuckets - 1);
		int32_t *p = &x->buckets[b];
		while (*p != i) {
			struct fat_index_ent *o = &x->ents[*p];
			p = &o->next[link_of(x, o, b)];
		}
		*p = e->next[k];
	}
}

int fat_index_remove(struct fat_index *x, uint32_t lfn_slot, uint32_t slot)
{
	for (uint32_t i = 0; i < x->nents; i++) {
		struct fat_index_ent *e = &x->ents[i];
		if (!e->live || e->slot != slot)
			continue;
		if (e->lfn_slot != lfn_slot)
			return -ESTALE;
		unlink_ent(x, (int32_t)i);
		fat_index_mark(x, e->lfn_slot, e->slot, false);
		e->live = false;
		e->next[0] = x->free_ent;
		x->free_ent = (int32_t)i;
		x->count--;
		return 0;
	}
	return -ENOENT;
}

int fat_index_find(const struct fat_index *x, uint32_t h, uint32_t *iter, const struct fat_index_ent **out)
{
	uint32_t b = h & (x->nbuckets - 1);
	/* *iter: 0 at the start, else 1 + the index of the entry returned last. */
	int32_t i = *iter == 0 ? x->buckets[b] : x->ents[*iter - 1].next[link_of(x, &x->ents[*iter - 1], b)];

	for (; i >= 0; i = x->ents[i].next[link_of(x, &x->ents[i], b)]) {
		const struct fat_index_ent *e = &x->ents[i];
		if (e->hash[0] == h || e->hash[1] == h) {
			*iter = 1 + (uint32_t)i;
			*out = e;
			return 0;
		}
	}
	return -ENOENT;
}

bool fat_index_short_used(const struct fat_index *x, const uint8_t sname[11])
{
	uint16_t sn[12];
	uint32_t h = fat_index_hash(sn, fat_short_display(sname, 0, sn)), iter = 0;
	const struct fat_index_ent *e;

	while (fat_index_find(x, h, &iter, &e) == 0)
		if (!memcmp(e->sname, sname, 11))
			return true;
	return false;
}

uint32_t fat_index_free_run(const struct fat_index *x, unsigned need, unsigned per_block)
{
	uint32_t run = 0;

	for (uint32_t s = 0; s < FAT_DIR_MAX; s++) {
		if (need <= per_block && s % per_block == 0)
			run = 0;
		if (s % 64 == 0 && x->used[s / 64] == ~0ull) {
			run = 0;
			s += 63; /* a word of used slots at once */
			continue;
		}
		if (fat_index_used(x, s))
			run = 0;
		else if (++run == need)
			return s + 1 - need;
	}
	return FAT_DIR_MAX;
}
