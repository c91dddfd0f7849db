/* SPDX-License-Identifier: MIT */
/* fat_dir.c: FAT directories through the buffer cache: walking entries with their long
 * names, finding a name (case-insensitively, as FAT compares), adding an entry with a short
 * name unique in the directory, removing one. Caller holds fs->lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "fat_fs.h"

uint32_t fat_dir_max_clusters(const struct fat_fs *fs)
{
	return (uint32_t)(((uint64_t)FAT_DIR_MAX * FAT_DIRENT_SIZE + fs->g.cluster_size - 1) /
	                  fs->g.cluster_size);
}

int fat_dir_slot(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct bcache_buf **buf, uint32_t *off)
{
	uint32_t bps = fs->g.bps, byte;
	uint64_t sec;

	if (slot >= FAT_DIR_MAX)
		return -ENOENT;
	if (dir == 0) {
		if (slot >= fs->g.root_entries)
			return -ENOENT;
		byte = slot * FAT_DIRENT_SIZE;
		sec = fs->g.root_sector + byte / bps;
	} else {
		uint32_t epc = fs->g.cluster_size / FAT_DIRENT_SIZE, want = slot / epc, idx = 0, clus = dir;

		if (fat_next_kind(&fs->g, dir) != FAT_NEXT_CLUSTER)
			return -EIO;
		if (fs->walk_dir == dir && fs->walk_index <= want) {
			idx = fs->walk_index;
			clus = fs->walk_clus;
		}
		while (idx < want) {
			uint32_t v;
			int err = fat_get(fs, clus, &v);
			if (err)
				return err;
			enum fat_next k = fat_next_kind(&fs->g, v);
			if (k == FAT_NEXT_EOC)
				return -ENOENT;
			if (k != FAT_NEXT_CLUSTER) {
				FAT_LOG(fs, "directory at cluster %u: broken chain", dir);
				return -EIO;
			}
			clus = v;
			idx++;
		}
		fs->walk_dir = dir;
		fs->walk_index = idx;
		fs->walk_clus = clus;
		byte = (slot % epc) * FAT_DIRENT_SIZE;
		sec = fat_clus_sector(fs, clus) + byte / bps;
	}
	*off = byte % bps;
	return bcache_get(fs->bc, sec, buf);
}

static int slot_read(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct fat_dirent *de)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, dir, slot, &b, &off);

	if (err)
		return err;
	memcpy(de, b->data + off, sizeof(*de));
	bcache_put(fs->bc, b);
	return 0;
}

static int slot_write(struct fat_fs *fs, uint32_t dir, uint32_t slot, const void *de)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, dir, slot, &b, &off);

	if (err)
		return err;
	memcpy(b->data + off, de, FAT_DIRENT_SIZE);
	bcache_dirty(fs->bc, b);
	bcache_put(fs->bc, b);
	return 0;
}

int fat_dirent_read(struct fat_fs *fs, struct fat_loc loc, struct fat_dirent *de)
{
	int err = slot_read(fs, loc.dir, loc.slot, de);
	return err == -ENOENT ? -EIO : err;
}

int fat_dirent_write(struct fat_fs *fs, struct fat_loc loc, const struct fat_dirent *de)
{
	int err = slot_write(fs, loc.dir, loc.slot, de);
	return err == -ENOENT ? -EIO : err;
}

int fat_dirent_write_back(struct fat_fs *fs, struct fat_loc loc)
{
	struct bcache_buf *b;
	uint32_t off;
	int err = fat_dir_slot(fs, loc.dir, loc.slot, &b, &off);

	if (err)
		return err == -ENOENT ? -EIO : err;
	uint64_t block = b->block;
	bcache_put(fs->bc, b);
	return bcache_write_back(fs->bc, block, 1);
}

static bool is_dot(const struct fat_dirent *de)
{
	return de->name[0] == '.' &&
	       (!memcmp(de->name + 1, "          ", 10) || !memcmp(de->name + 1, ".         ", 10));
}

int fat_dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *slot, struct fat_entry_info *out)
{
	uint16_t chars[FAT_LFN_SLOTS * FAT_LFN_CHARS];
	unsigned expect = 0, total = 0;
	uint8_t chk = 0;
	uint32_t start = 0;

	for (uint32_t s = *slot;; s++) {
		struct fat_dirent de;
		int err = slot_read(fs, dir, s, &de);

		if (err)
			return err;
		if (de.name[0] == 0)
			return -ENOENT;
		if (de.name[0] == FAT_DEL_MARK) {
			expect = 0;
			continue;
		}
		if ((de.attr & 0x3f) == FAT_ATTR_LFN) {
			const struct fat_lfn *l = (const struct fat_lfn *)&de;
			unsigned ord = l->order & 0x1f;

			if (l->order & FAT_LFN_LAST) {
				expect = ord >= 1 && ord <= FAT_LFN_SLOTS ? ord : 0;
				total = expect;
				chk = l->checksum;
				start = s;
			}
			if (expect && ord == expect && l->checksum == chk) {
				fat_lfn_unpack(l, chars + (ord - 1) * FAT_LFN_CHARS);
				expect--;
				if (expect == 0)
					expect = 0x100; /* complete: waiting for its short entry */
			} else {
				expect = 0;
			}
			continue;
		}
		if ((de.attr & FAT_ATTR_VOLUME) || is_dot(&de)) {
			expect = 0;
			continue;
		}
		out->de = de;
		out->loc.dir = dir;
		out->loc.slot = s;
		out->lfn_slot = s;
		out->name_len = 0;
		if (expect == 0x100 && fat_lfn_checksum(de.name) == chk) {
			size_t n = 0;
			while (n < total * FAT_LFN_CHARS && chars[n] != 0)
				n++;
			if (n > 0 && n <= FAT_LFN_MAX) {
				memcpy(out->name, chars, n * 2);
				out->name_len = n;
				out->lfn_slot = start;
			}
		}
		if (out->name_len == 0)
			out->name_len = fat_short_display(de.name, de.nt_case, out->name);
		*slot = s + 1;
		return 0;
	}
}

