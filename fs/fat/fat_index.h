/* SPDX-License-Identifier: MIT */
/* fat_index.h: an in-memory index of one FAT directory, so a lookup, a create and an unlink
 * do not walk the directory entry by entry: names (by a case-folded hash) to where their
 * entries are, the short names in use, and which slots are taken. Pure logic, no device. */
#ifndef FS_FAT_INDEX_H
#define FS_FAT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fat_index_ent {
	uint32_t slot, lfn_slot; /* the short entry, and the first slot of its run */
	uint32_t hash[2];        /* of the name as shown, of the short name as shown */
	int32_t next[2];         /* the hash chains; next[0] links the free list too */
	uint8_t sname[11];
	bool live;
};

struct fat_index {
	uint32_t dir;   /* the directory's first cluster (0: the fixed FAT12/16 root) */
	uint64_t stamp; /* when last used, for dropping the least recently used index */
	uint32_t end;   /* the end-of-directory mark's slot: no entry at or after it */
	uint64_t *used; /* a bit per slot (FAT_DIR_MAX): not free (an entry, a dot entry, a
	                 * stray long-name entry, anything but 0x00 or 0xe5 in name[0]) */
	struct fat_index_ent *ents;
	uint32_t nents, cap;
	int32_t free_ent;  /* first unused element of ents, -1: none */
	int32_t *buckets;  /* heads of the hash chains, -1: empty */
	uint32_t nbuckets; /* a power of two */
	uint32_t count;    /* live entries */
};

/* An empty index of dir (end 0, no slot used): NULL without memory. */
struct fat_index *fat_index_new(uint32_t dir);
void fat_index_free(struct fat_index *x);

/* The case-folded hash FAT name comparison agrees with: names fat_name_equal calls equal hash
 * the same. */
uint32_t fat_index_hash(const uint16_t *name, size_t len);

/* Slots [first, last] become used or free. */
void fat_index_mark(struct fat_index *x, uint32_t first, uint32_t last, bool used);
bool fat_index_used(const struct fat_index *x, uint32_t slot);

/* Record an entry whose run is [lfn_slot, slot], with its short name and the name it shows
 * (its long name, or the short one): 0, -ENOMEM. Marks the run used. */
int fat_index_add(struct fat_index *x, uint32_t lfn_slot, uint32_t slot, const uint8_t sname[11],
                  const uint16_t *name, size_t len);
/* Forget the entry whose run is [lfn_slot, slot] and free the run: 0, -ENOENT when no entry
 * ends at slot, -ESTALE when its run starts elsewhere (nothing changed then). */
int fat_index_remove(struct fat_index *x, uint32_t lfn_slot, uint32_t slot);

/* The entries whose shown name or short name has hash h, one per call: start with *iter = 0;
 * 0 and the entry, or -ENOENT when there are no more. The caller compares the names. */
int fat_index_find(const struct fat_index *x, uint32_t h, uint32_t *iter, const struct fat_index_ent **out);
/* Whether a short name (11 bytes as stored) is taken in the directory. */
bool fat_index_short_used(const struct fat_index *x, const uint8_t sname[11]);

/* The first slot of the first run of `need` free slots (FAT_DIR_MAX when there is none); a
 * run of at most per_block slots stays inside one block of per_block slots (so it is written
 * at once). The result may lie past the directory's allocated size. */
uint32_t fat_index_free_run(const struct fat_index *x, unsigned need, unsigned per_block);

#endif
