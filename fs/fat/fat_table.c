/* SPDX-License-Identifier: MIT */
/* fat_table.c: the file allocation table through the buffer cache: entries read from the first
 * FAT and written to every copy, allocation with FSInfo's next-free hint, and frees deferred
 * until the directory entries that dropped the clusters are on the disk (no cross-links after
 * a crash: at worst lost clusters). Caller holds fs->lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "fat_fs.h"

uint64_t fat_clus_sector(const struct fat_fs *fs, uint32_t clus)
{
	return fs->g.data_sector + (uint64_t)(clus - 2) * fs->g.spc;
}

/* Read or change the entry bytes of cluster n in FAT copy k. */
static int entry_io(struct fat_fs *fs, unsigned k, uint32_t n, uint32_t *get, const uint32_t *set)
{
	uint32_t bps = fs->g.bps, off = fat_entry_offset(fs->g.type, n);
	uint64_t sec = fs->g.reserved + (uint64_t)k * fs->g.fat_sectors + off / bps;
	unsigned width = fat_entry_bytes(fs->g.type), in = off % bps;
	struct bcache_buf *b0, *b1 = NULL;
	uint8_t bytes[4];
	int err;

	if (n < 2 || n > fs->g.clusters + 1)
		return -EIO;
	err = bcache_get(fs->bc, sec, &b0);
	if (err)
		return err;
	if (in + width > bps) { /* a FAT12 entry across two sectors */
		err = bcache_get(fs->bc, sec + 1, &b1);
		if (err) {
			bcache_put(fs->bc, b0);
			return err;
		}
		bytes[0] = b0->data[bps - 1];
		bytes[1] = b1->data[0];
	} else {
		memcpy(bytes, b0->data + in, width);
	}
	if (get)
		*get = fat_entry_decode(fs->g.type, n, bytes);
	if (set) {
		uint32_t rel = off / bps;
		fs->fat_dirty[rel / 64] |= 1ull << (rel % 64);
		if (b1)
			fs->fat_dirty[(rel + 1) / 64] |= 1ull << ((rel + 1) % 64);
		fat_entry_encode(fs->g.type, n, bytes, *set);
		if (b1) {
			b0->data[bps - 1] = bytes[0];
			b1->data[0] = bytes[1];
			bcache_dirty(fs->bc, b1);
		} else {
			memcpy(b0->data + in, bytes, width);
		}
		bcache_dirty(fs->bc, b0);
	}
	if (b1)
		bcache_put(fs->bc, b1);
	bcache_put(fs->bc, b0);
	return 0;
}

int fat_get(struct fat_fs *fs, uint32_t n, uint32_t *v) { return entry_io(fs, 0, n, v, NULL); }

int fat_set(struct fat_fs *fs, uint32_t n, uint32_t v)
{
	for (unsigned k = 0; k < fs->g.nfats; k++) {
		int err = entry_io(fs, k, n, NULL, &v);
		if (err)
			return err;
	}
	return 0;
}

/* A FAT12 entry across two sectors cannot change atomically: a crash between the two sector
 * writes would leave half an entry. Such clusters (one in 341 on 512-byte sectors) are never
 * allocated here, nor counted as free. */
static bool unusable(const struct fat_fs *fs, uint32_t n)
{
	/* Cluster numbers that read as reserved values (0xff0 and up on FAT12, 0xfff0 on FAT16,
	 * 0x0ffffff0 on FAT32): legal on a volume near its type's limit, yet mtools refuses a
	 * chain through one ("Cluster # at 4071 too big(0xff2)" on mkfs.fat's 8 MiB FAT12). */
	uint32_t reserved = fs->g.type == 12 ? 0xff0 : fs->g.type == 16 ? 0xfff0 : 0x0ffffff0;

	if (n >= reserved)
		return true;
	return fs->g.type == 12 && fat_entry_offset(12, n) % fs->g.bps == fs->g.bps - 1;
}