int fat_dir_find(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len,
                 struct fat_entry_info *out)
{
	uint32_t slot = 0;

	for (;;) {
		int err = fat_dir_next(fs, dir, &slot, out);
		if (err)
			return err;
		if (fat_name_equal(out->name, out->name_len, name, len))
			return 0;
		/* A file is also found by its short name, as on every FAT implementation. */
		uint16_t sn[12];
		size_t sl = fat_short_display(out->de.name, 0, sn);
		if (fat_name_equal(sn, sl, name, len))
			return 0;
	}
}

static int cmp11(const void *a, const void *b) { return memcmp(a, b, 11); }

/* Every short name in dir, sorted, for picking a unique ~N tail. */
static int short_names(struct fat_fs *fs, uint32_t dir, uint8_t (**out)[11], size_t *count)
{
	uint8_t(*names)[11] = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t s = 0;; s++) {
		struct fat_dirent de;
		int err = slot_read(fs, dir, s, &de);

		if (err == -ENOENT || (!err && de.name[0] == 0))
			break;
		if (err) {
			free(names);
			return err;
		}
		if (de.name[0] == FAT_DEL_MARK || (de.attr & 0x3f) == FAT_ATTR_LFN)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void *p = realloc(names, cap * 11);
			if (!p) {
				free(names);
				return -ENOMEM;
			}
			names = p;
		}
		memcpy(names[n++], de.name, 11);
	}
	if (n)
		qsort(names, n, 11, cmp11);
	*out = names;
	*count = n;
	return 0;
}

static bool name_used(const uint8_t name[11], uint8_t (*names)[11], size_t count)
{
	return count && bsearch(name, names, count, 11, cmp11);
}

static int pick_short(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len, uint8_t out[11],
                      bool *need_lfn)
{
	uint8_t basis[11], (*names)[11];
	bool exact, case_only;
	size_t count;
	int err;

	fat_short_basis(name, len, basis, &exact, &case_only);
	*need_lfn = !exact || case_only;
	err = short_names(fs, dir, &names, &count);
	if (err)
		return err;
	err = -EEXIST;
	if (exact && !name_used(basis, names, count)) {
		memcpy(out, basis, 11);
		err = 0;
	} else if (!exact || case_only) {
		for (unsigned n = 1; n <= 999999; n++) {
			fat_short_tail(basis, n, out);
			if (!name_used(out, names, count)) {
				err = 0;
				break;
			}
		}
	}
	free(names);
	return err;
}