int fat_count_free(struct fat_fs *fs)
{
	uint32_t count = 0;

	for (uint32_t n = 2; n <= fs->g.clusters + 1; n++) {
		uint32_t v;
		int err = fat_get(fs, n, &v);
		if (err)
			return err;
		count += v == 0 && !unusable(fs, n);
	}
	fs->free_count = count;
	return 0;
}

static int find_free(struct fat_fs *fs, uint32_t *out)
{
	uint32_t total = fs->g.clusters, n = fs->next_free;

	if (fs->free_count == 0)
		return -ENOSPC;
	if (n < 2 || n > total + 1)
		n = 2;
	for (uint32_t i = 0; i < total; i++, n++) {
		uint32_t v;
		int err;

		if (n > total + 1)
			n = 2;
		err = fat_get(fs, n, &v);
		if (err)
			return err;
		if (v == 0 && !unusable(fs, n)) {
			*out = n;
			return 0;
		}
	}
	/* The free count said otherwise: it was wrong (a stale FSInfo). */
	fs->free_count = 0;
	return -ENOSPC;
}

/* Whether the entries of clusters a and b lie in one FAT sector (a sector is written whole). */
static bool same_sector(const struct fat_fs *fs, uint32_t a, uint32_t b)
{
	uint32_t w = fat_entry_bytes(fs->g.type) - 1, oa = fat_entry_offset(fs->g.type, a),
	         ob = fat_entry_offset(fs->g.type, b), bps = fs->g.bps;
	return oa / bps == ob / bps && (oa + w) / bps == oa / bps && (ob + w) / bps == ob / bps;
}

int fat_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *out)
{
	uint32_t n;
	int err = find_free(fs, &n);

	if (err == -ENOSPC && fs->npending) {
		/* Clusters freed earlier become usable once their frees are committed. */
		err = fat_commit(fs);
		if (!err)
			err = find_free(fs, &n);
	}
	if (err)
		return err;
	if (zero) {
		err = bcache_write_direct(fs->bc, fat_clus_sector(fs, n), fs->g.spc, fs->zero);
		if (err)
			return err;
	}
	err = fat_set(fs, n, fat_eoc(&fs->g));
	/* The new end of the chain is on the device before a link to it in another sector, so a
	 * crash never leaves a chain running into a free cluster (a lost one at worst). */
	if (!err && prev && !same_sector(fs, n, prev))
		err = fat_table_write_back(fs);
	if (!err && prev)
		err = fat_set(fs, prev, n);
	if (err)
		return err;
	fs->free_count--;
	fs->next_free = n + 1;
	*out = n;
	return 0;
}

int fat_free_later(struct fat_fs *fs, uint32_t first)
{
	if (first == 0)
		return 0;
	if (fs->npending == fs->pending_cap) {
		size_t cap = fs->pending_cap ? fs->pending_cap * 2 : 16;
		uint32_t *p = realloc(fs->pending, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		fs->pending = p;
		fs->pending_cap = cap;
	}
	fs->pending[fs->npending++] = first;
	return 0;
}

/* Mark a chain free, stopping at its end or at anything that is not a link (a corrupt chain
 * is freed as far as it is sound; a loop ends when it meets a cluster already freed). */
static int free_chain(struct fat_fs *fs, uint32_t n)
{
	while (fat_next_kind(&fs->g, n) == FAT_NEXT_CLUSTER) {
		uint32_t v;
		int err = fat_get(fs, n, &v);
		if (err)
			return err;
		if (v == 0)
			return 0;
		err = fat_set(fs, n, 0);
		if (err)
			return err;
		fs->free_count += !unusable(fs, n);
		if (n < fs->next_free)
			fs->next_free = n;
		n = v;
	}
	return 0;
}

static void fsinfo_update(struct fat_fs *fs)
{
	struct bcache_buf *b;

	if (!fs->g.fsinfo_sector || bcache_get(fs->bc, fs->g.fsinfo_sector, &b))
		return;
	/* Only a sector with FSInfo's three signatures is ours to change. */
	if (fat_le32(b->data) == 0x41615252 && fat_le32(b->data + 484) == 0x61417272 &&
	    fat_le32(b->data + 508) == 0xaa550000) {
		uint32_t v[2] = {fs->free_count, fs->next_free};
		if (memcmp(b->data + 488, v, 8)) {
			memcpy(b->data + 488, v, 8);
			bcache_dirty(fs->bc, b);
		}
	}
	bcache_put(fs->bc, b);
}

int fat_table_write_back(struct fat_fs *fs)
{
	uint64_t first = fs->g.fsinfo_sector ? fs->g.fsinfo_sector : fs->g.reserved;
	uint64_t end = fs->g.reserved + (uint64_t)fs->g.nfats * fs->g.fat_sectors;
	int err;

	/* FSInfo and every changed sector of every copy in one batch of requests in flight: no
	 * FAT sector depends on another, because fat_alloc writes the FAT back before it links
	 * a cluster to one in another sector (so every link in a dirty sector points at an end
	 * of chain already on the device), and the copies are independent (docs/fat.md, "Write
	 * ordering"). Nothing else in [FSInfo, end of the last copy) is ever dirty. */
	fsinfo_update(fs);
	err = bcache_write_back(fs->bc, first, end - first);
	if (!err)
		memset(fs->fat_dirty, 0, (fs->g.fat_sectors + 63) / 64 * sizeof(uint64_t));
	return err;
}

int fat_write_back_all(struct fat_fs *fs)
{
	/* One batch, in no order: every link in a dirty FAT sector points at a cluster whose end
	 * of chain is already on the device (fat_alloc writes the FAT back before it links across
	 * sectors), and every directory entry in the cache points only at clusters whose FAT was
	 * written before the entry changed (fat_node_store), so no block here depends on another. */
	fsinfo_update(fs);
	int err = bcache_write_back(fs->bc, 0, bcache_blocks(fs->bc));
	if (!err)
		memset(fs->fat_dirty, 0, (fs->g.fat_sectors + 63) / 64 * sizeof(uint64_t));
	return err;
}

int fat_commit(struct fat_fs *fs)
{
	int err = 0;

	if (fs->read_only)
		return 0;
	for (struct fat_node *n = fs->nodes; n; n = n->next) {
		if (n->dirty) {
			int e = fat_node_store(fs, n);
			if (!err)
				err = e;
		}
	}
	if (!err)
		err = fat_table_write_back(fs);
	if (!err)
		err = bcache_sync(fs->bc);
	if (err || !fs->npending)
		return err;
	/* Every entry that dropped these chains is on the disk: now they may be reused (and a
	 * remembered directory position may name one of them no more). */
	fs->walk_dir = 0;
	for (size_t i = 0; i < fs->npending; i++) {
		fat_dir_forget(fs, fs->pending[i]);
		int e = free_chain(fs, fs->pending[i]);
		if (!err)
			err = e;
	}
	fs->npending = 0;
	/* And the frees themselves, so a clean exit (a sync, not an unmount) leaves no lost
	 * clusters behind. */
	if (!err)
		err = fat_table_write_back(fs);
	if (!err)
		err = bcache_sync(fs->bc);
	return err;
}

int fat_chain_at(struct fat_fs *fs, struct fat_node *node, uint32_t first, uint32_t n, uint32_t *out,
                 bool *end)
{
	uint32_t idx = 0, clus = first;

	*end = false;
	if (fat_next_kind(&fs->g, first) != FAT_NEXT_CLUSTER)
		return -EIO;
	if (node && node->hint_clus && node->hint_index <= n) {
		idx = node->hint_index;
		clus = node->hint_clus;
	}
	while (idx < n) {
		uint32_t v;
		int err = fat_get(fs, clus, &v);
		if (err)
			return err;
		enum fat_next k = fat_next_kind(&fs->g, v);
		if (k == FAT_NEXT_EOC) {
			*end = true;
			break;
		}
		if (k != FAT_NEXT_CLUSTER)
			return -EIO;
		clus = v;
		idx++;
		/* A walk longer than the volume has clusters is a loop. */
		if (idx > fs->g.clusters)
			return -EIO;
	}
	if (node) {
		node->hint_index = idx;
		node->hint_clus = clus;
	}
	*out = clus;
	return 0;
}