/* Append a zeroed cluster to dir's chain. */
static int dir_extend(struct fat_fs *fs, uint32_t dir)
{
	uint32_t last, clus;
	bool end;
	int err = fat_chain_at(fs, NULL, dir, UINT32_MAX, &last, &end);

	if (err)
		return err;
	return fat_alloc(fs, last, true, &clus);
}

int fat_dir_add(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len, struct fat_dirent *de,
                struct fat_loc *loc)
{
	bool need_lfn;
	int err = pick_short(fs, dir, name, len, de->name, &need_lfn);
	unsigned need = need_lfn ? (unsigned)((len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS) + 1 : 1;
	uint32_t run = 0, s, epb = fs->g.bps / FAT_DIRENT_SIZE, first_end = UINT32_MAX;

	if (err)
		return err;
	for (s = 0;; s++) {
		struct fat_dirent cur;

		err = slot_read(fs, dir, s, &cur);
		if (err == -ENOENT) {
			if (dir == 0 || s >= FAT_DIR_MAX)
				return -ENOSPC;
			err = dir_extend(fs, dir);
			if (!err)
				err = slot_read(fs, dir, s, &cur);
		}
		if (err)
			return err;
		/* A run that fits in one sector never crosses one: a sector is written whole, so a
		 * crash cannot split an entry from its long name. */
		if (s % epb == 0 && need <= epb)
			run = 0;
		if (cur.name[0] == 0 && first_end == UINT32_MAX)
			first_end = s;
		if (cur.name[0] == 0 || cur.name[0] == FAT_DEL_MARK) {
			if (++run == need)
				break;
		} else {
			run = 0;
		}
	}
	uint32_t first = s + 1 - need;
	/* Free slots skipped before the run that still say "end of directory" must not hide it. */
	for (uint32_t k = first_end; k < first; k++) {
		struct fat_dirent cur;
		err = slot_read(fs, dir, k, &cur);
		if (!err && cur.name[0] == 0) {
			cur.name[0] = FAT_DEL_MARK;
			err = slot_write(fs, dir, k, &cur);
		}
		if (err)
			return err;
	}
	if (need_lfn) {
		uint8_t chk = fat_lfn_checksum(de->name);
		for (unsigned i = 0; i < need - 1; i++) {
			unsigned order = need - 1 - i;
			struct fat_lfn l;
			fat_lfn_pack(&l, name, len, order | (i == 0 ? FAT_LFN_LAST : 0), chk);
			err = slot_write(fs, dir, first + i, &l);
			if (err)
				return err;
		}
	}
	err = slot_write(fs, dir, s, de);
	if (err)
		return err;
	loc->dir = dir;
	loc->slot = s;
	/* A run across two blocks (a name too long for one): the short entry reaches the disk
	 * first, so a crash between leaves a file without its long name rather than long-name
	 * entries without a file. */
	if (need > 1) {
		struct bcache_buf *b;
		uint32_t off;
		uint64_t first_block;
		err = fat_dir_slot(fs, dir, first, &b, &off);
		if (err)
			return err;
		first_block = b->block;
		bcache_put(fs->bc, b);
		err = fat_dir_slot(fs, dir, s, &b, &off);
		if (err)
			return err;
		uint64_t last_block = b->block;
		bcache_put(fs->bc, b);
		if (first_block != last_block)
			err = bcache_write_back(fs->bc, last_block, 1);
	}
	return err;
}

int fat_dir_remove(struct fat_fs *fs, const struct fat_entry_info *e)
{
	for (uint32_t s = e->lfn_slot; s <= e->loc.slot; s++) {
		struct bcache_buf *b;
		uint32_t off;
		int err = fat_dir_slot(fs, e->loc.dir, s, &b, &off);

		if (err)
			return err == -ENOENT ? -EIO : err;
		b->data[off] = FAT_DEL_MARK;
		bcache_dirty(fs->bc, b);
		bcache_put(fs->bc, b);
	}
	return 0;
}

int fat_dir_nonempty(struct fat_fs *fs, uint32_t dir)
{
	struct fat_entry_info *e = malloc(sizeof(*e));
	uint32_t slot = 0;
	int err;

	if (!e)
		return -ENOMEM;
	err = fat_dir_next(fs, dir, &slot, e);
	free(e);
	return err == 0 ? 1 : err == -ENOENT ? 0 : err;
}
